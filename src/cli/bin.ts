#!/usr/bin/env node
/**
 * The `dialogflow-conversation` executable: the process's streams and Ctrl-C, handed to `main`.
 */
import { setFlagsFromString } from 'node:v8';

// Keep V8's young generation at its starting size (1 MiB semi-spaces) instead of letting it grow to
// 16 MiB ones. `validate` allocates fast and keeps almost nothing (a line, a batch of output), so a
// bigger young generation only adds RSS: this keeps a run over millions of lines near 80 MB rather
// than at 100 MB and more, for a little more time in garbage collection (validate still checks well
// over 200,000 conversations a second; docs/cli.md). V8 reads the growth factor when it next resizes
// the young generation, so it can be set here rather than on node's command line.
setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--max-semi-space-size=4');

const { EXIT } = await import('./io.js');
const { main } = await import('./main.js');
const { printLine } = await import('./output.js');
const { describeSystemError, errorCode } = await import('./system-error.js');
const { threadsFrom } = await import('./validate/parallel.js');
const { availableParallelism } = await import('node:os');

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  // The first Ctrl-C stops the command cleanly; a second one does not wait.
  if (++interrupts > 1) process.exit(EXIT.interrupted);
  controller.abort('SIGINT');
});
// SIGTERM (a service manager, a test harness) stops a command the same way.
process.on('SIGTERM', () => controller.abort('SIGTERM'));
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // Output piped into `head` and the like: stop quietly when the reader goes away.
  if (errorCode(error) === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
  // Any other failure (a full disk, a quota, an I/O error): what is left cannot be written, and
  // going on would only hide it. One line on stderr, then exit 1 (the output is not what it should be).
  printLine(process.stderr, `dialogflow-conversation: cannot write output: ${describeSystemError(error)}`);
  process.exit(EXIT.invalid);
});
// Standard error closed or failing (`2>&1 >/dev/null | head -1`): nowhere is left to say so. The
// command carries on, its output and exit status unchanged; what it would print there is dropped
// (a destroyed stream takes no more writes, see output.ts).
process.stderr.on('error', () => undefined);

const io: import('./io.js').CliIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stderrIsTTY: process.stderr.isTTY === true,
  cwd: process.cwd(),
  signal: controller.signal,
  now: () => performance.now(),
  // validate checks large files in worker threads (see validate/parallel.ts).
  // The environment variable is internal, for tests and benchmarks: it forces how.
  threads: threadsFrom(process.env.DIALOGFLOW_CONVERSATION_VALIDATE_THREADS, availableParallelism()),
};

const code = await main(process.argv.slice(2), io);
// Let written output reach its reader, then exit: an inspector server may still hold connections.
const { whenWritten } = await import('./output.js');
await whenWritten(process.stdout);
await whenWritten(process.stderr);
process.exit(code);
