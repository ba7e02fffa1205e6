import { encodeBase64 } from './base64.js';
import { type FieldPlan, type MessagePlan, planOfTypeUrl } from './descriptor.js';
import { type IssueSink, type Path, pathAt, stepInto } from './issue.js';
import { defineEntry, type JsonValue, MAX_DEPTH } from './json-value.js';
import { canonicalFloat, isDefaultValue } from './protojson.js';
import { INVALID, type Invalid } from './reader.js';
import { readEpochDuration, readEpochTime } from './well-known-types.js';

/**
 * Serialized protobuf straight to canonical ProtoJSON, in one pass over the bytes, driven by the
 * descriptor's plans: what {@link readProtoJson} makes of what protobufjs decodes and
 * `messageToJson` writes out, without the message object in between or a second check of JSON
 * made here. Canonical as the engine's output is: JSON names, field-number order, defaults left
 * out, int64 as decimal strings, bytes as base64, enums by name (by number when the enum has no
 * name for it), timestamps and durations as text, `Any` expanded through the descriptor, every
 * object and array frozen.
 *
 * The bytes are framed as protobufjs frames them, so the two accept the same bytes: a field is read
 * as its type says whatever its wire type (a repeated scalar is packed when its wire type is 2), a
 * message ends where its length says or at the first field that ends past it, a varint is read as
 * protobufjs's `uint32` and `int64` read it, unknown fields (groups included) are skipped, the last
 * of a repeated singular field wins. Where protobufjs would throw (bytes that end too soon, wire
 * types 4, 6 and 7 on unknown fields, a varint longer than 10 bytes), the result is
 * {@link Malformed}, which says where. Unlike protobufjs, strings must be valid UTF-8 (protobufjs
 * silently replaced what was not), and the nesting limit is the engine's, counted as in the JSON.
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

/** The bytes being read and where: `pos` runs on; a problem stops every loop (`pos` past any end). */
class Wire {
  pos: number;
  readonly buf: Uint8Array;
  readonly len: number;
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
  for (let i = 0; i < 5; i++) {
    const at = start + i;
    if (at >= len) return pastTheEnd(w, 'a varint', start);
    const b = buf[at] as number;
    value = i < 4 ? (value | ((b & 127) << (7 * i))) >>> 0 : (value | ((b & 15) << 28)) >>> 0;
    if (b < 128) {
      w.pos = at + 1;
      return value;
    }
  }
  if (start + 10 > len) return pastTheEnd(w, 'a varint', start);
  w.pos = start + 10;
  return value;
};

