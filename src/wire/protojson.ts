import { decodeBase64, encodeBase64 } from './base64.js';
import { type FieldPlan, type MessagePlan, planOfTypeUrl, type ScalarKind, typeUrlProblem } from './descriptor.js';
import { numberOfText, readInt32, readInteger } from './int32.js';
import { causeText, describe, type IssueSink, type Path, pathAt, stepInto } from './issue.js';
import {
  defineEntry,
  isObject,
  type JsonObject,
  type JsonValue,
  MAX_DEPTH,
  nestedTooDeep,
  readJsonObject,
  readJsonValue,
} from './json-value.js';
import { keepUnknownField } from './message.js';
import { INVALID, type Invalid } from './reader.js';
import {
  type Duration,
  durationToEpoch,
  readDuration,
  readEpochDuration,
  readEpochTime,
  readTimestamp,
  type Timestamp,
  timestampToEpoch,
} from './well-known-types.js';

/**
 * The one ProtoJSON engine: any protobuf message of the descriptor, read and written, driven by the
 * descriptor. Every message this library reads goes through here (a Conversation's common shape has
 * a fast path in front, `conversation-resource.ts`, which agrees with it):
 * - {@link readProtoJson}: ProtoJSON in (both name spellings, enum names or numbers, `null` as
 *   absent, unknown fields kept, every problem with its path), canonical ProtoJSON out: JSON names,
 *   field-number order, defaults left out, timestamps in UTC, int64 as strings, bytes as base64;
 * - {@link messageToJson}: a message object (decoded by protobufjs, or made by Google's Node client)
 *   to ProtoJSON, which {@link readProtoJson} then checks and makes canonical;
 * - {@link canonicalToMessage}: canonical ProtoJSON to a message object as Google's client holds it.
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const UINT32_MAX = 2n ** 32n - 1n;
const FLOAT_MAX = 3.4028234663852886e38;

const push = (issues: IssueSink, parent: Path, key: string | number | undefined, message: string): Invalid => {
  issues.push({ path: pathAt(parent, key), message });
  return INVALID;
};

// ---------------------------------------------------------------------------------------------
// Scalars

/** @internal The shortest decimal that is the same float32, by its definition: `toPrecision` at 1 digit, 2, … 9. */
export const canonicalFloatByDigits = (f: number): number => {
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(f.toPrecision(precision));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
};

/** Powers of ten a double holds exactly. */
const TENS = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * @internal The shortest decimal that is the same float32: what a float field holds, written as
 * protobuf does. The same as {@link canonicalFloatByDigits}, whose `toPrecision` calls are slow,
 * found by arithmetic where it is exact: the p-digit rounding `n` is `Math.round` of the value
 * scaled by an exact power of ten (its error under 1e-7, so sure unless within 1e-6 of a tie), and
 * `n` × 10^k for |k| ≤ 22 is the double that parsing the digits gives (one correctly rounded
 * operation on exact operands). Ties, magnitudes outside 1e-12 to 1e12, and values at a power of
 * ten take the definition. `test/proto-reader.test.ts` checks that the two agree.
 */
export const canonicalFloat = (x: number): number => {
  const f = Math.fround(x);
  const a = Math.abs(f);
  if (!(a >= 1e-12 && a < 1e12)) return canonicalFloatByDigits(f);
  const log = Math.log10(a);
  const e = Math.floor(log);
  if (log - e < 1e-9 || e + 1 - log < 1e-9) return canonicalFloatByDigits(f);
  for (let p = 1; p <= 9; p++) {
    const k = e - p + 1;
    const q = k >= 0 ? a / (TENS[k] as number) : a * (TENS[-k] as number);
    const fraction = q - Math.floor(q);
    if (Math.abs(fraction - 0.5) < 1e-6) return canonicalFloatByDigits(f);
    const n = Math.round(q);
    const candidate = k >= 0 ? n * (TENS[k] as number) : n / (TENS[-k] as number);
    const signed = f < 0 ? -candidate : candidate;
    if (Math.fround(signed) === f) return signed;
  }
  return canonicalFloatByDigits(f);
};

const NON_FINITE: ReadonlySet<unknown> = new Set(['NaN', 'Infinity', '-Infinity']);

