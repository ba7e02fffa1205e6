import protobuf from 'protobufjs/light.js';

/**
 * Base64 as ProtoJSON and Pub/Sub carry it, without Node's `Buffer` (the library runs in browsers)
 * and without a regular expression: one pass over the text, a table lookup per character.
 * Decoding accepts the standard and the URL-safe alphabets, with or without padding, as protobuf's
 * parsers do; encoding writes standard, padded base64 (protobufjs's own encoder).
 */

/** Each character's 6-bit value; -1 for what is not base64. Both alphabets: `+` and `-`, `/` and `_`. */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 26; i++) {
  VALUE[65 + i] = i;
  VALUE[97 + i] = 26 + i;
}
for (let i = 0; i < 10; i++) VALUE[48 + i] = 52 + i;
VALUE[43] = 62; // +
VALUE[45] = 62; // -
VALUE[47] = 63; // /
VALUE[95] = 63; // _

const EQUALS = 61;

/** Node's `Buffer`, when there is one (not in browsers): its base64 decoder is native. */
const nodeBuffer = (globalThis as { readonly Buffer?: { from(text: string, encoding: 'base64'): Uint8Array } }).Buffer;
const nativeDecode: ((text: string) => Uint8Array) | undefined =
  typeof nodeBuffer?.from === 'function'
    ? (text) => {
        // A plain Uint8Array of its own: Node gives small results as views of a shared pool, and a
        // Buffer, which readers (protobufjs) treat otherwise; what the loop gives, exactly.
        return new Uint8Array((nodeBuffer as { from(text: string, encoding: 'base64'): Uint8Array }).from(text, 'base64'));
      }
    : undefined;

/** Why the text is no base64, or `undefined` when it is: its length, then each character. */
const problemOf = (text: string, end: number, padding: number): string | undefined => {
  const remainder = end % 4;
  if (remainder === 1 || (padding > 0 && (end + padding) % 4 !== 0)) {
    return `${text.length} characters cannot be base64 (a group of 4 is incomplete)`;
  }
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || (VALUE[c] as number) < 0) return `${describeChar(c)} at ${i} is not a base64 character`;
  }
  return undefined;
};

/**
 * The bytes a base64 text denotes, or why it is not base64 (the first bad character and where it
 * is). Padding, when present, must be complete and last; a lone trailing character (a length of
 * 1 mod 4 without padding) is refused. The text is checked here; a valid one is decoded by Node's
 * native decoder when there is one (which would skip what is not base64, so it is only given
 * checked text), else by {@link decodeBase64Loop}.
 */
export const decodeBase64 = (text: string): Uint8Array | { readonly problem: string } => {
  if (nativeDecode === undefined) return decodeBase64Loop(text);
  let end = text.length;
  let padding = 0;
  while (end > 0 && text.charCodeAt(end - 1) === EQUALS && padding < 2) {
    end--;
    padding++;
  }
  const problem = problemOf(text, end, padding);
  return problem === undefined ? nativeDecode(text) : { problem };
};

/** @internal The same as {@link decodeBase64}, by a loop over the text: what browsers run, and what the native path is tested against. */
export const decodeBase64Loop = (text: string): Uint8Array | { readonly problem: string } => {
  let end = text.length;
  let padding = 0;
  while (end > 0 && text.charCodeAt(end - 1) === EQUALS && padding < 2) {
    end--;
    padding++;
  }
  const remainder = end % 4;
  if (remainder === 1 || (padding > 0 && (end + padding) % 4 !== 0)) {
    return { problem: `${text.length} characters cannot be base64 (a group of 4 is incomplete)` };
  }
  const out = new Uint8Array(Math.floor(end / 4) * 3 + (remainder === 0 ? 0 : remainder - 1));
  let o = 0;
  let bits = 0;
  let count = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? (VALUE[c] as number) : -1;
    if (v < 0) return { problem: `${describeChar(c)} at ${i} is not a base64 character` };
    bits = (bits << 6) | v;
    count++;
    if (count === 4) {
      out[o++] = (bits >> 16) & 255;
      out[o++] = (bits >> 8) & 255;
      out[o++] = bits & 255;
      bits = 0;
      count = 0;
    }
  }
  if (count === 2) out[o++] = (bits >> 4) & 255;
  else if (count === 3) {
    out[o++] = (bits >> 10) & 255;
    out[o++] = (bits >> 2) & 255;
  }
  return out;
};

const describeChar = (c: number): string =>
  c === EQUALS
    ? '"=" (padding)'
    : c >= 32 && c < 127
      ? JSON.stringify(String.fromCharCode(c))
      : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

/** Standard, padded base64 of bytes. */
export const encodeBase64 = (bytes: Uint8Array): string => protobuf.util.base64.encode(bytes, 0, bytes.length);
