import type { Decoded } from '../utf8.js';

/** Where the scanner sends what it finds. */
export interface ScanSink {
  /**
   * One JSON text: an NDJSON line (with its 1-based number; never blank) or a whole document (line
   * `undefined`).
   */
  readonly text: (text: string, line: number | undefined) => void;
  /** A problem with the input itself, not with a JSON value in it: a line too long to read, bytes that are not UTF-8. */
  readonly problem: (line: number | undefined, message: string) => void;
}

/**
 * The longest line, or document, read: a ListConversations page of 1000 conversations is a few
 * MiB; anything longer is refused rather than allowed to push memory past its bound.
 */
export const MAX_TEXT = 16 * 1024 * 1024;
const MAX_TEXT_NAME = '16 MiB';

/**
 * What the input is: `detect` (as `validate` reads, see {@link InputScanner}), or `ndjson` (one
 * JSON value per line, whatever the first line is, as `replay` reads a log: a bad first line is a
 * bad line, not the start of a document).
 */
export type InputFormat = 'detect' | 'ndjson';

/** Whether a text has only JSON whitespace. */
export const isBlank = (text: string): boolean => /^[ \t\r\n]*$/.test(text);

const isJsonValue = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const invalidUtf8 = (offset: number): string => `invalid UTF-8 at byte ${offset}`;

/**
 * Splits text into lines, numbered from 1, as it comes, holding only the unfinished last line. A
 * line longer than {@link MAX_TEXT} is skipped up to its end and reported. Lines are found with
 * `indexOf` on each piece rather than with `readline`, whose per-line events cost more than
 * decoding a short conversation.
 */
class LineSplitter {
  private carry = '';
  /** The number of the last complete line. */
  private count = 0;
  private skipping = false;
  /** The offset of the first byte of the unfinished line that is not UTF-8, if any. */
  private bad: number | undefined;

  constructor(
    /** A complete line, without its `\n` or `\r\n`; `bad` when it held bytes that are not UTF-8. */
    private readonly onLine: (text: string, line: number, bad: number | undefined) => void,
    private readonly onTooLong: (line: number) => void,
    /** How many lines came before the first one given (when reading resumes mid-input). */
    before = 0,
  ) {
    this.count = before;
  }

  /** Whether no line is unfinished, and none is being skipped. */
  get atLineStart(): boolean {
    return this.carry.length === 0 && !this.skipping && this.bad === undefined;
  }

  /** Whether a line too long to read is being skipped. */
  get skippingLine(): boolean {
    return this.skipping;
  }

