import { encodeBase64 } from './base64.js';
import { type FieldPlan, type MessagePlan, messagePlan, planOfTypeUrl, typeUrlProblem } from './descriptor.js';
import { type IssueSink, type Path, pathAt, stepInto } from './issue.js';
import { defineEntry, type JsonValue, MAX_DEPTH, nestedTooDeep } from './json-value.js';
import { canonicalFloat } from './protojson.js';
import { INVALID, type Invalid } from './reader.js';
import { readEpochDuration, readEpochTime } from './well-known-types.js';

/**
 * Serialized protobuf straight to canonical ProtoJSON, in one pass over the bytes, driven by the
 * descriptor's plans: what the engine (`readProtoJson`) made of what protobufjs decoded and
 * `messageToJson` wrote out, without the message object in between or a second check of JSON made
 * here. Canonical as the engine's output is: JSON names, field-number order, defaults left out,
 * int64 as decimal strings, bytes as base64, enums by name (by number when the enum has no name for
 * it), timestamps and durations as text, `Any` expanded through the descriptor, every object and
 * array frozen.
 *
 * The bytes are framed as protobufjs (7.6) frames them, so the two accept the same bytes: a field
 * is read as its type says whatever its wire type (a repeated scalar is packed when its wire type
 * is 2); a message, a map entry or a packed run must end exactly where its length says; varints are
 * read as protobufjs's `uint32` and `int64` read them; unknown fields (groups included) are skipped;
 * the last of a singular field wins. Where protobufjs would throw on the framing, the result is
 * {@link Malformed}, which says what and where. Messages nest at most 100 levels (protoc's limit,
 * and protobufjs's; a packed message counts as nested in its Any): a deeper one is refused at its
 * path. Unlike protobufjs, a string must be valid UTF-8 (protobufjs made something of any bytes).
 * `test/proto-reader.test.ts` checks that the two paths agree.
 */

/** @internal Why bytes are not a serialized message (what protobufjs would have thrown on), and where. */
export interface Malformed {
  readonly malformed: string;
}

class MalformedBytes implements Malformed {
  readonly malformed: string;
  constructor(malformed: string) {
    this.malformed = malformed;
  }
}

/**
 * The bytes being read and where: `pos` runs on to `len`, the end of the message (or map entry, or
 * packed run) being read; a problem stops every loop (`pos` past any end).
 */
class Wire {
  pos: number;
  readonly buf: Uint8Array;
  len: number;
  /** The 64-bit varint or fixed value last read, in two halves. */
  lo = 0;
  hi = 0;
  /** What went wrong with the framing, once it did. */
  problem: string | undefined = undefined;
  /** The field being read when it did. */
  where: Path | undefined = undefined;
  constructor(buf: Uint8Array, pos: number, len: number) {
    this.buf = buf;
    this.pos = pos;
    this.len = len;
  }
}

const STOPPED = 2 ** 53;

const fail = (w: Wire, problem: string): number => {
  w.problem ??= problem;
  w.pos = STOPPED;
  return 0;
};

const pastTheEnd = (w: Wire, what: string, at: number): number => fail(w, `${what} at offset ${at} runs past the end (${w.len} bytes)`);

/** A varint as protobufjs's `uint32` reads it: the low 32 bits of the first 5 bytes; bytes 6 to 10 are passed over unread. */
const varint32 = (w: Wire): number => {
  const buf = w.buf;
  const pos = w.pos;
  if (pos < w.len) {
    const b = buf[pos] as number;
    if (b < 128) {
      w.pos = pos + 1;
      return b;
    }
  }
  return varint32Long(w);
};

const varint32Long = (w: Wire): number => {
  const buf = w.buf;
  const start = w.pos;
  const len = w.len;
  let value = 0;
  if (len - start < 5) {
    // Near the end: at most 4 bytes, the last of which must end it.
    for (let i = 0; i < 4 && start + i < len; i++) {
      const b = buf[start + i] as number;
      value = (value | ((b & 127) << (7 * i))) >>> 0;
      if (b < 128) {
        w.pos = start + i + 1;
        return value;
      }
    }
    return pastTheEnd(w, 'a varint', start);
  }
  for (let i = 0; i < 5; i++) {
    const b = buf[start + i] as number;
    value = i < 4 ? (value | ((b & 127) << (7 * i))) >>> 0 : (value | ((b & 15) << 28)) >>> 0;
    if (b < 128) {
      w.pos = start + i + 1;
      return value;
    }
  }
  if (start + 10 > len) return pastTheEnd(w, 'a varint', start);
  w.pos = start + 10;
  return value;
};

/**
 * A 64-bit varint into `lo` and `hi`, as protobufjs's `int64` reads it (its quirk included: with
 * fewer than 5 bytes left, the 4th byte ends the varint whatever it is, even one past the end; in a
 * nested message that leaves it past its end, which is refused, and at the top it reads as 0).
 */