const readFloating = (
  kind: 'float' | 'double',
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
): JsonValue | Invalid => {
  if (NON_FINITE.has(value)) return value as string;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? numberOfText(value) : undefined;
  if (n === undefined || !Number.isFinite(n)) return push(issues, parent, key, `expected a ${kind}, got ${describe(value)}`);
  if (kind === 'double') return n;
  if (Math.abs(n) > FLOAT_MAX)
    return push(issues, parent, key, `expected a float (at most ${FLOAT_MAX} in magnitude), got ${describe(value)}`);
  return canonicalFloat(n);
};

/** Reads bytes in base64 (standard or URL-safe, padded or not) and returns standard padded base64. */
const readBytes = (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): string | Invalid => {
  if (typeof value !== 'string') return push(issues, parent, key, `expected bytes in base64, got ${describe(value)}`);
  const bytes = decodeBase64(value);
  if (!(bytes instanceof Uint8Array))
    return push(issues, parent, key, `expected bytes in base64, got ${describe(value)}: ${bytes.problem}`);
  return encodeBase64(bytes);
};

const readScalar = (
  kind: ScalarKind,
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
): JsonValue | Invalid => {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : push(issues, parent, key, `expected a string, got ${describe(value)}`);
    case 'bool':
      return typeof value === 'boolean' ? value : push(issues, parent, key, `expected true or false, got ${describe(value)}`);
    case 'bytes':
      return readBytes(value, issues, parent, key);
    case 'float':
    case 'double':
      return readFloating(kind, value, issues, parent, key);
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return readInt32(value, issues, parent, key);
    case 'uint32':
    case 'fixed32': {
      const n = readInteger(value, issues, parent, key, 'uint32', 0n, UINT32_MAX);
      return n === INVALID ? INVALID : Number(n);
    }
    case 'uint64':
    case 'fixed64': {
      const n = readInteger(value, issues, parent, key, 'uint64', 0n, UINT64_MAX);
      return n === INVALID ? INVALID : String(n);
    }
    default: {
      const n = readInteger(value, issues, parent, key, 'int64', INT64_MIN, INT64_MAX);
      return n === INVALID ? INVALID : String(n);
    }
  }
};

const isDefault = (field: FieldPlan, value: JsonValue): boolean => {
  switch (field.kind) {
    case 'message':
      return false;
    case 'enum':
      return value === field.enumPlan?.defaultName || value === 0;
    case 'string':
    case 'bytes':
      return value === '';
    case 'bool':
      return value === false;
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return value === '0';
    default:
      return value === 0;
  }
};

// ---------------------------------------------------------------------------------------------
// ProtoJSON in, canonical ProtoJSON out

/**
 * @internal Reads a message of type `plan` in ProtoJSON and returns it canonical, or records every
 * problem and returns {@link INVALID}. Never throws. `owned` values (fresh from `JSON.parse`) may
 * be frozen in place where they are kept verbatim (unknown fields, `Struct`s), instead of copied.
 */
export const readProtoJson = (
  plan: MessagePlan,
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
  owned = false,
  readers?: ReadonlyMap<FieldPlan, FieldReader>,
): JsonValue | Invalid => {
  if (depth >= MAX_DEPTH) return nestedTooDeep(issues, parent, key);
  switch (plan.wellKnown) {
    case 'Timestamp':
      return readTimestamp(value, issues, parent, key);
    case 'Duration':
      return readDuration(value, issues, parent, key);
    case 'Value':
      return readJsonValue(value, issues, parent, key, depth, owned);
    case 'Struct':
      return readJsonObject(value, issues, parent, key, depth, owned);
    case 'ListValue':
      if (!Array.isArray(value)) return push(issues, parent, key, `expected an array (google.protobuf.ListValue), got ${describe(value)}`);
      return readJsonValue(value, issues, parent, key, depth, owned);
    case 'Any':
      return readAny(value, issues, parent, key, depth, owned);
    default:
      return readFields(plan, value, issues, parent, key, depth, undefined, owned, readers);
  }
};

/** A message's JSON object: an object (not an array), within the nesting limit. Own properties only are read. */
const messageObject = (
  name: string,
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
): Readonly<Record<string, unknown>> | Invalid => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return push(issues, parent, key, `expected a ${name} object, got ${describe(value)}`);
  }
  return value as Readonly<Record<string, unknown>>;
};