  text(piece: string): void {
    let start = 0;
    let text = piece;
    if (this.skipping) {
      const nl = text.indexOf('\n');
      if (nl === -1) return;
      this.count++;
      this.skipping = false;
      this.bad = undefined;
      this.onTooLong(this.count);
      start = nl + 1;
    } else if (this.carry.length > 0) {
      text = this.carry + piece;
    }
    let nl = text.indexOf('\n', start);
    while (nl !== -1) {
      this.count++;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl; // \r\n
      const bad = this.bad;
      this.bad = undefined;
      this.onLine(text.slice(start, end), this.count, bad);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.carry = start === 0 ? text : text.slice(start);
    if (this.carry.length > MAX_TEXT) {
      this.carry = '';
      this.skipping = true;
    }
  }

  /** Marks the unfinished line as holding a byte that is not UTF-8 (the first one counts). */
  invalid(offset: number): boolean {
    if (this.skipping || this.bad !== undefined) return false;
    this.bad = offset;
    return true;
  }

  /** The number of the line being read. */
  get current(): number {
    return this.count + 1;
  }

  /** The end of the input: the last line, if it has no newline. */
  end(): void {
    const last = this.carry;
    this.carry = '';
    if (this.skipping) this.onTooLong(this.count + 1);
    else if (last.length > 0 || this.bad !== undefined) {
      const end = last.length > 0 && last.charCodeAt(last.length - 1) === 13 ? last.length - 1 : last.length;
      this.onLine(last.slice(0, end), this.count + 1, this.bad);
    }
    this.skipping = false;
    this.bad = undefined;
  }
}

/**
 * - `detecting`: no non-blank line yet;
 * - `maybe-document`: the first non-blank line is not a whole JSON value: perhaps a pretty-printed
 *   document, perhaps NDJSON whose first line is cut short; the input so far is kept (at most
 *   {@link MAX_TEXT}) until it is known;
 * - `lines`: NDJSON;
 * - `too-long`: not NDJSON, and longer than {@link MAX_TEXT} as a document: read to its end, unread.
 */
type Mode = 'detecting' | 'maybe-document' | 'lines' | 'too-long';

/**
 * Splits an input, chunk by chunk as it is read, into JSON texts, without holding more than one
 * line (or one document) and one chunk. It reads what `Utf8Decoder` makes of the bytes: text, and
 * the offset of each byte that is not UTF-8; a line that holds one is reported, with the offset of
 * its first, and not read.
 *
 * With the `detect` format, what an input is:
 * 1. NDJSON when its first non-blank line is a whole JSON value;
 * 2. NDJSON when two non-blank lines in a row are whole JSON values: one JSON document never has
 *    that (two values side by side need a `,` or `:` between them), so the first line was cut
 *    short or is broken, and the others are still read;
 * 3. else one JSON document, when the whole input is one (pretty-printed, say);
 * 4. else NDJSON when a line after the first non-blank one is a whole JSON value;
 * 5. else one (invalid) JSON document.
 * Until 1 or 2 decides, the input is kept, up to {@link MAX_TEXT}: past that it cannot be read as
 * one document; it is NDJSON when at least half of its lines after the first are whole JSON
 * values, too long otherwise.
 */
export class InputScanner {
  private mode: Mode = 'detecting';
  private splitter: LineSplitter;
  private first = true;
  private sawContent = false;
  /** Detecting and maybe-document: the decoded text so far, and the offsets of bad bytes, in order. */
  private kept: Array<string | number> = [];
  private keptLength = 0;
  /** Maybe-document: the first bad byte, and its line, for a document's report. */
  private firstBad: { readonly offset: number; readonly line: number } | undefined;
  /** Maybe-document: whether the last non-blank line was a whole JSON value; of the non-blank lines after the first, how many were, and how many there were. */
  private lastWhole = false;
  private whole = 0;
  private later = 0;
  /** Maybe-document: rule 2 has decided: NDJSON. */
  private decided = false;

  /**
   * `resume`: the input is read from the start of its line `resume.line` on, past what was read
   * (as NDJSON, by another scanner, see `parallel.ts`): it is NDJSON, it is not empty, and no byte
   * order mark comes first.
   */
  constructor(
    private readonly sink: ScanSink,
    format: InputFormat = 'detect',
    resume?: { readonly line: number },
  ) {
    if (format === 'ndjson' || resume !== undefined) this.mode = 'lines';
    if (resume !== undefined) {
      this.first = false;
      this.sawContent = true;
    }
    this.splitter = this.newSplitter(resume === undefined ? 0 : resume.line - 1);
  }

  /**
   * Whether the input is known to be NDJSON, with content, and read line by line from here: what
   * follows the last newline read may be read from its line's start by another scanner resumed
   * there, with the same result (a line of at most {@link MAX_TEXT} bytes is read the same whatever
   * the chunks it comes in).
   */
  get streaming(): boolean {
    return this.mode === 'lines' && this.sawContent && !this.splitter.skippingLine;
  }

  /** The number of the line being read (the unfinished one). */
  get currentLine(): number {
    return this.splitter.current;
  }

  /** Whether the input held nothing but whitespace (and a byte order mark): no input at all. */
  get empty(): boolean {
    return !this.sawContent;
  }

  /** The next chunk of the input, decoded (see `Utf8Decoder`): text, and the offsets of bytes that are not UTF-8. */
  push(chunk: Decoded | string): void {
    if (typeof chunk === 'string') this.text(chunk);
    else for (const item of chunk) typeof item === 'string' ? this.text(item) : this.invalid(item);
  }

