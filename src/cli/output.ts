import type { Writable } from 'node:stream';
import { escapeControls } from './escape.js';

// Small enough that a batch of queued lines is little to copy when the garbage collector runs
// mid-batch (measured: 64 KiB batches cost a fifth of validate's time in GC), large enough that
// writes stay few.
const BATCH = 16 * 1024;

/** Whether a stream can take no more: destroyed (its reader went away, a write failed) or ended. */
const gone = (stream: Writable): boolean => stream.destroyed || stream.writableEnded;

/**
 * Writes `text` and resolves once the stream can take more: at once, or on `drain`. Also resolves
 * when the stream goes away instead (closed, or failed: the `bin` reports that, see `bin.ts`), so
 * that a command never waits for a `drain` that cannot come.
 */
export const writeAndWait = (stream: Writable, text: string): Promise<void> => {
  if (gone(stream)) return Promise.resolve();
  if (stream.write(text)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
};

/** Resolves once everything written so far has been handed to the system (or the stream is gone). */
export const whenWritten = (stream: Writable): Promise<void> =>
  gone(stream) ? Promise.resolve() : new Promise((resolve) => stream.write('', () => resolve()));

/** Prints one line, escaped (see {@link escapeControls}); nothing once the stream has gone away. */
export const printLine = (stream: Writable, text: string): void => {
  if (!gone(stream)) stream.write(`${escapeControls(text)}\n`);
};

/**
 * Text for a stream, written in batches of about 16 KiB: one `write` per batch rather than per
 * line, which is most of the cost of printing a line. `flush` waits for `drain` when the stream
 * says it is full, so a slow reader (a pager, a pipe) slows the producer down instead of making
 * output pile up in memory.
 */
export class BatchedOutput {
  private pending = '';

  constructor(private readonly stream: Writable) {}

  /** Whether nothing is queued. */
  get empty(): boolean {
    return this.pending.length === 0;
  }

  /** Whether a batch is queued. */
  get full(): boolean {
    return this.pending.length >= BATCH;
  }

  /**
   * Queues one line (without its newline), escaped: what it holds from input cannot reach the
   * terminal raw (see {@link escapeControls}). Call {@link flushIfFull} now and then (the validate
   * loop does, once per chunk read).
   */
  line(text: string): void {
    this.pending += escapeControls(text);
    this.pending += '\n';
  }

  /**
   * Queues one line (without its newline) whose every part taken from input has been through
   * {@link escapeControls} already. For the hottest line, validate's `ok`: scanning the whole line
   * again would make V8 flatten the string it is built as, a copy per line (measured: 10 MB more
   * RSS on a 100 MB input).
   */
  escapedLine(text: string): void {
    this.pending += text;
    this.pending += '\n';
  }

  /** Writes what is queued once it is a batch, waiting if the stream is full. */
  async flushIfFull(): Promise<void> {
    if (this.full) await this.flush();
  }

  /** Writes everything queued, waiting if the stream is full. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending;
    this.pending = '';
    await writeAndWait(this.stream, text);
  }
}
