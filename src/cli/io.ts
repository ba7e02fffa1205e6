import type { Readable, Writable } from 'node:stream';

/**
 * What a command reads and writes: the process's streams in the `bin`, fakes in tests. Commands
 * touch nothing else of the process.
 */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Whether stderr is a terminal: progress lines are written only then, never when piped. */
  readonly stderrIsTTY: boolean;
  /** The directory relative file names are resolved from. */
  readonly cwd: string;
  /** Aborted on Ctrl-C: long-running commands (`inspect`) stop cleanly, `validate` stops reading. */
  readonly signal: AbortSignal;
  /** Milliseconds, for progress lines; injectable so tests control time. */
  readonly now: () => number;
  /**
   * Whether, and how, `validate` checks large files in worker threads (see `validate/parallel.ts`).
   * The `bin` sets it; absent, as when tests call `main` in this process, everything runs in the
   * calling thread.
   */
  readonly threads?: Threads | undefined;
}

/** How `validate` uses worker threads on large NDJSON files. The output is the same either way. */
export interface Threads {
  /** How many worker threads; 0: none. */
  readonly workers: number;
  /** The smallest file (in bytes) checked in worker threads; smaller ones, and standard input, are checked in this thread. */
  readonly minBytes: number;
  /** The size of a batch of lines sent to a worker, in bytes. */
  readonly batchBytes: number;
  /** Past this many bytes without a newline, a line is read in this thread, from its start (see `validate/parallel.ts`). */
  readonly longLine: number;
  /** Internal, for tests: a worker's old-generation heap limit, in MB (a tiny one makes it fail). */
  readonly workerHeapMb?: number | undefined;
}

/** A mistake in how a command was called. `main` prints its message on one line and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit statuses, the same for every command. */
export const EXIT = Object.freeze({ ok: 0, invalid: 1, usage: 2, interrupted: 130 });