/**
 * A 64-bit varint into `lo` and `hi`, as protobufjs's `int64` reads it (its quirk included: with
 * fewer than 5 bytes left, the 4th byte ends the varint whatever it is, even past the end).
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
    b = pos < len ? (buf[pos] as number) : 0;
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

/** The start of a length-delimited value (its end is `w.pos` + the length returned), checked against the end of the bytes. */
const delimited = (w: Wire): number => {
  const length = varint32(w);
  const at = w.pos;
  if (at + length > w.len) return pastTheEnd(w, `a length of ${length} bytes`, at);
  return length;
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

/** Skips a field protobufjs would skip (an unknown one), as its `skipType` does; groups without recursion. */
const skip = (w: Wire, wire: number): void => {
  let open = 0;
  for (;;) {
    const at = w.pos;
    switch (wire) {
      case 0: {
        const buf = w.buf;
        let pos = at;
        for (;;) {
          if (pos >= w.len) {
            pastTheEnd(w, 'a varint', at);
            return;
          }
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
        if (open > 0) {
          open--;
          break;
        }
        return void fail(w, `invalid wire type 4 (an end of group where none is open) at offset ${at}`);
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
  }
};

// ---------------------------------------------------------------------------------------------
// Strings

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Node's latin1 decoder, when there is one: for ASCII text (checked first), exact and faster than a TextDecoder. */
const latin1Slice = (globalThis as { readonly Buffer?: { readonly prototype: { readonly latin1Slice?: unknown } } }).Buffer?.prototype
  .latin1Slice as ((this: Uint8Array, start: number, end: number) => string) | undefined;

const isAscii = (buf: Uint8Array, start: number, end: number): boolean => {
  for (let i = start; i < end; i++) if ((buf[i] as number) >= 128) return false;
  return true;
};

/** The UTF-8 text of `buf[start..end)`, or `undefined` when it is not valid UTF-8 (a byte order mark is kept, as a character). */
const textOf = (buf: Uint8Array, start: number, end: number): string | undefined => {
  if (start === end) return '';
  if (latin1Slice !== undefined && isAscii(buf, start, end)) return latin1Slice.call(buf, start, end);
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
}

interface Compiled {
  readonly plan: MessagePlan;
  /** By field number. */
  readonly byNumber: ReadonlyArray<Field | undefined>;
  readonly fields: ReadonlyArray<Field>;
}

const compiled = new Map<MessagePlan, Compiled>();

const compile = (plan: MessagePlan): Compiled => {
  let c = compiled.get(plan);
  if (c === undefined) {
    const byNumber: (Field | undefined)[] = [];
    const fields = plan.fields.map((f): Field => {
      const field: Field = {
        plan: f,
        index: f.index,
        jsonName: f.jsonName,
        kind: KINDS[f.kind],
        repeated: f.repeated && f.mapKey === undefined,
        mapKey: f.mapKey === undefined ? -1 : KINDS[f.mapKey],
        presence: f.presence,
        names: f.enumPlan?.nameOf,
      };
      byNumber[f.number] = field;
      return field;
    });
    c = { plan, byNumber, fields };
    compiled.set(plan, c);
  }
  return c;
};

const fieldOf = (c: Compiled, number: number): Field | undefined => (number < c.byNumber.length ? c.byNumber[number] : undefined);

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

const deeper = (issues: IssueSink, parent: Path, key: string | number | undefined): Invalid => {
  issues.push({ path: pathAt(parent, key), message: `nested deeper than ${MAX_DEPTH} levels` });
  return INVALID;
};

/**
 * A message of `plan` from `w.pos` to `end`, at `depth` as the engine counts it: its canonical
 * ProtoJSON, or {@link INVALID} (problems recorded; a framing problem left in `w`).
 */
const readMessage = (
  plan: MessagePlan,
  w: Wire,
  end: number,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
): JsonValue | Invalid => {
  if (depth >= MAX_DEPTH) {
    w.pos = end;
    return deeper(issues, parent, key);
  }
  switch (plan.wellKnown) {
    case 'Timestamp':
    case 'Duration':
      return readTime(plan.wellKnown, w, end, issues, parent, key);
    case 'Value':
      return readValue(w, end, issues, parent, key, depth);
    case 'Struct':
      return readStruct(w, end, issues, parent, key, depth);
    case 'ListValue':
      return readList(w, end, issues, parent, key, depth);
    case 'Any':
      return readAny(w, end, issues, parent, key, depth);
    default:
      return readFields(compile(plan), w, end, issues, parent, key, depth, undefined);
  }
};

/** A nested message's length, then the message. */
const readNested = (
  plan: MessagePlan,
  w: Wire,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
): JsonValue | Invalid => {
  const length = varint32(w);
  return w.problem === undefined ? readMessage(plan, w, w.pos + length, issues, parent, key, depth) : INVALID;
};

const readFields = (
  c: Compiled,
  w: Wire,
  end: number,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
  typeUrl: string | undefined,
): JsonValue | Invalid => {
  const here = stepInto(parent, key);
  const values = new Array<JsonValue | Invalid | undefined>(c.fields.length);
  let first = c.fields.length;
  let last = -1;
  let ok = true;
  while (w.pos < end) {
    const tag = varint32(w);
    if (w.problem !== undefined) break;
    const f = fieldOf(c, tag >>> 3);
    if (f === undefined) {
      skip(w, tag & 7);
      if (w.problem !== undefined) break;
      continue;
    }
    const i = f.index;
    if (i < first) first = i;
    if (i > last) last = i;
    const kind = f.kind;
    if (f.mapKey !== -1) {
      if (depth + 1 >= MAX_DEPTH) {
        // As the engine counts a map: a level of its own.
        if (values[i] === undefined) deeper(issues, here, f.jsonName);
        values[i] = INVALID;
        ok = false;
        skip(w, 2);
      } else {
        let map = values[i] as Record<string, JsonValue> | undefined;
        if (map === undefined) values[i] = map = {};
        if (!readEntry(f, w, map, issues, here, depth)) ok = false;
      }
    } else if (f.repeated) {
      // A refused element stays in the list (the whole message is refused), so later ones keep their index.
      let list = values[i] as (JsonValue | Invalid)[] | undefined;
      if (list === undefined) {
        list = [];
        values[i] = list as JsonValue[];
      }
      const at = stepInto(here, f.jsonName);
      if (kind === MESSAGE) {
        const v = readNested(f.plan.messagePlan as MessagePlan, w, issues, at, list.length, depth + 1);
        if (v === INVALID) ok = false;
        list.push(v);
      } else if ((tag & 7) === 2 && packable(kind)) {
        const length = varint32(w);
        const stop = w.pos + length;
        while (w.pos < stop) list.push(readScalar(w, f, kind, issues, at, list.length));
      } else {
        const v = readScalar(w, f, kind, issues, at, list.length);
        if (v === INVALID) ok = false;
        list.push(v);
      }
    } else if (kind === MESSAGE) {
      const v = readNested(f.plan.messagePlan as MessagePlan, w, issues, here, f.jsonName, depth + 1);
      if (v === INVALID) ok = false;
      values[i] = v;
    } else {
      const v = readScalar(w, f, kind, issues, here, f.jsonName);
      if (v === INVALID) ok = false;
      // The last one wins; a default is left out, unless the field has presence.
      values[i] = f.presence || v === INVALID || !isDefaultValue(f.plan, v) ? v : undefined;
    }
    if (w.problem !== undefined) {
      w.where ??= stepInto(here, f.jsonName);
      break;
    }
  }
  if (w.problem !== undefined) {
    w.where ??= here;
    return INVALID;
  }
  if (!ok) return INVALID;
  const plan = c.plan;
  if (plan.oneofs.length > 0 && !oneofsHold(plan, values, issues, here)) return INVALID;
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
const oneofsHold = (plan: MessagePlan, values: ReadonlyArray<JsonValue | Invalid | undefined>, issues: IssueSink, here: Path): boolean => {
  let ok = true;
  for (const oneof of plan.oneofs) {
    const set = oneof.fields.filter((f) => values[f.index] !== undefined);
    if (set.length > 1) {
      ok = false;
      issues.push({
        path: pathAt(here, (set[1] as FieldPlan).jsonName),
        message: `only one of ${set.map((f) => f.jsonName).join(', ')} may be set (oneof ${oneof.name})`,
      });
    }
  }
  return ok;
};

/** A map key's canonical text: a string as it is, a number or bool in decimal or as `true`/`false`. */
const keyText = (v: JsonValue): string => (typeof v === 'string' ? v : String(v));

/** The default key of an entry without one: `""`, `0` or `false`. */
const defaultKey = (kind: Kind): string => (kind === STRING ? '' : kind === BOOL ? 'false' : '0');

/** One map entry (a key, 1, and a value, 2) into `map`; false when it is refused. */
const readEntry = (f: Field, w: Wire, map: Record<string, JsonValue>, issues: IssueSink, here: Path, depth: number): boolean => {
  const length = varint32(w);
  const stop = w.pos + length;
  const at = stepInto(here, f.jsonName);
  let key: string | Invalid = defaultKey(f.mapKey as Kind);
  let value: JsonValue | Invalid | undefined;
  while (w.pos < stop) {
    const tag = varint32(w);
    if (w.problem !== undefined) return false;
    const number = tag >>> 3;
    if (number === 1) {
      const k = readScalar(w, f, f.mapKey as Kind, issues, here, f.jsonName);
      key = k === INVALID ? INVALID : keyText(k);
    } else if (number === 2) {
      // Encoders write the key first: the value's path has it.
      const k = key === INVALID ? '' : key;
      value =
        f.kind === MESSAGE
          ? readNested(f.plan.messagePlan as MessagePlan, w, issues, at, k, depth + 1)
          : readScalar(w, f, f.kind, issues, at, k);
    } else skip(w, tag & 7);
    if (w.problem !== undefined) return false;
  }
  if (key === INVALID || value === INVALID) return false;
  // A missing value is the type's default; protobufjs makes a missing message null, which only a Value may be.
  if (value === undefined) value = f.kind === MESSAGE ? null : defaultOf(f);
  if (value === null && f.plan.messagePlan?.wellKnown !== 'Value') {
    issues.push({ path: pathAt(at, key), message: 'expected a map value, got null' });
    return false;
  }
  defineEntry(map, key, value);
  return true;
};

/** The canonical default of a scalar or enum (a map entry's missing value). */
const defaultOf = (f: Field): JsonValue => {
  switch (f.kind) {
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
      return f.names?.get(0) ?? 0;
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
  end: number,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
): JsonValue | Invalid => {
  let seconds = 0;
  let nanos = 0;
  while (w.pos < end) {
    const tag = varint32(w);
    if (w.problem !== undefined) break;
    const number = tag >>> 3;
    if (number === 1) {
      varint64(w);
      seconds = (w.hi | 0) * 4294967296 + w.lo;
    } else if (number === 2) nanos = varint32(w) | 0;
    else skip(w, tag & 7);
    if (w.problem !== undefined) break;
  }
  if (w.problem !== undefined) {
    w.where ??= stepInto(parent, key);
    return INVALID;
  }
  const time = { seconds, nanos };
  return wellKnown === 'Duration' ? readEpochDuration(time, issues, parent, key) : readEpochTime(time, issues, parent, key);
};

/**
 * A `google.protobuf.Value` as its JSON, at `depth` in the JSON (a struct or a list is a level; a
 * scalar is not). When more than one kind is set, the first of null, number, string, bool, struct
 * and list is the value, as `messageToJson` took it.
 */
const readValue = (
  w: Wire,
  end: number,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
): JsonValue | Invalid => {
  let seen = 0;
  let number = 0;
  let text: string | Invalid = '';
  let bool = false;
  let struct: JsonValue | Invalid = INVALID;
  let list: JsonValue | Invalid = INVALID;
  while (w.pos < end) {
    const tag = varint32(w);
    if (w.problem !== undefined) break;
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
        text = readString(w, issues, parent, key ?? '');
        seen |= 4;
        break;
      case 4:
        bool = varint32(w) !== 0;
        seen |= 8;
        break;
      case 5: {
        const length = varint32(w);
        if (w.problem === undefined) struct = readStruct(w, w.pos + length, issues, parent, key, depth);
        seen |= 16;
        break;
      }
      case 6: {
        const length = varint32(w);
        if (w.problem === undefined) list = readList(w, w.pos + length, issues, parent, key, depth);
        seen |= 32;
        break;
      }
      default:
        skip(w, tag & 7);
    }
    if (w.problem !== undefined) break;
  }
  if (w.problem !== undefined) {
    w.where ??= stepInto(parent, key);
    return INVALID;
  }
  if (seen & 1) return null;
  if (seen & 2) {
    if (Number.isFinite(number)) return number;
    issues.push({ path: pathAt(parent, key), message: `a JSON value cannot be ${number}` });
    return INVALID;
  }
  if (seen & 4) return text;
  if (seen & 8) return bool;
  if (seen & 16) return struct;
  if (seen & 32) return list;
  issues.push({ path: pathAt(parent, key), message: 'expected a google.protobuf.Value with one of its kinds set, got none' });
  return INVALID;
};

/** A `google.protobuf.Struct` as a JSON object at `depth`: its entries (a key, 1, and a Value, 2) in the order of their keys' first appearance. */
const readStruct = (
  w: Wire,
  end: number,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
): JsonValue | Invalid => {
  if (depth >= MAX_DEPTH) {
    w.pos = end;
    return deeper(issues, parent, key);
  }
  const here = stepInto(parent, key);
  const out: Record<string, JsonValue> = {};
  let ok = true;
  while (w.pos < end) {
    const tag = varint32(w);
    if (w.problem !== undefined) break;
    if (tag >>> 3 !== 1) {
      skip(w, tag & 7);
      if (w.problem !== undefined) break;
      continue;
    }
    const length = varint32(w);
    const stop = w.pos + length;
    let k: string | Invalid = '';
    // An entry without a value: null, as protobufjs leaves it.
    let v: JsonValue | Invalid = null;
    while (w.pos < stop) {
      const tag2 = varint32(w);
      if (w.problem !== undefined) break;
      const number = tag2 >>> 3;
      if (number === 1) k = readString(w, issues, here, 'fields');
      else if (number === 2) {
        const length2 = varint32(w);
        if (w.problem === undefined) v = readValue(w, w.pos + length2, issues, here, k === INVALID ? '' : k, depth + 1);
      } else skip(w, tag2 & 7);
      if (w.problem !== undefined) break;
    }
    if (w.problem !== undefined) break;
    if (k === INVALID || v === INVALID) ok = false;
    else defineEntry(out, k, v);
  }
  if (w.problem !== undefined) {
    w.where ??= here;
    return INVALID;
  }
  return ok ? Object.freeze(out) : INVALID;
};

/** A `google.protobuf.ListValue` as a JSON array at `depth`. */
const readList = (
  w: Wire,
  end: number,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
): JsonValue | Invalid => {
  if (depth >= MAX_DEPTH) {
    w.pos = end;
    return deeper(issues, parent, key);
  }
  const here = stepInto(parent, key);
  const out: JsonValue[] = [];
  let ok = true;
  let n = 0;
  while (w.pos < end) {
    const tag = varint32(w);
    if (w.problem !== undefined) break;
    if (tag >>> 3 === 1) {
      const length = varint32(w);
      if (w.problem !== undefined) break;
      const v = readValue(w, w.pos + length, issues, here, n++, depth + 1);
      if (v === INVALID) ok = false;
      else out.push(v);
    } else skip(w, tag & 7);
    if (w.problem !== undefined) break;
  }
  if (w.problem !== undefined) {
    w.where ??= here;
    return INVALID;
  }
  return ok ? Object.freeze(out) : INVALID;
};

const NO_BYTES = new Uint8Array(0);

/**
 * A `google.protobuf.Any` (a type URL, 1, and bytes, 2) as ProtoJSON: the packed message's fields
 * beside `@type` (a well-known type's JSON under `value`), read as the descriptor has the type; a
 * type it does not have, kept as its bytes in base64. Packed bytes that are not that message are a
 * problem of the Any's `value`, not of the bytes around it.
 */
const readAny = (
  w: Wire,
  end: number,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
): JsonValue | Invalid => {
  const here = stepInto(parent, key);
  let typeUrl: string | Invalid = '';
  let start = -1;
  let length = 0;
  while (w.pos < end) {
    const tag = varint32(w);
    if (w.problem !== undefined) break;
    const number = tag >>> 3;
    if (number === 1) typeUrl = readString(w, issues, here, 'typeUrl');
    else if (number === 2) {
      length = delimited(w);
      start = w.pos;
      w.pos = start + length;
    } else skip(w, tag & 7);
    if (w.problem !== undefined) break;
  }
  if (w.problem !== undefined) {
    w.where ??= here;
    return INVALID;
  }
  if (typeUrl === INVALID) return INVALID;
  if (typeUrl === '') {
    issues.push({ path: pathAt(here, 'typeUrl'), message: 'expected a type URL, got ""' });
    return INVALID;
  }
  const packed = planOfTypeUrl(typeUrl);
  if (packed === undefined) {
    return Object.freeze({ '@type': typeUrl, value: encodeBase64(start < 0 ? NO_BYTES : w.buf.subarray(start, start + length)) });
  }
  const inner = start < 0 ? new Wire(NO_BYTES, 0, 0) : new Wire(w.buf, start, start + length);
  const before = issues.length;
  let value: JsonValue | Invalid;
  if (packed.wellKnown !== undefined) {
    const v = readMessage(packed, inner, inner.len, issues, here, 'value', depth + 1);
    value = v === INVALID ? INVALID : Object.freeze({ '@type': typeUrl, value: v });
  } else value = readFields(compile(packed), inner, inner.len, issues, parent, key, depth, typeUrl);
  if (inner.problem !== undefined) {
    issues.length = before;
    issues.push({
      path: pathAt(here, 'value'),
      message: `not a serialized ${packed.fullName}: ${problemText(inner, pathAt(here, 'value'))}`,
    });
    return INVALID;
  }
  return value;
};

// ---------------------------------------------------------------------------------------------
// Entry points

/** What went wrong with the framing, and in which field (relative to `base`, the message's own path). */
const problemText = (w: Wire, base: string): string => {
  const where = w.where === undefined ? base : pathAt(w.where, undefined);
  let relative = where.startsWith(base) ? where.slice(base.length) : where;
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
  const value = readMessage(plan, w, bytes.length, issues, parent, key, 0);
  if (w.problem === undefined) return value;
  issues.length = before;
  return new MalformedBytes(`not a serialized ${plan.name}: ${problemText(w, pathAt(parent, key))}`);
};

/** @internal Whether a reading is {@link Malformed}. */
export const isMalformed = (u: unknown): u is Malformed => u instanceof MalformedBytes;

/** @internal A {@link Malformed} of one's own (bytes that are found no message before they are read as one). */
export const malformed = (problem: string): Malformed => new MalformedBytes(problem);

/** @internal The reader's primitives, for a look at the top-level fields of bytes (which message they are). */
export { delimited, skip, varint32, Wire };