const varint64End = (w: Wire): number => {
  const buf = w.buf;
  const len = w.len;
  const start = w.pos;
  let pos = start;
  let b = 0;
  w.lo = 0;
  w.hi = 0;
  if (len - pos > 4) {
    for (let i = 0; i < 4; i++) {
      b = buf[pos++] as number;
      w.lo = (w.lo | ((b & 127) << (i * 7))) >>> 0;
      if (b < 128) return pos;
    }
    b = buf[pos++] as number;
    w.lo = (w.lo | ((b & 127) << 28)) >>> 0;
    w.hi = (b & 127) >> 4;
    if (b < 128) return pos;
  } else {
    for (let i = 0; i < 3; i++) {
      if (pos >= len) return pastTheEnd(w, 'a varint', start) - 1;
      b = buf[pos++] as number;
      w.lo = (w.lo | ((b & 127) << (i * 7))) >>> 0;
      if (b < 128) return pos;
    }
    b = pos < buf.length ? (buf[pos] as number) : 0;
    w.lo = (w.lo | ((b & 127) << 21)) >>> 0;
    return pos + 1;
  }
  const checked = len - pos <= 4;
  for (let i = 0; i < 5; i++) {
    if (checked && pos >= len) return pastTheEnd(w, 'a varint', start) - 1;
    b = buf[pos++] as number;
    w.hi = (w.hi | ((b & 127) << (i * 7 + 3))) >>> 0;
    if (b < 128) return pos;
  }
  return fail(w, `a varint longer than 10 bytes at offset ${start}`) - 1;
};

const varint64 = (w: Wire): void => {
  const end = varint64End(w);
  if (end >= 0) w.pos = end;
};

const fixed32At = (buf: Uint8Array, at: number): number =>
  ((buf[at] as number) | ((buf[at + 1] as number) << 8) | ((buf[at + 2] as number) << 16) | ((buf[at + 3] as number) << 24)) >>> 0;

const fixed32 = (w: Wire): number => {
  const at = w.pos;
  if (at + 4 > w.len) return pastTheEnd(w, 'a 4-byte value', at);
  w.pos = at + 4;
  return fixed32At(w.buf, at);
};

const fixed64 = (w: Wire): void => {
  const at = w.pos;
  if (at + 8 > w.len) {
    pastTheEnd(w, 'an 8-byte value', at);
    return;
  }
  w.pos = at + 8;
  w.lo = fixed32At(w.buf, at);
  w.hi = fixed32At(w.buf, at + 4);
};

const scratch = new DataView(new ArrayBuffer(8));

const float32 = (w: Wire): number => {
  scratch.setUint32(0, fixed32(w), true);
  return scratch.getFloat32(0, true);
};

const float64 = (w: Wire): number => {
  fixed64(w);
  scratch.setUint32(0, w.lo, true);
  scratch.setUint32(4, w.hi, true);
  return scratch.getFloat64(0, true);
};

/** The length of a length-delimited value at `w.pos`, checked against the end. */
const delimited = (w: Wire): number => {
  const length = varint32(w);
  const at = w.pos;
  if (at + length > w.len) return pastTheEnd(w, `a length of ${length} bytes`, at);
  return length;
};

/**
 * Enters a length-delimited value (a message, a map entry, a packed run): its end becomes the end.
 * Returns the end it replaces, for {@link leave}; -1 when the framing failed.
 */
const enter = (w: Wire): number => {
  const length = delimited(w);
  if (w.problem !== undefined) return -1;
  const outer = w.len;
  w.len = w.pos + length;
  return outer;
};

/** Leaves what {@link enter} entered, which must have been read to its very end. */
const leave = (w: Wire, outer: number): void => {
  if (w.problem === undefined && w.pos !== w.len) fail(w, `a value runs past the end of its message, at offset ${w.len}`);
  w.len = outer;
};

/** The 64-bit value last read, as a decimal: signed, or unsigned. */
const int64Text = (w: Wire, unsigned: boolean): string => {
  const { lo, hi } = w;
  if (unsigned ? hi < 0x200000 : (hi | 0) >= -0x200000 && (hi | 0) < 0x200000) return String((unsigned ? hi : hi | 0) * 4294967296 + lo);
  const bits = (BigInt(hi) << 32n) | BigInt(lo);
  return String(unsigned ? bits : BigInt.asIntN(64, bits));
};

/** Zigzag-decodes the 64-bit value last read (sint64), as protobufjs does. */
const zigzag64 = (w: Wire): void => {
  const mask = -(w.lo & 1);
  w.lo = (((w.lo >>> 1) | (w.hi << 31)) ^ mask) >>> 0;
  w.hi = ((w.hi >>> 1) ^ mask) >>> 0;
};

/**
 * Skips a field protobufjs would skip (an unknown one), as its `skipType` does, in a message nested
 * `nesting` levels deep; groups without recursion, nested at most as deep as protobufjs allows.
 */