const readAny = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
  owned: boolean,
): JsonValue | Invalid => {
  const source = messageObject('google.protobuf.Any', value, issues, parent, key);
  if (source === INVALID) return INVALID;
  const typeUrl = Object.hasOwn(source, '@type') ? source['@type'] : undefined;
  if (typeof typeUrl !== 'string' || typeUrl === '') {
    return push(issues, stepInto(parent, key), '@type', `expected the type URL of the packed message, got ${describe(typeUrl)}`);
  }
  const problem = typeUrlProblem(typeUrl);
  if (problem !== undefined) return push(issues, stepInto(parent, key), '@type', problem);
  const packed = planOfTypeUrl(typeUrl);
  // A type the descriptor does not have is kept as it came: there is nothing to check it against.
  if (packed === undefined) return readJsonObject(value, issues, parent, key, depth, owned);
  // A well-known type (an Any too) packs its special JSON under `value`.
  if (packed.wellKnown !== undefined) {
    const inner = readProtoJson(
      packed,
      Object.hasOwn(source, 'value') ? source.value : undefined,
      issues,
      stepInto(parent, key),
      'value',
      depth + 1,
      owned,
    );
    if (inner === INVALID) return INVALID;
    return Object.freeze({ '@type': typeUrl, value: inner });
  }
  return readFields(packed, value, issues, parent, key, depth, typeUrl, owned);
};

const readFieldValue = (
  field: FieldPlan,
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number,
  depth: number,
  owned: boolean,
): JsonValue | Invalid => {
  if (field.kind === 'message') return readProtoJson(field.messagePlan as MessagePlan, value, issues, parent, key, depth + 1, owned);
  if (field.kind === 'enum') {
    const plan = field.enumPlan;
    return plan === undefined
      ? push(issues, parent, key, `expected an enum, got ${describe(value)}`)
      : plan.readOpen(value, issues, parent, key);
  }
  return readScalar(field.kind, value, issues, parent, key);
};

/** Map keys are strings in JSON; a key of an integer or bool type must spell one. */
const readMapKey = (kind: ScalarKind, key: string, issues: IssueSink, parent: Path): string | Invalid => {
  if (kind === 'string') return key;
  if (kind === 'bool')
    return key === 'true' || key === 'false' ? key : push(issues, parent, key, `expected a bool map key, got ${describe(key)}`);
  const n = readScalar(kind, key, issues, parent, key);
  return n === INVALID ? INVALID : String(n);
};

const readRepeated = (
  field: FieldPlan,
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string,
  depth: number,
  owned: boolean,
): JsonValue | Invalid => {
  const here = stepInto(parent, key);
  // `null` is a value only in a google.protobuf.Value; elsewhere it cannot be an element.
  const nullable = field.messagePlan?.wellKnown === 'Value';
  if (field.mapKey !== undefined) {
    const source = messageObject('map', value, issues, parent, key);
    if (source === INVALID) return INVALID;
    if (depth + 1 >= MAX_DEPTH) return nestedTooDeep(issues, parent, key);
    const out: Record<string, JsonValue> = {};
    let ok = true;
    const keys = Object.keys(source);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const mapKey = readMapKey(field.mapKey, k, issues, here);
      const item = source[k];
      const read =
        item === null && !nullable
          ? push(issues, here, k, 'expected a map value, got null')
          : readFieldValue(field, item, issues, here, k, depth, owned);
      if (mapKey === INVALID || read === INVALID) ok = false;
      else defineEntry(out, mapKey, read);
    }
    return ok ? Object.freeze(out) : INVALID;
  }
  if (!Array.isArray(value)) return push(issues, parent, key, `expected an array, got ${describe(value)}`);
  const out: JsonValue[] = [];
  let ok = true;
  let same = true;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const read =
      item === null && !nullable
        ? push(issues, here, i, 'expected an element, got null')
        : readFieldValue(field, item, issues, here, i, depth, owned);
    if (read === INVALID) ok = false;
    else {
      out.push(read);
      same &&= read === item;
    }
  }
  if (!ok) return INVALID;
  // An owned array whose elements were each kept as they are is the output already: frozen in place.
  return Object.freeze(owned && same ? (value as JsonValue[]) : out);
};

/** @internal A reader that stands in for the engine's own on one field (a resource name, whose kind the proto does not state). */
export type FieldReader = (value: unknown, issues: IssueSink, parent: Path, key: string) => JsonValue | Invalid;

