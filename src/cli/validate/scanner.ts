/** Where the scanner sends what it finds. */
export interface ScanSink {
  /**
   * One JSON text: an NDJSON line (with its 1-based number; never empty, perhaps only spaces) or a
   * whole document (line `undefined`).
   */
  readonly text: (text: string, line: number | undefined) => void;
  /** A problem with the input itself, not with a JSON value in it (a line too long to read). */
  readonly problem: (line: number | undefined, message: string) => void;
}

/**
 * The longest line, or document, read: a ListConversations page of 1000 conversations is a few
 * MiB; anything longer is refused rather than allowed to push memory past its bound.
 */
export const MAX_TEXT = 16 * 1024 * 1024;
const MAX_TEXT_NAME = '16 MiB';

type Mode = 'detecting' | 'lines' | 'document';

/**
 * What the input is: `detect` (the first non-blank line decides, as `validate` reads), or
 * `ndjson` (one JSON value per line, whatever the first line is, as `replay` reads a log: a bad
 * first line is a bad line, not the start of a document).
 */
export type InputFormat = 'detect' | 'ndjson';

/**
 * Splits decoded text, chunk by chunk, into JSON texts without ever holding more than one line
 * (or one document) and one chunk. What an input is, is decided by its first non-blank line: a
 * whole JSON value means NDJSON, one value per line; anything else (`{` of a pretty-printed
 * body) means one JSON document. Lines are found with `indexOf` on each chunk rather than with
 * `readline`, whose per-line events cost more than decoding a short conversation.
 */
export class InputScanner {
  private mode: Mode = 'detecting';
  /** Detecting: everything so far. Lines: the unfinished last line. */
  private carry = '';
  /** The number of the last complete line. */
  private line = 0;
  /** Lines: a line longer than {@link MAX_TEXT} is being skipped up to its end. */
  private skipping = false;
  private document: string[] = [];
  private documentLength = 0;
  private first = true;

  constructor(
    private readonly sink: ScanSink,
    format: InputFormat = 'detect',
  ) {
    if (format === 'ndjson') this.mode = 'lines';
  }

  push(chunk: string): void {
    if (this.first) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1); // a byte order mark
    }
    if (this.mode === 'lines') this.lines(chunk);
    else if (this.mode === 'document') this.append(chunk);
    else this.detect(chunk);
  }

  end(): void {
    if (this.mode === 'document') {
      if (this.documentLength > MAX_TEXT) {
        this.sink.problem(
          undefined,
          `not NDJSON (line 1 is not a whole JSON value) and longer than ${MAX_TEXT_NAME} as one document: put one JSON value per line`,
        );
      } else {
        this.sink.text(this.document.join(''), undefined);
      }
      this.document = [];
      return;
    }
    // Detecting or lines: what is left is a last line without a newline.
    const last = this.carry;
    this.carry = '';
    if (this.skipping) this.sink.problem(this.line + 1, `line longer than ${MAX_TEXT_NAME}: skipped`);
    else if (last.length > 0) this.emit(last, this.line + 1);
  }

  private detect(chunk: string): void {
    const text = this.carry + chunk;
    let start = 0;
    let line = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      line++;
      const content = text.slice(start, nl);
      if (!isBlank(content)) {
        if (isJsonValue(content)) {
          this.mode = 'lines';
          this.carry = '';
          this.line = line - 1;
          this.lines(text.slice(start));
        } else {
          this.mode = 'document';
          this.carry = '';
          this.append(text);
        }
        return;
      }
      start = nl + 1;
    }
    this.carry = text;
    if (text.length > MAX_TEXT) {
      // One enormous first line: read on as lines, which skips it and reports it.
      this.mode = 'lines';
      this.carry = '';
      this.line = line;
      this.lines(text.slice(start));
    }
  }

  private append(chunk: string): void {
    this.documentLength += chunk.length;
    if (this.documentLength <= MAX_TEXT) this.document.push(chunk);
    else this.document = [];
  }

  private lines(chunk: string): void {
    let start = 0;
    let text = chunk;
    if (this.skipping) {
      const nl = text.indexOf('\n');
      if (nl === -1) return;
      this.line++;
      this.sink.problem(this.line, `line longer than ${MAX_TEXT_NAME}: skipped`);
      this.skipping = false;
      start = nl + 1;
    } else if (this.carry.length > 0) {
      text = this.carry + chunk;
    }
    let nl = text.indexOf('\n', start);
    while (nl !== -1) {
      this.line++;
      this.emit(text.slice(start, nl), this.line);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.carry = start === 0 ? text : text.slice(start);
    if (this.carry.length > MAX_TEXT) {
      this.carry = '';
      this.skipping = true;
    }
  }

  private emit(line: string, number: number): void {
    const end = line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.length - 1 : line.length; // \r\n
    if (end > 0) this.sink.text(end === line.length ? line : line.slice(0, end), number);
  }
}

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
