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
}

/** A mistake in how a command was called. `main` prints its message on one line and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit statuses, the same for every command. */
export const EXIT = Object.freeze({ ok: 0, invalid: 1, usage: 2, interrupted: 130 });