/** @internal A message's fields as read, before they are assembled into canonical ProtoJSON. */
export interface FieldValues {
  /** By field index: the value read, {@link INVALID} when it was refused, `undefined` when absent (or `null`). */
  readonly values: ReadonlyArray<JsonValue | Invalid | undefined>;
  /** By field index: the spelling the source used last, for paths. */
  readonly keys: ReadonlyArray<string | undefined>;
  /** The fields the message does not have, kept verbatim (deeply frozen), as they came. */
  readonly unknown: Readonly<Record<string, JsonValue>> | undefined;
}

/**
 * @internal Reads each field of a message's object: both spellings (the last one wins), `null` as
 * absent (but in a `google.protobuf.Value`), unknown fields kept, every problem recorded, in the
 * source's key order. Own properties only. `readers` stand in for the engine's own on some fields.
 */
export const readFieldValues = (
  plan: MessagePlan,
  source: Readonly<Record<string, unknown>>,
  issues: IssueSink,
  here: Path,
  depth: number,
  owned: boolean,
  typeUrl: string | undefined,
  readers?: ReadonlyMap<FieldPlan, FieldReader>,
): FieldValues => {
  // Sized up front: filled by field index, in the source's key order, so never grown.
  const size = plan.fields.length;
  const values = new Array<JsonValue | Invalid | undefined>(size);
  const spelled = new Array<string | undefined>(size);
  let unknown: Record<string, JsonValue> | undefined;
  const keys = Object.keys(source);
  for (let n = 0; n < keys.length; n++) {
    const k = keys[n] as string;
    if (typeUrl !== undefined && k === '@type') continue;
    const field = plan.byKey.get(k);
    const item = source[k];
    if (field === undefined) {
      unknown = keepUnknownField(unknown, k, item, issues, here, depth, owned);
      continue;
    }
    spelled[field.index] = k;
    const own = readers?.get(field);
    values[field.index] =
      own !== undefined && item !== null ? own(item, issues, here, k) : readField(field, item, issues, here, k, depth, owned);
  }
  return { values, keys: spelled, unknown };
};

/**
 * @internal Reads one field's value under the key `key` of a message at `depth`: `undefined` for
 * `null` (not set, but in a `google.protobuf.Value`), else the value read, or {@link INVALID}.
 */
export const readField = (
  field: FieldPlan,
  item: unknown,
  issues: IssueSink,
  here: Path,
  key: string,
  depth: number,
  owned: boolean,
): JsonValue | Invalid | undefined => {
  if (item === null && !field.nullIsValue) return undefined;
  return field.repeated || field.mapKey !== undefined
    ? readRepeated(field, item, issues, here, key, depth, owned)
    : readFieldValue(field, item, issues, here, key, depth, owned);
};

/** @internal Whether a field's value is its default, which canonical ProtoJSON leaves out. */
export const isDefaultValue = (field: FieldPlan, v: JsonValue): boolean =>
  field.mapKey !== undefined
    ? Object.keys(v as JsonObject).length === 0
    : field.repeated
      ? (v as ReadonlyArray<JsonValue>).length === 0
      : !field.presence && isDefault(field, v);

/**
 * Whether a message's object is already its canonical ProtoJSON: exactly the fields the output
 * would have, in field order, by their JSON names, each value the very one read (so itself
 * canonical). Such an object, when owned (fresh from `JSON.parse`), is frozen and kept in place of
 * a copy: what the output would be, without making it again.
 */
const isCanonicalAlready = (
  fields: ReadonlyArray<FieldPlan>,
  values: ReadonlyArray<JsonValue | Invalid | undefined>,
  source: Readonly<Record<string, unknown>>,
): boolean => {
  const keys = Object.keys(source);
  let j = 0;
  for (let i = 0; i < fields.length; i++) {
    const v = values[i] as JsonValue | undefined;
    const field = fields[i] as FieldPlan;
    if (v === undefined || isDefaultValue(field, v)) continue;
    const k = keys[j++];
    if (k !== field.jsonName || source[k] !== v) return false;
  }
  return j === keys.length;
};