const skip = (w: Wire, wire: number, nesting: number): void => {
  let open = 0;
  for (;;) {
    const at = w.pos;
    switch (wire) {
      case 0: {
        const buf = w.buf;
        let pos = at;
        for (;;) {
          if (pos >= w.len) return void pastTheEnd(w, 'a varint', at);
          if (((buf[pos++] as number) & 128) === 0) break;
        }
        w.pos = pos;
        break;
      }
      case 1:
        if (at + 8 > w.len) return void pastTheEnd(w, 'an 8-byte value', at);
        w.pos = at + 8;
        break;
      case 2: {
        const length = delimited(w);
        w.pos += length;
        break;
      }
      case 3:
        open++;
        break;
      case 4:
        if (open === 0) return void fail(w, `invalid wire type 4 (the end of a group that was not open) at offset ${at}`);
        open--;
        break;
      case 5:
        if (at + 4 > w.len) return void pastTheEnd(w, 'a 4-byte value', at);
        w.pos = at + 4;
        break;
      default:
        return void fail(w, `invalid wire type ${wire} at offset ${at}`);
    }
    if (open === 0 || w.problem !== undefined) return;
    wire = varint32(w) & 7;
    if (w.problem !== undefined) return;
    if (wire !== 4 && nesting + open > MAX_DEPTH) return void fail(w, `groups nested deeper than ${MAX_DEPTH} levels`);
  }
};

// ---------------------------------------------------------------------------------------------
// Strings

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Node's UTF-8 decoder, when there is one: native, and faster than a TextDecoder on short texts, but never fatal. */
const utf8Slice = (globalThis as { readonly Buffer?: { readonly prototype: { readonly utf8Slice?: unknown } } }).Buffer?.prototype
  .utf8Slice as ((this: Uint8Array, start: number, end: number) => string) | undefined;

/** Texts this short are flat strings when built a character at a time (V8 makes ropes of 13 and more). */
const SHORT = 12;

/**
 * The UTF-8 text of `buf[start..end)`, or `undefined` when it is not valid UTF-8 (a byte order mark
 * is kept, as a character). A short ASCII text is built here; a longer one is decoded natively,
 * which replaces what is not UTF-8 by U+FFFD, so a text with U+FFFD in it is decoded again, fatally.
 */
const textOf = (buf: Uint8Array, start: number, end: number): string | undefined => {
  if (end - start <= SHORT) {
    let text = '';
    let i = start;
    for (; i < end; i++) {
      const b = buf[i] as number;
      if (b >= 128) break;
      text += String.fromCharCode(b);
    }
    if (i === end) return text;
  }
  if (utf8Slice !== undefined) {
    const text = utf8Slice.call(buf, start, end);
    if (text.indexOf('\uFFFD') < 0) return text;
  }
  try {
    return utf8.decode(buf.subarray(start, end));
  } catch {
    return undefined;
  }
};

/** A string field: its text, or {@link INVALID} (recorded at the field) when it is not UTF-8. */
const readString = (w: Wire, issues: IssueSink, parent: Path, key: string | number): string | Invalid => {
  const length = delimited(w);
  if (w.problem !== undefined) return '';
  const start = w.pos;
  w.pos = start + length;
  const text = textOf(w.buf, start, start + length);
  if (text !== undefined) return text;
  issues.push({ path: pathAt(parent, key), message: `expected a string, got ${length} bytes that are not UTF-8` });
  return INVALID;
};

// ---------------------------------------------------------------------------------------------
// Plans compiled for reading

/** The kinds of field, as small numbers for the reader's switches. */
type Kind = number;
const STRING = 0;
const BYTES = 1;
const BOOL = 2;
const INT32 = 3;
const UINT32 = 4;
const SINT32 = 5;
const FIXED32 = 6;
const SFIXED32 = 7;
const INT64 = 8;
const UINT64 = 9;
const SINT64 = 10;
const FIXED64 = 11;
const SFIXED64 = 12;
const FLOAT = 13;
const DOUBLE = 14;
const ENUM = 15;
const MESSAGE = 16;

const KINDS: Readonly<Record<FieldPlan['kind'], Kind>> = {
  string: STRING,
  bytes: BYTES,
  bool: BOOL,
  int32: INT32,
  uint32: UINT32,
  sint32: SINT32,
  fixed32: FIXED32,
  sfixed32: SFIXED32,
  int64: INT64,
  uint64: UINT64,
  sint64: SINT64,
  fixed64: FIXED64,
  sfixed64: SFIXED64,
  float: FLOAT,
  double: DOUBLE,
  enum: ENUM,
  message: MESSAGE,
};

/** A field as the reader needs it. */
interface Field {
  readonly plan: FieldPlan;
  readonly index: number;
  readonly jsonName: string;
  readonly kind: Kind;
  readonly repeated: boolean;
  /** The kind of a map's key, or -1. */
  readonly mapKey: Kind | -1;
  /** Whether a default value is written (message fields, oneof members, `optional`). */
  readonly presence: boolean;
  readonly names: ReadonlyMap<number, string> | undefined;
  /** The default a singular scalar without presence has, which canonical ProtoJSON leaves out; `undefined` for the others. */
  readonly zero: JsonValue | undefined;
  readonly message: MessagePlan | undefined;
}

