/**
 * Characters that must never reach a terminal raw from input: C0 controls (ESC starts the sequences
 * that move the cursor, clear the screen or set the title; `\r` overwrites a line; NUL and the others
 * confuse pagers), DEL, C1 controls (U+009B is a one-character CSI), the line and paragraph
 * separators U+2028 and U+2029, the bidirectional controls (U+061C, U+200E, U+200F, U+202A to
 * U+202E, U+2066 to U+2069: they reorder what follows them on screen), and lone surrogates.
 *
 * A single character class: matching it cannot backtrack.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point: they are escaped.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above, for replacing them all.
const UNSAFE_ALL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]/g;

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const escapeOne = (c: string): string => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * One line of output, safe for a terminal: every control character, separator and bidirectional
 * control in it is written as an escape (`\n`, `\r`, `\t`, or `\u001b` and the like, as JSON writes
 * them), so that text taken from input (a file name, a key, a value quoted in a message) cannot move
 * the cursor, clear the screen, break the line or reorder what is shown. Inside a JSON string these
 * escapes are JSON's own, so a JSON line stays the same JSON value. Surrogate pairs are kept; lone
 * surrogates are escaped.
 *
 * Every line the command line prints goes through this function, whole (`BatchedOutput.line`,
 * `printLine`) or, on validate's hottest path, part by part (`BatchedOutput.escapedLine`); only
 * the newline that ends a line and the progress line's own `\r` are written raw.
 *
 * @example
 * ```ts
 * escapeControls('a\u001b[2Jb'); // 'a\\u001b[2Jb'
 * ```
 */
export const escapeControls = (text: string): string => {
  if (!UNSAFE.test(text)) return text;
  let out = '';
  let last = 0;
  UNSAFE_ALL.lastIndex = 0;
  for (let match = UNSAFE_ALL.exec(text); match !== null; match = UNSAFE_ALL.exec(text)) {
    const at = match.index;
    const code = text.charCodeAt(at);
    const next = text.charCodeAt(at + 1);
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      // A well-formed surrogate pair is one character (an emoji, say): skip both halves. A low
      // surrogate is only matched on its own when no high one came just before it.
      UNSAFE_ALL.lastIndex = at + 2;
      continue;
    }
    out += text.slice(last, at) + escapeOne(text.charAt(at));
    last = at + 1;
  }
  return out + text.slice(last);
};