/**
 * A message whose keys are canonical already (JSON names, in field-number order, none unknown, no
 * oneof member), as protobuf's and this library's writers give them: read in one pass, each value
 * by {@link readField}, with no table of values and no second pass. The output is the same as
 * `readFields` below makes (the fields in their order, defaults left out): owned, and every value
 * kept as it came, the source itself, frozen; else built as it goes. `undefined`, having read no
 * value, when the keys are not canonical: the general path reads the message, each value once.
 */
const readInFieldOrder = (
  plan: MessagePlan,
  source: Readonly<Record<string, unknown>>,
  issues: IssueSink,
  here: Path,
  depth: number,
  owned: boolean,
): JsonValue | Invalid | undefined => {
  const keys = Object.keys(source);
  let last = -1;
  for (let n = 0; n < keys.length; n++) {
    const k = keys[n] as string;
    const field = plan.byKey.get(k);
    if (field === undefined || field.jsonName !== k || field.index <= last || field.oneof !== undefined) return undefined;
    last = field.index;
  }
  const before = issues.length;
  // The output, once a value differs from what came (owned input is kept as it is until then).
  let out: Record<string, JsonValue> | undefined = owned ? undefined : {};
  const fields = plan.fields;
  let i = 0;
  for (let n = 0; n < keys.length; n++) {
    const k = keys[n] as string;
    // The keys are the fields' names, in order: the next field of this name (a comparison, not a lookup).
    while ((fields[i] as FieldPlan).jsonName !== k) i++;
    const field = fields[i] as FieldPlan;
    const item = source[k];
    const v = readField(field, item, issues, here, k, depth, owned);
    if (v === INVALID) continue;
    const kept = v !== undefined && !isDefaultValue(field, v);
    if (out === undefined && (!kept || v !== item)) {
      // The fields before this one were kept as they came.
      out = {};
      for (let m = 0; m < n; m++) out[keys[m] as string] = source[keys[m] as string] as JsonValue;
    }
    if (out !== undefined && kept) out[k] = v as JsonValue;
  }
  if (issues.length !== before) return INVALID;
  return Object.freeze(out ?? (source as JsonObject));
};

const readFields = (
  plan: MessagePlan,
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
  typeUrl: string | undefined,
  owned: boolean,
  readers?: ReadonlyMap<FieldPlan, FieldReader>,
): JsonValue | Invalid => {
  const source = messageObject(plan.name, value, issues, parent, key);
  if (source === INVALID) return INVALID;
  const before = issues.length;
  const here = stepInto(parent, key);
  if (typeUrl === undefined && readers === undefined) {
    const inOrder = readInFieldOrder(plan, source, issues, here, depth, owned);
    if (inOrder !== undefined) return inOrder;
  }
  const { values, keys, unknown } = readFieldValues(plan, source, issues, here, depth, owned, typeUrl, readers);
  for (const oneof of plan.oneofs) {
    const set = oneof.fields.filter((f) => values[f.index] !== undefined);
    if (set.length > 1) {
      issues.push({
        path: pathAt(here, keys[(set[1] as FieldPlan).index]),
        message: `only one of ${set.map((f) => f.jsonName).join(', ')} may be set (oneof ${oneof.name})`,
      });
    }
  }
  if (issues.length !== before) return INVALID;
  const fields = plan.fields;
  if (owned && typeUrl === undefined && unknown === undefined && isCanonicalAlready(fields, values, source))
    return Object.freeze(source as JsonObject);
  const out: Record<string, JsonValue> = {};
  if (typeUrl !== undefined) out['@type'] = typeUrl;
  for (let i = 0; i < fields.length; i++) {
    const v = values[i] as JsonValue | undefined;
    if (v !== undefined && !isDefaultValue(fields[i] as FieldPlan, v)) out[(fields[i] as FieldPlan).jsonName] = v;
  }
  if (unknown !== undefined) for (const k of Object.keys(unknown)) defineEntry(out, k, unknown[k]);
  return Object.freeze(out);
};

// ---------------------------------------------------------------------------------------------
// Message objects (protobufjs, Google's client) to ProtoJSON

/**
 * The keys of a map as protobufjs decoded it. protobufjs sets map entries by assignment, so an
 * entry keyed `__proto__` becomes the object's prototype instead of a key: it is found there.
 */
const mapKeys = (map: Record<string, unknown>): string[] => {
  const keys = Object.keys(map);
  const proto: unknown = Object.getPrototypeOf(map);
  if (isObject(proto) && proto !== Object.prototype && !Object.hasOwn(map, '__proto__')) keys.push('__proto__');
  return keys;
};