interface Compiled {
  readonly plan: MessagePlan;
  /** By field number. */
  readonly byNumber: ReadonlyArray<Field | undefined>;
  readonly fields: ReadonlyArray<Field>;
  /** The indexes of each oneof's members. */
  readonly oneofs: ReadonlyArray<ReadonlyArray<number>>;
}

const compiled = new Map<MessagePlan, Compiled>();

const compile = (plan: MessagePlan): Compiled => {
  let c = compiled.get(plan);
  if (c === undefined) {
    const byNumber: (Field | undefined)[] = [];
    const fields = plan.fields.map((f): Field => {
      const kind = KINDS[f.kind];
      const names = f.enumPlan?.nameOf;
      const field: Field = {
        plan: f,
        index: f.index,
        jsonName: f.jsonName,
        kind,
        repeated: f.repeated && f.mapKey === undefined,
        mapKey: f.mapKey === undefined ? -1 : KINDS[f.mapKey],
        presence: f.presence,
        names,
        zero: f.presence || f.repeated || f.mapKey !== undefined || kind === MESSAGE ? undefined : defaultOf(kind, names),
        message: f.messagePlan,
      };
      byNumber[f.number] = field;
      return field;
    });
    const oneofs = plan.oneofs.map((o) => o.fields.map((f) => f.index));
    c = { plan, byNumber, fields, oneofs };
    compiled.set(plan, c);
  }
  return c;
};

// ---------------------------------------------------------------------------------------------
// Values

const nonFinite = (x: number): string => String(x);

/**
 * A scalar or enum field's value, canonical: what `messageToJson` then the engine made of it.
 * {@link INVALID} only for a string that is not UTF-8.
 */
const readScalar = (w: Wire, f: Field, kind: Kind, issues: IssueSink, parent: Path, key: string | number): JsonValue | Invalid => {
  switch (kind) {
    case STRING:
      return readString(w, issues, parent, key);
    case BYTES: {
      const length = delimited(w);
      const start = w.pos;
      w.pos = start + length;
      return w.problem === undefined ? encodeBase64(w.buf.subarray(start, start + length)) : '';
    }
    case BOOL:
      return varint32(w) !== 0;
    case INT32:
    case SFIXED32: {
      const n = (kind === INT32 ? varint32(w) : fixed32(w)) | 0;
      return n;
    }
    case ENUM: {
      const n = varint32(w) | 0;
      return f.names?.get(n) ?? n;
    }
    case UINT32:
      return varint32(w);
    case FIXED32:
      return fixed32(w);
    case SINT32: {
      const n = varint32(w);
      return ((n >>> 1) ^ -(n & 1)) | 0;
    }
    case INT64:
    case UINT64:
      varint64(w);
      return int64Text(w, kind === UINT64);
    case SINT64:
      varint64(w);
      zigzag64(w);
      return int64Text(w, false);
    case FIXED64:
    case SFIXED64:
      fixed64(w);
      return int64Text(w, kind === FIXED64);
    case FLOAT: {
      const x = float32(w);
      return Number.isFinite(x) ? canonicalFloat(x) : nonFinite(x);
    }
    default: {
      const x = float64(w);
      return Number.isFinite(x) ? x : nonFinite(x);
    }
  }
};

/** Whether a repeated field of this kind may come packed. */
const packable = (kind: Kind): boolean => kind !== STRING && kind !== BYTES && kind !== MESSAGE;

/**
 * A message of `plan` from `w.pos` to `w.len`, nested `nesting` levels deep: its canonical
 * ProtoJSON, or {@link INVALID} (problems recorded; a framing problem left in `w`, with where).
 */
const readMessage = (
  plan: MessagePlan,
  w: Wire,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  nesting: number,
): JsonValue | Invalid => {
  if (nesting >= MAX_DEPTH) {
    w.pos = w.len;
    return nestedTooDeep(issues, parent, key);
  }
  let value: JsonValue | Invalid;
  switch (plan.wellKnown) {
    case 'Timestamp':
    case 'Duration':
      value = readTime(plan.wellKnown, w, issues, parent, key, nesting);
      break;
    case 'Value':
      value = readValue(w, issues, parent, key, nesting);
      break;
    case 'Struct':
      value = readStruct(w, issues, parent, key, nesting);
      break;
    case 'ListValue':
      value = readList(w, issues, parent, key, nesting);
      break;
    case 'Any':
      value = readAny(w, issues, parent, key, nesting);
      break;
    default:
      value = readFields(compile(plan), w, issues, parent, key, nesting, undefined);
  }
  if (w.problem !== undefined) w.where ??= stepInto(parent, key);
  return value;
};

/** A nested message: its length, then the message, which must end there. */
const readNested = (
  plan: MessagePlan,
  w: Wire,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  nesting: number,
): JsonValue | Invalid => {
  const outer = enter(w);
  if (outer < 0) return INVALID;
  const value = readMessage(plan, w, issues, parent, key, nesting);
  leave(w, outer);
  return value;
};

