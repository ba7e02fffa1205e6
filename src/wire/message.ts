import { describe, type IssueSink, type Path } from './issue.js';
import { defineEntry, type JsonValue, MAX_DEPTH, nestedTooDeep, readJsonValue } from './json-value.js';
import { INVALID, type Invalid, pathAt } from './reader.js';

/** Fields this library does not model, kept verbatim by their JSON key and emitted again. */
export type UnknownFields = Readonly<Record<string, JsonValue>>;

/**
 * @internal Checks that a message's JSON is an object within the nesting limit. Message readers
 * are written out by hand (a `switch` on both spellings of each name): the hot path of decoding.
 */
export const readMessageObject = (
  typeName: string,
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
): Record<string, unknown> | Invalid => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path: pathAt(parent, key), message: `expected a ${typeName} object, got ${describe(value)}` });
    return INVALID;
  }
  if (depth >= MAX_DEPTH) return nestedTooDeep(issues, parent, key);
  return value as Record<string, unknown>;
};

/**
 * @internal Keeps an unknown field verbatim (deeply frozen), in a bag made on first use. `null`
 * means "not set", for any field, so it is not kept.
 */
export const keepUnknownField = (
  bag: Record<string, JsonValue> | undefined,
  key: string,
  value: unknown,
  issues: IssueSink,
  parent: Path,
  depth: number,
  owned: boolean,
): Record<string, JsonValue> | undefined => {
  if (value === null) return bag;
  const kept = readJsonValue(value, issues, parent, key, depth + 1, owned);
  if (kept === INVALID) return bag;
  const out = bag ?? {};
  defineEntry(out, key, kept);
  return out;
};

/** @internal Copies kept fields onto an output object, in their order. */
export const writeUnknownFields = (out: Record<string, unknown>, unknownFields: UnknownFields | undefined): void => {
  if (unknownFields === undefined) return;
  const keys = Object.keys(unknownFields);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    defineEntry(out, k, unknownFields[k]);
  }
};

/** @internal Reader for a proto `string` field. */
export const readString = (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): string | Invalid => {
  if (typeof value === 'string') return value;
  issues.push({ path: pathAt(parent, key), message: `expected a string, got ${describe(value)}` });
  return INVALID;
};
