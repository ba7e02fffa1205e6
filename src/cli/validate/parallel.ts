/**
 * `validate` on a large NDJSON file, with worker threads: the main thread reads the file and cuts
 * it into batches of whole lines (raw bytes, handed over, not copied), the workers decode and check
 * them (`batch.ts`, the very code the single-threaded path runs) and send back their report text,
 * and the main thread writes each batch's text in input order. It
 * checks a batch too whenever each worker has one queued (on two cores: one worker, and this
 * thread). At most two batches per worker and six more are in flight (read, being checked, or
 * checked but waiting for an earlier one), so memory stays that of a few batches whatever the
 * file's size, and a slow reader of the output slows the reading.
 *
 * The output is the single-threaded one, byte for byte, because each part of the file is read by
 * the same scanner in the same state:
 * - the file is read in this thread, 64 KiB chunks at 64 KiB boundaries as in one thread, until the
 *   scanner knows it is NDJSON (`InputScanner.streaming`); the batches start after the last newline
 *   read, at a line's start: a scanner resumed there (`ndjson`, its line number, the input's byte
 *   offset) reads what follows as the first one would have;
 * - a line is read the same whatever the chunks it comes in, as long as it is shorter than 16 MiB
 *   (the splitter only looks at a line's length between chunks); batches hold shorter lines only:
 *   a line longer than {@link Threads.longLine} is read in this thread again, from its start, in
 *   chunks at the same 64 KiB boundaries as in one thread, until the next newline read;
 * - the end of the file is the end of the last batch (a last line without a newline, a character
 *   cut short by the end).
 *
 * A worker that fails (it cannot start, it runs out of memory) fails the command: what was checked
 * before it is written, then one line says so, exit 2.
 *
 * Memory, measured on a million realistic lines: about 130 MB with `--quiet`, 155 to 167 MB when
 * every `ok` line is printed, against 80 to 95 MB in one thread. A worker loads the library again
 * (about 20 MB), and once one has started, the main thread's young generation grows to 2 × 16 MiB
 * despite the bin's flags (V8 seems to reset the global growth factor when it sets up the worker's
 * heap). Setting `--semi-space-growth-factor=1` again once the worker is online kept it at 8 MiB
 * and saved about 14 MB, but it applies to the worker too, whose collections then cost 40% more
 * CPU: not done.
 */
import type { FileHandle } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { Threads } from '../io.js';
import { describeSystemError } from '../system-error.js';
import { Utf8Decoder } from '../utf8.js';
import { type Batch, type BatchResult, checkBatch } from './batch.js';
import type { CheckOptions, Tally } from './check.js';
import type { Progress } from './progress.js';
import { InputScanner, type ScanSink } from './scanner.js';

/** Reads in this thread, as `decodeFile` in `input.ts` does. */
const READ_SIZE = 64 * 1024;

/** The default: one worker per core but one, at most three (on two cores: one, and this thread checks batches too); none on one core. */
export const defaultThreads = (cores: number): Threads => ({
  workers: Math.min(cores - 1, 3),
  minBytes: 8 * 1024 * 1024,
  batchBytes: 256 * 1024,
  longLine: 1024 * 1024,
});

/**
 * The threads `validate` uses, with `spec` (the `DIALOGFLOW_CONVERSATION_VALIDATE_THREADS`
 * environment variable, internal: for tests and benchmarks) overriding the defaults, as in
 * `workers=2,min-bytes=0,batch-bytes=4096,long-line=1000`. When it is given, `min-bytes` is 0
 * unless it says otherwise, so that a small file goes through the workers too.
 */
export const threadsFrom = (spec: string | undefined, cores: number): Threads => {
  const threads = defaultThreads(cores);
  if (spec === undefined || spec === '') return threads;
  const values = new Map<string, number>();
  for (const part of spec.split(',')) {
    const [key, value] = part.split('=');
    const n = Number(value);
    if (key !== undefined && Number.isSafeInteger(n) && n >= 0) values.set(key.trim(), n);
  }
  const heap = values.get('worker-heap-mb');
  return {
    workers: Math.min(values.get('workers') ?? threads.workers, 16),
    minBytes: values.get('min-bytes') ?? 0,
    // Lines in a batch stay well under the 16 MiB the scanner's line limit is about.
    batchBytes: Math.min(Math.max(values.get('batch-bytes') ?? threads.batchBytes, 1), 4 * 1024 * 1024),
    longLine: Math.min(Math.max(values.get('long-line') ?? threads.longLine, 1), 4 * 1024 * 1024),
    ...(heap === undefined ? {} : { workerHeapMb: heap }),
  };
};

/** Worker threads checking batches; one batch at a time each, the next ones queued. */
export class WorkerPool {
  private readonly workers: Array<{ readonly worker: Worker; readonly pending: Map<number, Pending>; online: boolean }> = [];
  private failure: Error | undefined;
  private closing = false;

