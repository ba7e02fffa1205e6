import { type StdioOptions, spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The built executable (test/global-setup.ts builds it). */
export const BIN = fileURLToPath(new URL('../dist/src/cli/bin.js', import.meta.url));

/** A Writable that keeps what is written, as text. */
export class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface RunOptions {
  readonly stdin?: string | Readable;
  readonly stderrIsTTY?: boolean;
  readonly now?: () => number;
  readonly signal?: AbortSignal;
  readonly stdout?: Writable;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line in this process, with fake streams. Paths are relative to the repository. */
export const runCli = async (argv: ReadonlyArray<string>, options: RunOptions = {}): Promise<RunResult> => {
  const stdout = options.stdout ?? new Collect();
  const stderr = new Collect();
  const stdin = typeof options.stdin === 'string' || options.stdin === undefined ? Readable.from([options.stdin ?? '']) : options.stdin;
  const io: CliIo = {
    stdin,
    stdout,
    stderr,
    stderrIsTTY: options.stderrIsTTY ?? false,
    cwd: ROOT,
    signal: options.signal ?? new AbortController().signal,
    now: options.now ?? (() => performance.now()),
  };
  const code = await main(argv, io);
  return { code, stdout: stdout instanceof Collect ? stdout.text : '', stderr: stderr.text };
};

/** The preloaded module that prints the process's CPU time and peak RSS at exit (`peak-rss-kib=N`). */
export const REPORT_USAGE = fileURLToPath(new URL('./support/report-usage.cjs', import.meta.url));

/**
 * Starts `node ARGS` in the repository, collecting what it prints as it comes: `output.stdout` and
 * `output.stderr` grow, and `closed` resolves with its exit code.
 */
export const spawnNode = (args: ReadonlyArray<string>) => {
  const child = spawn(process.execPath, args, { cwd: ROOT });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    output.stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    output.stderr += d;
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output, closed };
};

/** How {@link runBinWith} starts the executable: its standard streams, its user, its directory. */
export interface BinOptions {
  /** Its stdin, stdout and stderr: `'pipe'` (collected; stdin gets `input`), `'ignore'` (/dev/null), or a file descriptor. */
  readonly stdio?: StdioOptions;
  readonly input?: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly nodeOptions?: ReadonlyArray<string>;
  /** Environment variables, on top of this process's. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Runs the built executable with the given standard streams (a file descriptor of /dev/full, a
 * closed pipe...) and user, collecting what it prints on the streams that are pipes.
 */
export const runBinWith = (args: ReadonlyArray<string>, options: BinOptions = {}): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeOptions ?? []), BIN, ...args], {
      cwd: ROOT,
      stdio: options.stdio ?? 'pipe',
      ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
    });
    const output = { stdout: '', stderr: '' };
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      output.stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      output.stderr += d;
    });
    child.on('error', reject);
    child.stdin?.on('error', () => undefined); // the child may be gone before its input is written
    child.stdin?.end(options.input ?? '');
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: output.stdout, stderr: output.stderr }));
  });

/** Starts the built executable in a child process (see {@link spawnNode}). */
export const spawnBin = (args: ReadonlyArray<string>, nodeOptions: ReadonlyArray<string> = []) => spawnNode([...nodeOptions, BIN, ...args]);

/** Runs the built executable in a child process, feeding `input` (if any) to its stdin. */
export const runBin = (
  args: ReadonlyArray<string>,
  options: { readonly input?: string; readonly nodeOptions?: ReadonlyArray<string> } = {},
): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const { child, output, closed } = spawnBin(args, options.nodeOptions);
    child.on('error', reject);
    void closed.then((code) => resolve({ code: code ?? -1, stdout: output.stdout, stderr: output.stderr }));
    child.stdin.end(options.input ?? '');
  });

/**
 * Runs a command on an endless input into a reader that has stopped reading, and checks that the
 * command stops reading too (stdout backpressure), then that Ctrl-C ends it with 130.
 */
export const expectBackpressure = async (argv: ReadonlyArray<string>, first: string, next: () => string): Promise<void> => {
  let produced = 0;
  async function* endless(): AsyncGenerator<string> {
    yield first;
    for (;;) {
      produced++;
      yield next();
    }
  }
  const held: Array<() => void> = [];
  let released = false;
  const stuck = new Writable({
    highWaterMark: 1024,
    write(_chunk, _encoding, callback) {
      if (released) callback();
      else held.push(callback); // a reader that has stopped reading
    },
  });
  const controller = new AbortController();
  const run = runCli(argv, { stdin: Readable.from(endless()), stdout: stuck, signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 300));
  // One output batch plus what the input stream buffers: a few chunks, not an endless input.
  if (produced >= 60) throw new Error(`read ${produced} chunks ahead of a stuck reader`);
  const before = produced;
  await new Promise((resolve) => setTimeout(resolve, 200));
  if (produced !== before) throw new Error('kept reading while the reader was stuck');
  // Ctrl-C, and the reader lets go: the command stops.
  controller.abort();
  released = true;
  for (const callback of held.splice(0)) callback();
  const { code } = await run;
  if (code !== 130) throw new Error(`exit status ${code}, not 130`);
};
