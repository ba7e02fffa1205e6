import { isAscii, isUtf8 } from 'node:buffer';

/**
 * What a {@link Utf8Decoder} makes of a chunk, in order: decoded text (strings), and the offset
 * of each byte that is not part of valid UTF-8 (numbers: from the start of the input, from 0).
 */
export type Decoded = ReadonlyArray<string | number>;

const NOTHING: Decoded = Object.freeze([]);

/**
 * The length of the UTF-8 sequence that starts at `i`, or 0 when the bytes there are not one
 * (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, cut short). The ranges
 * are the Unicode standard's table of well-formed sequences, as the WHATWG decoder reads them.
 */
const sequenceAt = (bytes: Uint8Array, i: number): number => {
  const b = bytes[i] ?? 0;
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => {
    const c = bytes[i + j];
    return c !== undefined && c >= lo && c <= hi;
  };
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b >= 0xe1 && b <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
};

/**
 * How many bytes at the start of `bytes` end on a character boundary: all of them, unless the last
 * one to three bytes start a sequence the next chunk finishes.
 */
const completeLength = (bytes: Uint8Array): number => {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back] ?? 0;
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return back < length ? n - back : n;
    }
    // A continuation byte: its lead is further back.
  }
  return n;
};

/**
 * Decodes UTF-8 as it streams, chunk by chunk, and says where it is not UTF-8 instead of putting
 * U+FFFD in its place (as `setEncoding('utf8')` does, silently). Valid chunks, nearly all of them,
 * cost one native check (`buffer.isUtf8`) and one native decode; only a chunk with a bad byte is
 * walked byte by byte, to find each bad byte's offset. It holds at most the three bytes of a
 * character cut between two chunks.
 */
export class Utf8Decoder {
  /** The start of a character the last chunk cut short. */
  private carry: Buffer | undefined;
  /** The offset, in the input, of the first byte not decoded yet (the carry's first, if any). */
  private offset: number;

  /** `offset`: where in the input the first byte given is (0, unless decoding resumes mid-input at a line's start). */
  constructor(offset = 0) {
    this.offset = offset;
  }

  /** How many bytes have been read. */
  get bytes(): number {
    return this.offset + (this.carry?.length ?? 0);
  }

  /**
   * Where a chunk is put after the bytes the last one cut short, and where a latin1 chunk is turned
   * back into bytes: one buffer, reused, rather than one per chunk (each would live outside V8's
   * heap until a full collection).
   */
  private scratch = Buffer.alloc(0);

  private room(size: number): Buffer {
    if (this.scratch.length < size) this.scratch = Buffer.allocUnsafeSlow(Math.max(size, 64 * 1024));
    return this.scratch;
  }

  /** The next chunk, decoded: nothing of it is kept but the start of a character it cuts short. */
  decode(chunk: Uint8Array): Decoded {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.carry === undefined) return this.decodeBytes(bytes);
    const carried = this.carry.length;
    const scratch = this.room(carried + bytes.length);
    this.carry.copy(scratch, 0);
    bytes.copy(scratch, carried);
    return this.decodeBytes(scratch.subarray(0, carried + bytes.length));
  }

  /**
   * The next chunk, as a stream that decodes latin1 gives it (one character per byte, exactly),
   * decoded as UTF-8.
   */
  decodeLatin1(chunk: string): Decoded {
    const carried = this.carry?.length ?? 0;
    const scratch = this.room(carried + chunk.length);
    if (this.carry !== undefined) this.carry.copy(scratch, 0);
    const written = scratch.write(chunk, carried, 'latin1');
    if (carried === 0 && isAscii(scratch.subarray(0, written))) {
      // ASCII, as most logs are: its latin1 text is its UTF-8 text, no need to make it again.
      this.offset += written;
      return [chunk];
    }
    return this.decodeBytes(scratch.subarray(0, carried + written));
  }

  /** Decodes `bytes` (the carry, then the chunk): all but a character cut short at their end. */
  private decodeBytes(bytes: Buffer): Decoded {
    const start = this.offset;
    const cut = completeLength(bytes);
    // Copied: the bytes are the stream's, or the scratch buffer, not ours to keep.
    this.carry = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : undefined;
    this.offset = start + cut;
    if (cut === 0) return NOTHING;
    if (isUtf8(bytes.subarray(0, cut))) return [bytes.toString('utf8', 0, cut)];
    return decodeChecked(bytes, cut, start);
  }

  /** The end of the input: a character cut short there is invalid. */
  end(): Decoded {
    const offset = this.carry === undefined ? undefined : this.offset;
    this.carry = undefined;
    return offset === undefined ? NOTHING : [offset];
  }
}

/** The slow path: the valid runs of `bytes[0, end)` as text, and each bad byte's offset. */
const decodeChecked = (bytes: Buffer, end: number, start: number): Decoded => {
  const out: Array<string | number> = [];
  let run = 0;
  let i = 0;
  while (i < end) {
    const length = sequenceAt(bytes, i);
    if (length > 0 && i + length <= end) {
      i += length;
      continue;
    }
    if (i > run) out.push(bytes.toString('utf8', run, i));
    out.push(start + i);
    // Go on from the next byte: a newline after a bad lead byte is still a newline.
    i++;
    run = i;
  }
  if (run < end) out.push(bytes.toString('utf8', run, end));
  return out;
};
