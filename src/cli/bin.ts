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

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  // The first Ctrl-C stops the command cleanly; a second one does not wait.
  if (++interrupts > 1) process.exit(EXIT.interrupted);
  controller.abort();
});
// SIGTERM (a service manager, a test harness) stops a command the same way.
process.on('SIGTERM', () => controller.abort());
// Output piped into `head` and the like: stop quietly when the reader goes away.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
  throw error;
});

const io: import('./io.js').CliIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stderrIsTTY: process.stderr.isTTY === true,
  cwd: process.cwd(),
  signal: controller.signal,
  now: () => performance.now(),
};

const code = await main(process.argv.slice(2), io);
// Let written output reach its reader, then exit: an inspector server may still hold connections.
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(code);