  /** The end of the input: what is left is read, and reported. */
  end(): void {
    this.splitter.end();
    if (this.mode === 'maybe-document') {
      if (this.decided) {
        this.readKeptAsLines();
        this.splitter.end();
      } else {
        this.endDocument();
      }
    } else if (this.mode === 'too-long') {
      this.sink.problem(
        undefined,
        `not NDJSON (its first line is not a whole JSON value, nor are most of the others) and longer than ${MAX_TEXT_NAME} as one document: put one JSON value per line`,
      );
    }
    this.kept = [];
  }

  private text(piece: string): void {
    if (this.first) {
      this.first = false;
      if (piece.charCodeAt(0) === 0xfeff) piece = piece.slice(1); // a byte order mark
    }
    if (this.mode === 'detecting' || this.mode === 'maybe-document') {
      this.kept.push(piece);
      this.keptLength += piece.length;
    }
    this.splitter.text(piece);
    if (this.mode !== 'maybe-document' && this.mode !== 'detecting') return;
    if (this.decided) this.readKeptAsLines();
    else if (this.keptLength > MAX_TEXT) this.overflow();
  }

  private invalid(offset: number): void {
    this.first = false; // a byte order mark is only one at the very start
    const line = this.splitter.current;
    if (!this.splitter.invalid(offset)) return; // only the first bad byte of a line is reported
    this.sawContent = true;
    if (this.mode === 'detecting' || this.mode === 'maybe-document') {
      this.kept.push(offset);
      this.keptLength++;
      this.firstBad ??= { offset, line };
    }
  }

  private newSplitter(before = 0): LineSplitter {
    return new LineSplitter(
      (text, line, bad) => this.line(text, line, bad),
      (line) => {
        this.sawContent = true;
        if (this.mode === 'detecting') this.becomeLines();
        if (this.mode === 'lines') this.sink.problem(line, `line longer than ${MAX_TEXT_NAME}: skipped`);
      },
      before,
    );
  }

  private line(text: string, line: number, bad: number | undefined): void {
    if (bad === undefined && isBlank(text)) return;
    this.sawContent = true;
    switch (this.mode) {
      case 'lines':
        if (bad === undefined) this.sink.text(text, line);
        else this.sink.problem(line, invalidUtf8(bad));
        return;
      case 'detecting':
        if (bad === undefined && isJsonValue(text)) {
          this.becomeLines();
          this.sink.text(text, line);
        } else {
          this.mode = 'maybe-document';
        }
        return;
      case 'maybe-document': {
        if (this.decided) return;
        const whole = bad === undefined && isJsonValue(text);
        if (whole && this.lastWhole) this.decided = true;
        this.lastWhole = whole;
        this.later++;
        if (whole) this.whole++;
        return;
      }
      case 'too-long':
        return;
    }
  }

  private becomeLines(): void {
    this.mode = 'lines';
    this.kept = [];
    this.keptLength = 0;
  }

  /** Reads again what was kept, from its first line, as NDJSON, and goes on so. */
  private readKeptAsLines(): void {
    const kept = this.kept;
    this.becomeLines();
    this.splitter = this.newSplitter();
    for (const item of kept) {
      if (typeof item === 'string') this.splitter.text(item);
      else this.splitter.invalid(item);
    }
  }

  /**
   * Kept more than a document may be: NDJSON if at least half of the lines after the first are
   * whole JSON values (a pretty-printed document has few: the last item of an array of strings or
   * numbers), too long otherwise.
   */
  private overflow(): void {
    if (this.mode === 'detecting') {
      // Still in the first non-blank line: as NDJSON, the splitter skips it and says so.
      this.becomeLines();
    } else if (this.whole > 0 && this.whole * 2 >= this.later) {
      this.readKeptAsLines();
    } else {
      this.mode = 'too-long';
      this.kept = [];
      this.keptLength = 0;
    }
  }

  /** The end of an input whose first non-blank line was not a whole JSON value (rules 3 to 5). */
  private endDocument(): void {
    const text = this.kept.filter((item): item is string => typeof item === 'string').join('');
    if (this.whole > 0 && (this.firstBad !== undefined || !isJsonValue(text))) {
      this.readKeptAsLines();
      this.splitter.end();
    } else if (this.firstBad !== undefined) {
      this.sink.problem(undefined, `${invalidUtf8(this.firstBad.offset)} (line ${this.firstBad.line})`);
    } else {
      this.sink.text(text, undefined);
    }
  }
}
