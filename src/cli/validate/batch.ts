import { escapeControls } from '../escape.js';
import { Utf8Decoder } from '../utf8.js';
import { Checker, type CheckOptions, type LineSink, type Tally } from './check.js';
import { InputScanner } from './scanner.js';

/**
 * A batch of an NDJSON input, as `validate`'s worker threads get it: whole lines of raw bytes,
 * where they start in the input, and whether they end it.
 */
export interface Batch {
  /** Its place in the input, from 0: results are written in this order. */
  readonly seq: number;
  /** How the input is named in reports. */
  readonly source: string;
  /** Whole lines, each ending with `\n`, but for the input's last line when `last`: the first `length` bytes. */
  readonly bytes: ArrayBuffer;
  readonly length: number;
  /** The input's offset of the first byte, for the offsets of bytes that are not UTF-8. */
  readonly offset: number;
  /** The number of the first line. */
  readonly line: number;
  /** Whether the batch ends the input (its last line may lack a newline, or end in a cut character). */
  readonly last: boolean;
}

/** What a batch gave: the text for stdout and for stderr (escaped, each line with its newline), and the counts. */
export interface BatchResult {
  readonly seq: number;
  /** The batch's buffer, handed back to be read into again (so that none waits for a collection to be freed). */
  readonly bytes: ArrayBuffer;
  readonly out: string;
  readonly problems: string;
  readonly valid: number;
  readonly invalid: number;
}

/** How much of a batch is decoded at once. */
const PIECE = 64 * 1024;

/** Report lines kept as text, as `BatchedOutput` queues them, for the main thread to write. */
class TextSink implements LineSink {
  text = '';
  line(text: string): void {
    this.text += escapeControls(text);
    this.text += '\n';
  }
  escapedLine(text: string): void {
    this.text += text;
    this.text += '\n';
  }
}

/**
 * Checks a batch of whole NDJSON lines as `validate` checks them in one thread: the same decoder
 * and scanner, resumed at the batch's first line (see `InputScanner`), and the same checker, so
 * the same report lines, byte for byte. Synchronous; nothing is kept once it returns.
 */
export const checkBatch = (batch: Batch, options: CheckOptions): BatchResult => {
  const out = new TextSink();
  const problems = new TextSink();
  const tally: Tally = { valid: 0, invalid: 0 };
  const scanner = new InputScanner(new Checker(batch.source, out, problems, options, tally), 'ndjson', { line: batch.line });
  const decoder = new Utf8Decoder(batch.offset);
  // 64 KiB at a time, as the file is read in one thread: each piece of text is a small string,
  // gone by the next collection of the young generation, where one string of the whole batch would
  // outlive a few of them, be moved to the old generation and wait there for a full collection.
  const bytes = new Uint8Array(batch.bytes, 0, batch.length);
  for (let at = 0; at < bytes.length; at += PIECE) scanner.push(decoder.decode(bytes.subarray(at, at + PIECE)));
  if (batch.last) scanner.push(decoder.end());
  scanner.end();
  return { seq: batch.seq, bytes: batch.bytes, out: out.text, problems: problems.text, valid: tally.valid, invalid: tally.invalid };
};