const readFields = (
  c: Compiled,
  w: Wire,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  nesting: number,
  typeUrl: string | undefined,
): JsonValue | Invalid => {
  const here = stepInto(parent, key);
  const values = new Array<JsonValue | Invalid | undefined>(c.fields.length);
  let first = c.fields.length;
  let last = -1;
  let ok = true;
  const byNumber = c.byNumber;
  // The problems of the last copy of each singular field that had any: a later copy takes them away.
  let replaced: (IssueSink[number][] | undefined)[] | undefined;
  // The path of the repeated field last read: its elements mostly come one after another.
  let listField: Field | undefined;
  let listPath: Path = here;
  while (w.pos < w.len) {
    const tag = varint32(w);
    if (w.problem !== undefined) break;
    const number = tag >>> 3;
    const f = number < byNumber.length ? byNumber[number] : undefined;
    if (f === undefined) {
      skip(w, tag & 7, nesting);
      if (w.problem !== undefined) break;
      continue;
    }
    const i = f.index;
    if (i < first) first = i;
    if (i > last) last = i;
    const kind = f.kind;
    if (f.mapKey !== -1) {
      let map = values[i] as Record<string, JsonValue> | undefined;
      const fresh = map === undefined;
      if (map === undefined) {
        map = {};
        values[i] = map;
      }
      if (!readEntry(f, w, map, issues, here, nesting, fresh)) ok = false;
    } else if (f.repeated) {
      // A refused element stays in the list (the whole message is refused), so later ones keep their index.
      let list = values[i] as (JsonValue | Invalid)[] | undefined;
      if (list === undefined) {
        list = [];
        values[i] = list as JsonValue[];
      }
      if (listField !== f) {
        listField = f;
        listPath = stepInto(here, f.jsonName);
      }
      const at = listPath;
      if (kind === MESSAGE) {
        const v = readNested(f.message as MessagePlan, w, issues, at, list.length, nesting + 1);
        if (v === INVALID) ok = false;
        list.push(v);
      } else if ((tag & 7) === 2 && packable(kind)) {
        const outer = enter(w);
        if (outer >= 0) {
          while (w.pos < w.len) list.push(readScalar(w, f, kind, issues, at, list.length));
          leave(w, outer);
        }
      } else {
        const v = readScalar(w, f, kind, issues, at, list.length);
        if (v === INVALID) ok = false;
        list.push(v);
      }
    } else {
      const start = issues.length;
      const v =
        kind === MESSAGE
          ? readNested(f.message as MessagePlan, w, issues, here, f.jsonName, nesting + 1)
          : readScalar(w, f, kind, issues, here, f.jsonName);
      // The last one wins, whole (protobufjs replaces a message rather than merging it): what was
      // wrong with a copy it replaces goes with that copy.
      const mine = issues.length > start ? issues.slice(start) : undefined;
      const previous = replaced?.[i];
      if (previous !== undefined) {
        for (const issue of previous) {
          const at = issues.indexOf(issue);
          if (at >= 0) issues.splice(at, 1);
        }
      }
      if (mine !== undefined || previous !== undefined) {
        replaced ??= [];
        replaced[i] = mine;
      }
      // A default is left out, unless the field has presence.
      values[i] = kind !== MESSAGE && v === f.zero ? undefined : v;
    }
    if (w.problem !== undefined) {
      w.where ??= stepInto(here, f.jsonName);
      break;
    }
  }
  if (w.problem !== undefined || !ok) return INVALID;
  // A singular field refused in its last copy refuses the message.
  for (let i = first; i <= last; i++) if (values[i] === INVALID) return INVALID;
  if (c.oneofs.length > 0 && !oneofsHold(c, values, issues, here)) return INVALID;
  const out: Record<string, JsonValue> = {};
  if (typeUrl !== undefined) out['@type'] = typeUrl;
  const fields = c.fields;
  for (let i = first; i <= last; i++) {
    const v = values[i] as JsonValue | undefined;
    if (v === undefined) continue;
    const f = fields[i] as Field;
    if (f.repeated) {
      // Packed with no element: empty, the default.
      if ((v as JsonValue[]).length === 0) continue;
      Object.freeze(v);
    } else if (f.mapKey !== -1) Object.freeze(v);
    out[f.jsonName] = v;
  }
  return Object.freeze(out);
};

/** At most one member of each oneof is set (as the engine requires of JSON); else the problem is recorded. */
const oneofsHold = (c: Compiled, values: ReadonlyArray<JsonValue | Invalid | undefined>, issues: IssueSink, here: Path): boolean => {
  let ok = true;
  for (let o = 0; o < c.oneofs.length; o++) {
    const members = c.oneofs[o] as ReadonlyArray<number>;
    let count = 0;
    for (let m = 0; m < members.length; m++) if (values[members[m] as number] !== undefined) count++;
    if (count < 2) continue;
    ok = false;
    const oneof = c.plan.oneofs[o] as MessagePlan['oneofs'][number];
    const set = oneof.fields.filter((f) => values[f.index] !== undefined);
    issues.push({
      path: pathAt(here, (set[1] as FieldPlan).jsonName),
      message: `only one of ${set.map((f) => f.jsonName).join(', ')} may be set (oneof ${oneof.name})`,
    });
  }
  return ok;
};