const mapValue = (map: Record<string, unknown>, key: string): unknown =>
  key === '__proto__' && !Object.hasOwn(map, key) ? Object.getPrototypeOf(map) : map[key];

/** A `Long` (or anything with its `low`, `high` and `unsigned`) as a bigint. */
const longToBigInt = (long: { low: number; high: number; unsigned?: boolean }): bigint => {
  const bits = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
  return long.unsigned === true || bits < 2n ** 63n ? bits : bits - 2n ** 64n;
};

const isLongLike = (u: unknown): u is { low: number; high: number; unsigned?: boolean } =>
  isObject(u) && typeof u.low === 'number' && typeof u.high === 'number';

/** Seconds as Google's client holds them (number, string or Long) as a number, or why not. */
const secondsOf = (value: unknown): number | string => {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : `expected whole seconds, got ${describe(value)}`;
  if (typeof value === 'string') {
    // A decimal string (protobufjs's `longs: String`): whole, and safe as a number.
    const n = Number(value);
    return value !== '' && value.length <= 17 && Number.isSafeInteger(n) && String(n) === value
      ? n
      : `expected whole seconds, got ${describe(value)}`;
  }
  if (isLongLike(value)) return Number(longToBigInt(value));
  return `expected seconds as a number, a string or a Long, got ${describe(value)}`;
};

const nanosOf = (value: unknown): number | string => {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' && Number.isInteger(value) ? value : `expected whole nanos, got ${describe(value)}`;
};

/** Bytes as base64; protobufjs gives an unset bytes field as an empty array. */
const bytesToBase64 = (value: unknown): unknown => {
  if (value instanceof Uint8Array) return encodeBase64(value);
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return encodeBase64(Uint8Array.from(value));
  return value;
};

const int64ToJson = (value: unknown): unknown => (isLongLike(value) ? String(longToBigInt(value)) : value);

/**
 * @internal A message object (from protobufjs's `decode`, or Google's client: timestamps as
 * `{ seconds, nanos }`, 64-bit integers as Long, bytes as Uint8Array, enums as numbers or names) as
 * ProtoJSON. Problems only the object form can have (a timestamp's seconds that are not a number)
 * are recorded here; everything else is left for {@link readProtoJson} to check.
 */
export const messageToJson = (
  plan: MessagePlan,
  message: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
): unknown => {
  if (!isObject(message) || depth >= MAX_DEPTH) return message;
  const here = stepInto(parent, key);
  switch (plan.wellKnown) {
    case 'Timestamp':
    case 'Duration': {
      const seconds = secondsOf(message.seconds);
      const nanos = nanosOf(message.nanos);
      if (typeof seconds === 'string') return push(issues, here, 'seconds', seconds);
      if (typeof nanos === 'string') return push(issues, here, 'nanos', nanos);
      return plan.wellKnown === 'Duration'
        ? readEpochDuration({ seconds, nanos }, issues, parent, key)
        : readEpochTime({ seconds, nanos }, issues, parent, key);
    }
    case 'Struct':
      return structToJson(message, issues, here, depth);
    case 'ListValue':
      return Array.isArray(message.values)
        ? message.values.map((v, i) => valueToJson(v, issues, stepInto(here, 'values'), i, depth + 1))
        : [];
    case 'Value':
      return valueToJson(message, issues, parent, key, depth);
    case 'Any':
      return anyToJson(message, issues, here, depth);
    default:
      break;
  }
  const out: Record<string, unknown> = {};
  for (const field of plan.fields) {
    const v = message[field.jsonName];
    if (v === undefined || v === null) continue;
    // A scalar member of a oneof is set only when it is the object's own property (protobufjs keeps
    // the defaults of unset fields on the prototype).
    if (field.presence && field.kind !== 'message' && !Object.hasOwn(message, field.jsonName)) continue;
    if (field.mapKey !== undefined && isObject(v)) {
      const map: Record<string, unknown> = {};
      for (const k of mapKeys(v)) defineEntry(map, k, fieldToJson(field, mapValue(v, k), issues, stepInto(here, field.jsonName), k, depth));
      out[field.jsonName] = map;
    } else if (field.repeated && Array.isArray(v)) {
      out[field.jsonName] = v.map((item, i) => fieldToJson(field, item, issues, stepInto(here, field.jsonName), i, depth));
    } else {
      out[field.jsonName] = fieldToJson(field, v, issues, here, field.jsonName, depth);
    }
  }
  return out;
};

