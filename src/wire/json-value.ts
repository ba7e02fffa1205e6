import { describe, type IssueSink, type Path, stepInto } from './issue.js';
import { INVALID, type Invalid, pathAt } from './reader.js';

/** Any JSON value, read-only. */
export type JsonValue = string | number | boolean | null | JsonArray | JsonObject;
export interface JsonArray extends ReadonlyArray<JsonValue> {}
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/**
 * How deep a document may nest. Protobuf parsers stop at 100 levels; so does this library, which
 * also keeps `JSON.stringify` (which recurses) from overflowing the stack on output.
 */
export const MAX_DEPTH = 100;

/** @internal Refuses a value nested past {@link MAX_DEPTH}, at its path: the one wording of the limit, whichever reader meets it. */
export const nestedTooDeep = (issues: IssueSink, parent: Path, key: string | number | undefined): Invalid => {
  issues.push({ path: pathAt(parent, key), message: `nested deeper than ${MAX_DEPTH} levels` });
  return INVALID;
};

/** @internal Whether a value is an object (arrays and class instances included): one whose properties can be read. */
export const isObject = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null;

const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/**
 * Sets a property as plain data, even for the key `__proto__`, whose assignment would otherwise
 * change the object's prototype.
 */
export const defineEntry = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
};

/**
 * Reads a value that must be JSON (kept verbatim: unknown fields and fields this library does not
 * model), returning it deeply frozen. `owned` values (fresh from `JSON.parse`) are frozen in place;
 * others are copied first, so the caller's objects are never frozen or shared.
 * Rejects what JSON cannot carry (undefined, functions, NaN, class instances, cycles) and nesting
 * deeper than {@link MAX_DEPTH}.
 *
 * @internal
 */
export const readJsonValue = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
  owned: boolean,
): JsonValue | Invalid =>
  // `JSON.parse` makes trees. A caller's objects may share a part (read it once, keep one frozen
  // copy: an object reached twice at each of 100 levels must not take 2^100 steps) or contain
  // themselves (a cycle, which JSON cannot carry).
  readJson(value, issues, parent, key, depth, owned || typeof value !== 'object' || value === null ? undefined : new Map());

/** Objects of a caller's value already read (their frozen copies), or being read (`IN_PROGRESS`). */
type Copies = Map<object, JsonValue | Invalid | typeof IN_PROGRESS>;
const IN_PROGRESS: unique symbol = Symbol('in progress');

const readJson = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
  copies: Copies | undefined,
): JsonValue | Invalid => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      break;
    case 'object': {
      if (value === null) return null;
      if (copies !== undefined) {
        const copy = copies.get(value);
        if (copy === IN_PROGRESS) {
          issues.push({ path: pathAt(parent, key), message: 'expected a JSON value, got an object that contains itself' });
          return INVALID;
        }
        if (copy !== undefined) return copy;
      }
      if (depth >= MAX_DEPTH) return nestedTooDeep(issues, parent, key);
      if (!Array.isArray(value) && !isPlainObject(value)) break;
      copies?.set(value, IN_PROGRESS);
      const read = readContainer(value, issues, stepInto(parent, key), depth, copies);
      copies?.set(value, read);
      return read;
    }
    default:
      break;
  }
  issues.push({ path: pathAt(parent, key), message: `expected a JSON value, got ${describe(value)}` });
  return INVALID;
};

/** An array or a plain object's entries, read; frozen in place when owned (no `copies`), else copied. */
const readContainer = (value: object, issues: IssueSink, path: Path, depth: number, copies: Copies | undefined): JsonValue | Invalid => {
  const owned = copies === undefined;
  let ok = true;
  if (Array.isArray(value)) {
    const out: JsonValue[] = owned ? (value as JsonValue[]) : new Array<JsonValue>(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = readJson(value[i], issues, path, i, depth + 1, copies);
      if (item === INVALID) ok = false;
      else if (!owned) out[i] = item;
    }
    return ok ? Object.freeze(out) : INVALID;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = owned ? source : {};
  const keys = Object.keys(source);
  for (let n = 0; n < keys.length; n++) {
    const k = keys[n] as string;
    const item = readJson(source[k], issues, path, k, depth + 1, copies);
    if (item === INVALID) ok = false;
    else if (!owned) defineEntry(out, k, item);
  }
  return ok ? (Object.freeze(out) as JsonObject) : INVALID;
};

/** Whether a JSON object has no keys (the ProtoJSON default of a map). */
export const isEmptyObject = (value: JsonValue): boolean => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const k in value) if (Object.hasOwn(value, k)) return false;
  return true;
};

/** @internal Reader for a field whose type this library does not model but knows is a JSON object. */
export const readJsonObject = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
  owned: boolean,
): JsonObject | Invalid => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path: pathAt(parent, key), message: `expected a JSON object, got ${describe(value)}` });
    return INVALID;
  }
  return readJsonValue(value, issues, parent, key, depth, owned) as JsonObject | Invalid;
};