  constructor(count: number, options: CheckOptions, heapMb: number | undefined) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL('./worker.js', import.meta.url), {
        workerData: { options },
        ...(heapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: heapMb } }),
      });
      const pending = new Map<number, Pending>();
      const entry = { worker, pending, online: false };
      worker.once('online', () => {
        entry.online = true;
      });
      worker.on('message', (result: BatchResult) => {
        const waiting = pending.get(result.seq);
        pending.delete(result.seq);
        waiting?.resolve(result);
      });
      worker.on('error', (cause) => this.fail(cause));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`it exited with status ${code}`));
      });
      this.workers.push(entry);
    }
  }

  /** The size of the pool. */
  get size(): number {
    return this.workers.length;
  }

  /**
   * Whether a worker that has started has fewer than two batches (one being checked, one queued):
   * one more keeps it busy. While none has started (they load the library), this thread checks.
   */
  get wanting(): boolean {
    return this.failure !== undefined || this.workers.some((w) => w.online && w.pending.size < 2);
  }

  /** Checks a batch in the worker with the fewest batches; its bytes are handed over (the buffer is emptied here). */
  check(batch: Batch): Promise<BatchResult> {
    let result: Promise<BatchResult>;
    if (this.failure === undefined) {
      let chosen = this.workers[0]!;
      for (const w of this.workers) if (w.pending.size < chosen.pending.size) chosen = w;
      result = new Promise<BatchResult>((resolve, reject) => chosen.pending.set(batch.seq, { resolve, reject }));
      chosen.worker.postMessage(batch, [batch.bytes]);
    } else {
      result = Promise.reject(this.failure);
    }
    // Awaited in order, later: a failure must not be an unhandled rejection meanwhile.
    result.catch(() => undefined);
    return result;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }

  /** One worker failed: every batch still waiting fails with it, and no more are taken. */
  private fail(cause: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = new Error(`a worker thread stopped: ${describeSystemError(cause)}`);
    for (const { pending } of this.workers) {
      for (const waiting of pending.values()) waiting.reject(this.failure);
      pending.clear();
    }
  }
}

interface Pending {
  readonly resolve: (result: BatchResult) => void;
  readonly reject: (cause: Error) => void;
}

/** What reading a file needs from the command. */
export interface FileContext {
  readonly handle: FileHandle;
  readonly source: string;
  /** The checker of the single-threaded parts, writing to the command's batched output. */
  readonly checker: ScanSink;
  readonly tally: Tally;
  readonly progress: Progress;
  readonly signal: AbortSignal;
  readonly threads: Threads;
  /** The workers, started the first time they are needed. */
  readonly pool: () => WorkerPool;
  readonly options: CheckOptions;
  /** Writes what the checker queued: a full batch only, unless `all` (as in `validate.ts`). */
  readonly flush: (all: boolean) => Promise<void>;
  /** Writes text, already escaped, to stdout or stderr, waiting while the stream is full. */
  readonly write: (to: 'out' | 'problems', text: string) => Promise<void>;
}

/** How reading a file ended: to its end (and whether it held nothing, and how many bytes), or stopped by Ctrl-C. */
export type FileOutcome = { readonly empty: boolean; readonly bytes: number } | 'interrupted';

/** Where reading goes on: an offset in the file at a line's start, and that line's number. */
interface At {
  readonly offset: number;
  readonly line: number;
}

/**
 * Reads and checks a file, in this thread until it is known to be NDJSON, then in the workers,
 * back in this thread for a line too long for a batch, and so on. Read failures are thrown, once
 * what was read before is written.
 */
export const checkFile = async (context: FileContext): Promise<FileOutcome> => {
  const { size } = await context.handle.stat();
  let at: At | undefined;
  for (;;) {
    const here = await inThisThread(context, at, size);
    if (here === 'interrupted' || !('offset' in here)) return here;
    // What this thread queued goes out before what the workers give.
    await context.flush(true);
    const there = await inWorkers(context, here);
    if (there === 'interrupted' || !('offset' in there)) return there;
    at = there;
  }
};

/**
 * Reads from `at` (the start of the file when undefined) in this thread, in 64 KiB chunks at the
 * file's 64 KiB boundaries (as `decodeFile` reads), until the scanner reads NDJSON line by line
 * and a newline has been read: returns where the next line starts. Or to the end of the file.
 */