const fieldToJson = (field: FieldPlan, value: unknown, issues: IssueSink, parent: Path, key: string | number, depth: number): unknown => {
  switch (field.kind) {
    case 'message':
      return messageToJson(field.messagePlan as MessagePlan, value, issues, parent, key, depth + 1);
    case 'bytes':
      return bytesToBase64(value);
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return int64ToJson(value);
    case 'float':
    case 'double':
      return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
    default:
      return value;
  }
};

const structToJson = (message: Record<string, unknown>, issues: IssueSink, here: Path, depth: number): unknown => {
  const out: Record<string, unknown> = {};
  const fields = message.fields;
  if (isObject(fields)) {
    for (const k of mapKeys(fields)) defineEntry(out, k, valueToJson(mapValue(fields, k), issues, stepInto(here, 'fields'), k, depth + 1));
  }
  return out;
};

const VALUE_KINDS = ['nullValue', 'numberValue', 'stringValue', 'boolValue', 'structValue', 'listValue'] as const;

const valueToJson = (message: unknown, issues: IssueSink, parent: Path, key: string | number | undefined, depth: number): unknown => {
  if (!isObject(message)) return message;
  if (depth >= MAX_DEPTH) return nestedTooDeep(issues, parent, key);
  const here = stepInto(parent, key);
  for (const kind of VALUE_KINDS) {
    if (!Object.hasOwn(message, kind)) continue;
    const v = message[kind];
    if (v === undefined || v === null) continue;
    switch (kind) {
      case 'nullValue':
        return null;
      case 'numberValue':
        return typeof v === 'number' && !Number.isFinite(v) ? push(issues, here, kind, `a JSON value cannot be ${v}`) : v;
      case 'structValue':
        return isObject(v) ? structToJson(v, issues, stepInto(here, kind), depth + 1) : v;
      case 'listValue':
        return isObject(v) && Array.isArray(v.values)
          ? v.values.map((item, i) => valueToJson(item, issues, stepInto(stepInto(here, kind), 'values'), i, depth + 1))
          : [];
      default:
        return v;
    }
  }
  return push(issues, parent, key, 'expected a google.protobuf.Value with one of its kinds set, got none');
};

const anyToJson = (message: Record<string, unknown>, issues: IssueSink, here: Path, depth: number): unknown => {
  const typeUrl = message.typeUrl;
  const bytes = message.value;
  if (typeof typeUrl !== 'string' || typeUrl === '') return push(issues, here, 'typeUrl', `expected a type URL, got ${describe(typeUrl)}`);
  const packed = planOfTypeUrl(typeUrl);
  const decodedBytes = bytes instanceof Uint8Array ? bytes : typeof bytes === 'string' ? decodeBase64(bytes) : new Uint8Array();
  if (!(decodedBytes instanceof Uint8Array)) {
    return push(issues, here, 'value', `expected the packed message's bytes, got ${describe(bytes)}: ${decodedBytes.problem}`);
  }
  const raw = decodedBytes;
  // A type the descriptor does not have cannot be expanded: its bytes are kept, in base64.
  if (packed === undefined) return { '@type': typeUrl, value: encodeBase64(raw) };
  let decoded: unknown;
  try {
    decoded = packed.type.decode(raw);
  } catch (cause) {
    return push(issues, here, 'value', `not a serialized ${packed.fullName}: ${causeText(cause)}`);
  }
  const inner = messageToJson(packed, decoded, issues, here, 'value', depth + 1);
  if (packed.wellKnown !== undefined) return { '@type': typeUrl, value: inner };
  return isObject(inner) ? { '@type': typeUrl, ...inner } : inner;
};

// ---------------------------------------------------------------------------------------------
// Canonical ProtoJSON to message objects (as Google's client holds them)

/** What to do with fields the message type does not have. */
export interface ToMessageOptions {
  /** Leave them out (`true`), or report each as a problem (`false`). */
  readonly dropUnknownFields: boolean;
}

/**
 * @internal Canonical ProtoJSON (as {@link readProtoJson} returns it) to a message object as
 * Google's Node client holds it: timestamps and durations as `{ seconds, nanos }`, enums as names,
 * 64-bit integers as strings, bytes as Uint8Array, `Struct`s as `{ fields }`. Fields the type does
 * not have are left out or reported, as `options` say.
 */
