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

/** Node's `Buffer`, when there is one (not in browsers): its base64 decoder and encoder are native. */
type NodeBuffer = {
  from(text: string, encoding: 'base64'): Uint8Array;
  byteLength(text: string, encoding: 'utf8'): number;
};
const nodeBuffer = (globalThis as { readonly Buffer?: NodeBuffer }).Buffer;
const nativeBuffer: NodeBuffer | undefined = typeof nodeBuffer?.from === 'function' ? nodeBuffer : undefined;

/**
 * Where the base64 characters of a text end (before its padding, at most two `=`), or -1 when no
 * base64 text is that long: a lone trailing character, incomplete padding.
 */
const dataEnd = (text: string): number => {
  let end = text.length;
  let padding = 0;
  while (end > 0 && text.charCodeAt(end - 1) === EQUALS && padding < 2) {
    end--;
    padding++;
  }
  return end % 4 === 1 || (padding > 0 && (end + padding) % 4 !== 0) ? -1 : end;
};

/** How many bytes `end` base64 characters (a valid {@link dataEnd}) denote. */
const bytesFor = (end: number): number => (end >> 2) * 3 + (end % 4 === 0 ? 0 : (end % 4) - 1);

const incomplete = (text: string): string => `${text.length} characters cannot be base64 (a group of 4 is incomplete)`;

/** Why the text is no base64, or `undefined` when it is: its length, then each character. */
const problemOf = (text: string): string | undefined => {
  const end = dataEnd(text);
  if (end < 0) return incomplete(text);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || (VALUE[c] as number) < 0) return `${describeChar(c)} at ${i} is not a base64 character`;
  }
  return undefined;
};

/**
 * The bytes a base64 text denotes, or why it is not base64 (the first bad character and where it
 * is). Padding, when present, must be complete and last; a lone trailing character (a length of
 * 1 mod 4 without padding) is refused. Where Node's native decoder is, it decodes (see
 * {@link decodeBase64Transient}); else {@link decodeBase64Loop} does. A plain Uint8Array of its
 * own either way: not a view of memory shared with others, not a Buffer (which readers, protobufjs,
 * treat otherwise).
 */
export const decodeBase64 = (text: string): Uint8Array | { readonly problem: string } => {
  if (nativeBuffer === undefined) return decodeBase64Loop(text);
  const bytes = decodeBase64Transient(text);
  return bytes instanceof Uint8Array ? bytes.slice() : bytes;
};

/** How many bytes the text denotes by its length and padding alone, or -1 when no base64 text is that long. */
const decodedLength = (text: string): number => {
  const end = dataEnd(text);
  return end < 0 ? -1 : bytesFor(end);
};

/**
 * @internal The same as {@link decodeBase64}, but the bytes, a plain Uint8Array, may be a view of
 * memory shared with other decodes (Node's pool): for reading at once, never to hand out or keep
 * (what is read from them is made into strings). It saves allocating memory of their own, which
 * costs more than decoding a notification's worth of text.
 *
 * Node's decoder reads both alphabets, as the loop does, and skips or stops at anything else (a
 * character outside them, whitespace, a `=` before the end), so every byte it gives is the loop's
 * and text it did not read whole decodes to fewer bytes than its length says: ASCII text whose
 * bytes are as many as its length says is base64, the common case, checked natively; any other is
 * checked character by character. (ASCII because Node reads a character above U+00FF by its low
 * byte: `Ł`, U+0141, as `A`.)
 */
export const decodeBase64Transient = (text: string): Uint8Array | { readonly problem: string } => {
  if (nativeBuffer === undefined) return decodeBase64Loop(text);
  const bytes = nativeBuffer.from(text, 'base64');
  if (bytes.length !== decodedLength(text) || nativeBuffer.byteLength(text, 'utf8') !== text.length) {
    const problem = problemOf(text);
    if (problem !== undefined) return { problem };
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

const nativeAtob = (globalThis as { readonly atob?: (text: string) => string }).atob;

/**
 * @internal The text that standard, padded base64 denotes when its bytes are all ASCII (a JSON
 * notification, as a rule), or `undefined` for any other base64 or text: decode it to bytes then.
 * `atob` decodes natively into a string of one character per byte, which for ASCII is the UTF-8
 * text itself, with no decoder between; it skips whitespace and takes unpadded text, so the length
 * of what it gives is checked against the text's, and a character above U+007F means a byte that is
 * not ASCII. Only where Node's `Buffer` counts the UTF-8 bytes natively (a loop would cost more than
 * it saves).
 */
export const decodeBase64Ascii = (text: string): string | undefined => {
  if (nativeAtob === undefined || nativeBuffer === undefined || text.length % 4 !== 0) return undefined;
  let decoded: string;
  try {
    decoded = nativeAtob(text);
  } catch {
    return undefined; // not base64 by the forgiving rules either: the byte path says why
  }
  return decoded.length === decodedLength(text) && nativeBuffer.byteLength(decoded, 'utf8') === decoded.length ? decoded : undefined;
};

/** @internal The same as {@link decodeBase64}, by a loop over the text: what browsers run, and what the native path is tested against. */
export const decodeBase64Loop = (text: string): Uint8Array | { readonly problem: string } => {
  const end = dataEnd(text);
  if (end < 0) return { problem: incomplete(text) };
  const out = new Uint8Array(bytesFor(end));
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