/** A map key's canonical text: a string as it is, a number or bool in decimal or as `true`/`false`. */
const keyText = (v: JsonValue): string => (typeof v === 'string' ? v : String(v));

/** The default key of an entry without one: `""`, `0` or `false`. */
const defaultKey = (kind: Kind): string => (kind === STRING ? '' : kind === BOOL ? 'false' : '0');

type Issues = IssueSink[number][];

/**
 * The issues a copy of a field just read reported (from `start` on), once those of the copy it
 * replaces are taken out of `issues`: the last copy wins whole, as protobufjs decodes it.
 */
const replaceIssues = (issues: IssueSink, previous: Issues | undefined, start: number): Issues | undefined => {
  const mine = issues.length > start ? issues.slice(start) : undefined;
  if (previous !== undefined) {
    for (const issue of previous) {
      const i = issues.indexOf(issue);
      if (i >= 0) issues.splice(i, 1);
    }
  }
  return mine;
};

/**
 * One map entry (a key, 1, and a value, 2) into `map`, in a message nested `nesting` deep; false
 * when it is refused. The engine counts a map as a level of its own.
 */
const readEntry = (
  f: Field,
  w: Wire,
  map: Record<string, JsonValue>,
  issues: IssueSink,
  here: Path,
  nesting: number,
  first: boolean,
): boolean => {
  const outer = enter(w);
  if (outer < 0) return false;
  const at = stepInto(here, f.jsonName);
  let key: string | Invalid = defaultKey(f.mapKey as Kind);
  let value: JsonValue | Invalid | undefined;
  // As for a singular field, the last copy of a key or a value wins, whole: what was wrong with a copy it replaces goes with it.
  let keyIssues: Issues | undefined;
  let valueIssues: Issues | undefined;
  while (w.pos < w.len) {
    const tag = varint32(w);
    if (w.problem !== undefined) break;
    const number = tag >>> 3;
    const start = issues.length;
    if (number === 1) {
      const k = readScalar(w, f, f.mapKey as Kind, issues, here, f.jsonName);
      key = k === INVALID ? INVALID : keyText(k);
      keyIssues = replaceIssues(issues, keyIssues, start);
    } else if (number === 2) {
      // Encoders write the key first: the value's path has it.
      const k = key === INVALID ? '' : key;
      value =
        f.kind === MESSAGE ? readNested(f.message as MessagePlan, w, issues, at, k, nesting + 1) : readScalar(w, f, f.kind, issues, at, k);
      valueIssues = replaceIssues(issues, valueIssues, start);
    } else skip(w, tag & 7, nesting);
    if (w.problem !== undefined) break;
  }
  leave(w, outer);
  if (w.problem !== undefined || key === INVALID || value === INVALID) return false;
  if (nesting + 1 >= MAX_DEPTH) {
    if (first) nestedTooDeep(issues, here, f.jsonName);
    return false;
  }
  // A missing value is the type's default; protobufjs makes a missing message null, which only a Value may be.
  if (value === undefined) value = f.kind === MESSAGE ? null : defaultOf(f.kind, f.names);
  if (value === null && f.message?.wellKnown !== 'Value') {
    issues.push({ path: pathAt(at, key), message: 'expected a map value, got null' });
    return false;
  }
  defineEntry(map, key, value);
  return true;
};

/** The canonical default of a scalar or enum: what a field without presence that has it leaves out, a map entry's missing value. */
const defaultOf = (kind: Kind, names: ReadonlyMap<number, string> | undefined): JsonValue => {
  switch (kind) {
    case STRING:
    case BYTES:
      return '';
    case BOOL:
      return false;
    case INT64:
    case UINT64:
    case SINT64:
    case FIXED64:
    case SFIXED64:
      return '0';
    case ENUM:
      return names?.get(0) ?? 0;
    default:
      return 0;
  }
};

// ---------------------------------------------------------------------------------------------
// Well-known types

/** A Timestamp or a Duration (seconds, 1, and nanos, 2), checked and written as the engine writes it. */
const readTime = (
  wellKnown: 'Timestamp' | 'Duration',
  w: Wire,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  nesting: number,
): JsonValue | Invalid => {
  let seconds = 0;
  let nanos = 0;
  while (w.pos < w.len) {
    const tag = varint32(w);
    if (w.problem !== undefined) return INVALID;
    const number = tag >>> 3;
    if (number === 1) {
      varint64(w);
      seconds = (w.hi | 0) * 4294967296 + w.lo;
    } else if (number === 2) nanos = varint32(w) | 0;
    else skip(w, tag & 7, nesting);
    if (w.problem !== undefined) return INVALID;
  }
  const time = { seconds, nanos };
  return wellKnown === 'Duration' ? readEpochDuration(time, issues, parent, key) : readEpochTime(time, issues, parent, key);
};