export const canonicalToMessage = (
  plan: MessagePlan,
  json: JsonValue,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  options: ToMessageOptions,
): unknown => {
  switch (plan.wellKnown) {
    case 'Timestamp':
      return { ...timestampToEpoch(json as Timestamp) };
    case 'Duration':
      return { ...durationToEpoch(json as Duration) };
    case 'Struct':
      return jsonToStruct(json as JsonObject);
    case 'ListValue':
      return { values: (json as ReadonlyArray<JsonValue>).map(jsonToValue) };
    case 'Value':
      return jsonToValue(json);
    case 'Any':
      return jsonToAny(json as JsonObject, issues, parent, key, options);
    default:
      break;
  }
  const here = stepInto(parent, key);
  const out: Record<string, unknown> = {};
  const source = json as JsonObject;
  for (const k of Object.keys(source)) {
    const field = plan.byKey.get(k);
    const v = source[k] as JsonValue;
    if (field === undefined) {
      if (!options.dropUnknownFields && k !== '@type') {
        issues.push({ path: pathAt(here, k), message: `${plan.fullName} has no such field: Google's client cannot hold it` });
      }
      continue;
    }
    if (field.mapKey !== undefined) {
      const map: Record<string, unknown> = {};
      for (const mk of Object.keys(v as JsonObject)) {
        defineEntry(map, mk, fieldToMessage(field, (v as JsonObject)[mk] as JsonValue, issues, stepInto(here, k), mk, options));
      }
      out[field.jsonName] = map;
    } else if (field.repeated) {
      out[field.jsonName] = (v as ReadonlyArray<JsonValue>).map((item, i) =>
        fieldToMessage(field, item, issues, stepInto(here, k), i, options),
      );
    } else {
      out[field.jsonName] = fieldToMessage(field, v, issues, here, k, options);
    }
  }
  return out;
};

const fieldToMessage = (
  field: FieldPlan,
  value: JsonValue,
  issues: IssueSink,
  parent: Path,
  key: string | number,
  options: ToMessageOptions,
): unknown => {
  switch (field.kind) {
    case 'message':
      return canonicalToMessage(field.messagePlan as MessagePlan, value, issues, parent, key, options);
    case 'bytes':
      return bytesOf(value as string);
    case 'float':
    case 'double':
      return typeof value === 'string' ? Number(value) : value;
    default:
      return value;
  }
};

/** The bytes of canonical base64 (what the reader made, so it decodes). */
const bytesOf = (text: string): Uint8Array => {
  const bytes = decodeBase64(text);
  return bytes instanceof Uint8Array ? bytes : new Uint8Array();
};

const jsonToValue = (json: JsonValue): unknown => {
  if (json === null) return { nullValue: 'NULL_VALUE' };
  if (typeof json === 'number') return { numberValue: json };
  if (typeof json === 'string') return { stringValue: json };
  if (typeof json === 'boolean') return { boolValue: json };
  if (Array.isArray(json)) return { listValue: { values: (json as ReadonlyArray<JsonValue>).map(jsonToValue) } };
  return { structValue: jsonToStruct(json as JsonObject) };
};

const jsonToStruct = (json: JsonObject): unknown => {
  const fields: Record<string, unknown> = {};
  for (const k of Object.keys(json)) defineEntry(fields, k, jsonToValue(json[k] as JsonValue));
  return { fields };
};

const jsonToAny = (
  json: JsonObject,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  options: ToMessageOptions,
): unknown => {
  const typeUrl = json['@type'] as string;
  const packed = planOfTypeUrl(typeUrl);
  if (packed === undefined) {
    if (typeof json.value === 'string' && Object.keys(json).length === 2) return { typeUrl, value: bytesOf(json.value) };
    issues.push({ path: pathAt(parent, key), message: `cannot encode an Any of type ${typeUrl}: the descriptor does not have it` });
    return INVALID;
  }
  const inner = packed.wellKnown !== undefined ? (json.value as JsonValue) : json;
  const message = canonicalToMessage(packed, inner, issues, parent, key, options);
  return { typeUrl, value: packed.type.encode(packed.type.fromObject(message as Record<string, unknown>)).finish() };
};
