import { once } from 'node:events';
import type { Writable } from 'node:stream';

// Small enough that a batch of queued lines is little to copy when the garbage collector runs
// mid-batch (measured: 64 KiB batches cost a fifth of validate's time in GC), large enough that
// writes stay few.
const BATCH = 16 * 1024;

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

  /** Queues text; call {@link flushIfFull} now and then (the validate loop does, once per chunk read). */
  write(text: string): void {
    this.pending += text;
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
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }
}