/**
 * A `google.protobuf.Value` as its JSON. When more than one kind is set, the first of null, number,
 * string, bool, struct and list is the value, as `messageToJson` took it; what is wrong in a kind
 * that is not the value is not reported (the old path never read it).
 */
const readValue = (w: Wire, issues: IssueSink, parent: Path, key: string | number | undefined, nesting: number): JsonValue | Invalid => {
  let seen = 0;
  let number = 0;
  let text: string | Invalid = '';
  let bool = false;
  let struct: JsonValue | Invalid = INVALID;
  let list: JsonValue | Invalid = INVALID;
  // Each kind's problems apart, so that only the value's are reported.
  const textIssues: IssueSink = [];
  const structIssues: IssueSink = [];
  const listIssues: IssueSink = [];
  while (w.pos < w.len) {
    const tag = varint32(w);
    if (w.problem !== undefined) return INVALID;
    switch (tag >>> 3) {
      case 1:
        varint32(w);
        seen |= 1;
        break;
      case 2:
        number = float64(w);
        seen |= 2;
        break;
      case 3:
        textIssues.length = 0;
        text = readString(w, textIssues, parent, key ?? '');
        seen |= 4;
        break;
      case 4:
        bool = varint32(w) !== 0;
        seen |= 8;
        break;
      case 5:
        structIssues.length = 0;
        struct = readNested(structurePlans().struct, w, structIssues, parent, key, nesting + 1);
        seen |= 16;
        break;
      case 6:
        listIssues.length = 0;
        list = readNested(structurePlans().list, w, listIssues, parent, key, nesting + 1);
        seen |= 32;
        break;
      default:
        skip(w, tag & 7, nesting);
    }
    if (w.problem !== undefined) return INVALID;
  }
  if (seen & 1) return null;
  if (seen & 2) {
    if (Number.isFinite(number)) return number;
    issues.push({ path: pathAt(parent, key), message: `a JSON value cannot be ${number}` });
    return INVALID;
  }
  const kept = (value: JsonValue | Invalid, own: IssueSink): JsonValue | Invalid => {
    for (const issue of own) issues.push(issue);
    return value;
  };
  if (seen & 4) return kept(text, textIssues);
  if (seen & 8) return bool;
  if (seen & 16) return kept(struct, structIssues);
  if (seen & 32) return kept(list, listIssues);
  issues.push({ path: pathAt(parent, key), message: 'expected a google.protobuf.Value with one of its kinds set, got none' });
  return INVALID;
};

/** A `google.protobuf.Struct` as a JSON object: its entries (a key, 1, and a Value, 2) in the order of their keys' first appearance. */
const readStruct = (w: Wire, issues: IssueSink, parent: Path, key: string | number | undefined, nesting: number): JsonValue | Invalid => {
  const here = stepInto(parent, key);
  const out: Record<string, JsonValue> = {};
  let ok = true;
  while (w.pos < w.len) {
    const tag = varint32(w);
    if (w.problem !== undefined) return INVALID;
    if (tag >>> 3 !== 1) {
      skip(w, tag & 7, nesting);
      if (w.problem !== undefined) return INVALID;
      continue;
    }
    const outer = enter(w);
    if (outer < 0) return INVALID;
    let k: string | Invalid = '';
    // An entry without a value: null, as protobufjs leaves it.
    let v: JsonValue | Invalid = null;
    let keyIssues: Issues | undefined;
    let valueIssues: Issues | undefined;
    while (w.pos < w.len) {
      const tag2 = varint32(w);
      if (w.problem !== undefined) break;
      const number = tag2 >>> 3;
      const start = issues.length;
      if (number === 1) {
        k = readString(w, issues, here, 'fields');
        keyIssues = replaceIssues(issues, keyIssues, start);
      } else if (number === 2) {
        v = readNested(structurePlans().value, w, issues, here, k === INVALID ? '' : k, nesting + 1);
        valueIssues = replaceIssues(issues, valueIssues, start);
      } else skip(w, tag2 & 7, nesting);
      if (w.problem !== undefined) break;
    }
    leave(w, outer);
    if (w.problem !== undefined) return INVALID;
    if (k === INVALID || v === INVALID) ok = false;
    else defineEntry(out, k, v);
  }
  return ok ? Object.freeze(out) : INVALID;
};

/** A `google.protobuf.ListValue` as a JSON array. */
const readList = (w: Wire, issues: IssueSink, parent: Path, key: string | number | undefined, nesting: number): JsonValue | Invalid => {
  const here = stepInto(parent, key);
  const out: JsonValue[] = [];
  let ok = true;
  let n = 0;
  while (w.pos < w.len) {
    const tag = varint32(w);
    if (w.problem !== undefined) return INVALID;
    if (tag >>> 3 === 1) {
      const v = readNested(structurePlans().value, w, issues, here, n++, nesting + 1);
      if (v === INVALID) ok = false;
      else out.push(v);
    } else skip(w, tag & 7, nesting);
    if (w.problem !== undefined) return INVALID;
  }
  return ok ? Object.freeze(out) : INVALID;
};