const inThisThread = async (context: FileContext, at: At | undefined, size: number): Promise<At | FileOutcome> => {
  const { handle, checker, signal, progress, source, tally } = context;
  const scanner = at === undefined ? new InputScanner(checker) : new InputScanner(checker, 'ndjson', { line: at.line });
  const decoder = new Utf8Decoder(at?.offset ?? 0);
  const buffer = Buffer.allocUnsafeSlow(READ_SIZE);
  let position = at?.offset ?? 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, READ_SIZE - (position % READ_SIZE), position);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    scanner.push(decoder.decode(chunk));
    position += bytesRead;
    await context.flush(false);
    if (signal.aborted) return 'interrupted';
    progress.update(source, tally);
    // Workers for the rest, if there is enough of it (when NDJSON is only known after 16 MiB, say, a
    // worker would cost more memory than it saves time).
    if (scanner.streaming && context.threads.workers > 0 && size - position >= context.threads.minBytes) {
      const nl = chunk.lastIndexOf(10);
      if (nl !== -1) return { offset: position - bytesRead + nl + 1, line: scanner.currentLine };
    }
  }
  scanner.push(decoder.end());
  await context.flush(false);
  scanner.end();
  return { empty: scanner.empty, bytes: decoder.bytes };
};

/** How many newlines `bytes[from, to)` holds. */
const newlines = (bytes: Buffer, from: number, to: number): number => {
  let count = 0;
  for (let i = bytes.indexOf(10, from); i !== -1 && i < to; i = bytes.indexOf(10, i + 1)) count++;
  return count;
};

/**
 * Reads from `at`, a line's start, in batches of whole lines checked by the workers, written in
 * order, to the end of the file, or to a line longer than `longLine`: returns its start, to be
 * read in this thread.
 */
const inWorkers = async (context: FileContext, at: At): Promise<At | FileOutcome> => {
  const { handle, signal, progress, source, tally, threads } = context;
  const pool = context.pool();
  const inFlight: Array<Promise<BatchResult>> = [];
  const writeFirst = async (): Promise<void> => {
    const result = await inFlight.shift()!;
    if (spare.length < limit) spare.push(result.bytes);
    tally.valid += result.valid;
    tally.invalid += result.invalid;
    if (result.out.length > 0) await context.write('out', result.out);
    if (result.problems.length > 0) await context.write('problems', result.problems);
    progress.update(source, tally);
  };
  const writeAll = async (): Promise<void> => {
    while (inFlight.length > 0) await writeFirst();
  };
  // Two per worker, and a few this thread checked while a worker's were not back yet (it would
  // sit idle otherwise): a few MiB at most.
  const limit = pool.size * 2 + 6;
  /** Buffers the workers handed back, to read into again. */
  const spare: ArrayBuffer[] = [];
  let seq = 0;
  const send = (buffer: Buffer, length: number, offset: number, line: number, last: boolean): void => {
    const bytes = buffer.buffer as ArrayBuffer;
    const batch: Batch = { seq: seq++, source, bytes, length, offset, line, last };
    // The workers first; when each has a batch queued, this thread checks one too, meanwhile.
    inFlight.push(pool.wanting ? pool.check(batch) : Promise.resolve(checkBatch(batch, context.options)));
  };
  /** A buffer of at least `size` bytes: a spare one, or a new one of at least a batch. */
  const fresh = (size: number): Buffer => {
    const i = spare.findIndex((b) => b.byteLength >= size);
    const bytes = i === -1 ? new ArrayBuffer(Math.max(size, threads.batchBytes)) : spare.splice(i, 1)[0]!;
    return Buffer.from(bytes);
  };

  /** The buffer being filled: from `start` in the file, line `line`; `filled` bytes so far, none of them a newline. */
  let buffer = fresh(threads.batchBytes);
  let filled = 0;
  let start = at.offset;
  let line = at.line;
  try {
    for (;;) {
      if (signal.aborted) {
        await writeAll();
        return 'interrupted';
      }
      while (inFlight.length >= limit) await writeFirst();
      if (filled === buffer.length) {
        // A full buffer, and not one newline: a long line.
        if (filled >= threads.longLine) {
          await writeAll();
          return { offset: start, line };
        }
        const bigger = fresh(buffer.length * 2);
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled);
      if (bytesRead === 0) {
        if (filled > 0) send(buffer, filled, start, line, true);
        await writeAll();
        return { empty: false, bytes: start + filled };
      }
      const from = filled;
      filled += bytesRead;
      const nl = buffer.lastIndexOf(10, filled - 1);
      if (nl < from) continue; // no newline yet (the bytes before `from` have none)
      const end = nl + 1;
      const lines = newlines(buffer, from, end);
      // The unfinished line goes first in the next buffer.
      const rest = filled - end;
      const next = fresh(rest + Math.ceil(threads.batchBytes / 2));
      buffer.copy(next, 0, end, filled);
      send(buffer, end, start, line, false);
      start += end;
      line += lines;
      buffer = next;
      filled = rest;
    }
  } catch (cause) {
    // A read failed (or a worker): what was checked before it is written first, if it can be.
    await writeAll().catch(() => undefined);
    throw cause;
  }
};