/**
 * A `google.protobuf.Any` (a type URL, 1, and bytes, 2) as ProtoJSON: the packed message's fields
 * beside `@type` (a well-known type's JSON under `value`), read as the descriptor has the type, as
 * nested in the Any; a type it does not have, kept as its bytes in base64. Packed bytes that are
 * not that message are a problem of the Any's `value`, not of the bytes around it.
 */
const readAny = (w: Wire, issues: IssueSink, parent: Path, key: string | number | undefined, nesting: number): JsonValue | Invalid => {
  const here = stepInto(parent, key);
  let typeUrl: string | Invalid = '';
  let start = 0;
  let length = 0;
  while (w.pos < w.len) {
    const tag = varint32(w);
    if (w.problem !== undefined) return INVALID;
    const number = tag >>> 3;
    if (number === 1) typeUrl = readString(w, issues, here, 'typeUrl');
    else if (number === 2) {
      length = delimited(w);
      start = w.pos;
      w.pos = start + length;
    } else skip(w, tag & 7, nesting);
    if (w.problem !== undefined) return INVALID;
  }
  if (typeUrl === INVALID) return INVALID;
  if (typeUrl === '') {
    issues.push({ path: pathAt(here, 'typeUrl'), message: 'expected a type URL, got ""' });
    return INVALID;
  }
  const problem = typeUrlProblem(typeUrl);
  if (problem !== undefined) {
    issues.push({ path: pathAt(here, 'typeUrl'), message: problem });
    return INVALID;
  }
  const bytes = w.buf.subarray(start, start + length);
  const packed = planOfTypeUrl(typeUrl);
  if (packed === undefined) return Object.freeze({ '@type': typeUrl, value: encodeBase64(bytes) });
  // Decoded apart, as protobufjs decodes the packed bytes: its offsets are the packed bytes'.
  const inner = new Wire(bytes, 0, bytes.length);
  const before = issues.length;
  let value: JsonValue | Invalid;
  if (packed.wellKnown !== undefined) {
    const v = readMessage(packed, inner, issues, here, 'value', nesting + 1);
    value = v === INVALID ? INVALID : Object.freeze({ '@type': typeUrl, value: v });
  } else
    value =
      nesting + 1 >= MAX_DEPTH
        ? nestedTooDeep(issues, parent, key)
        : readFields(compile(packed), inner, issues, parent, key, nesting + 1, typeUrl);
  if (inner.problem !== undefined) {
    issues.length = before;
    issues.push({ path: pathAt(here, 'value'), message: `not a serialized ${packed.fullName}: ${problemText(inner, here)}` });
    return INVALID;
  }
  return value;
};

let structures: { readonly struct: MessagePlan; readonly value: MessagePlan; readonly list: MessagePlan } | undefined;

/** The plans of Struct, Value and ListValue, found on first use (the descriptor is loaded when first needed). */
const structurePlans = (): { readonly struct: MessagePlan; readonly value: MessagePlan; readonly list: MessagePlan } => {
  structures ??= {
    struct: messagePlan('google.protobuf.Struct'),
    value: messagePlan('google.protobuf.Value'),
    list: messagePlan('google.protobuf.ListValue'),
  };
  return structures;
};

// ---------------------------------------------------------------------------------------------
// Entry points

/** What went wrong with the framing, and in which field (its path from `base`, the message's own). */
const problemText = (w: Wire, base: Path): string => {
  const prefix = pathAt(base, undefined);
  const where = w.where === undefined ? prefix : pathAt(w.where, undefined);
  let relative = where.startsWith(prefix) ? where.slice(prefix.length) : where;
  if (relative.charCodeAt(0) === 46 /* . */) relative = relative.slice(1);
  return relative === '' ? (w.problem as string) : `${w.problem as string}, reading ${relative}`;
};

/**
 * @internal Reads serialized protobuf bytes as a message of `plan` into canonical ProtoJSON. The
 * content's problems are recorded with their paths (as if the message were JSON there) and give
 * {@link INVALID}; bytes that are not a serialized message at all (protobufjs would throw) give a
 * {@link Malformed} and record nothing. Never throws.
 */
export const readProtoBytes = (
  plan: MessagePlan,
  bytes: Uint8Array,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
): JsonValue | Invalid | Malformed => {
  const before = issues.length;
  const w = new Wire(bytes, 0, bytes.length);
  const value = readMessage(plan, w, issues, parent, key, 0);
  if (w.problem === undefined) return value;
  issues.length = before;
  return new MalformedBytes(`not a serialized ${plan.name}: ${problemText(w, stepInto(parent, key))}`);
};

/** @internal Whether a reading is {@link Malformed}. */
export const isMalformed = (u: unknown): u is Malformed => u instanceof MalformedBytes;

/** @internal A {@link Malformed} of one's own (bytes that are found no message before they are read as one). */
export const malformed = (problem: string): Malformed => new MalformedBytes(problem);

/** @internal The reader's primitives, for a look at the top-level fields of bytes (which message they are). */
export { delimited, skip, varint32, Wire };
