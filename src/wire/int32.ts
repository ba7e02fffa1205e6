import type * as t from 'io-ts';
import { describe, type IssueSink, type Path } from './issue.js';
import { codecFromReader, INVALID, type Invalid, pathAt } from './reader.js';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** A JSON number literal, split: its sign, its digits before and after the point, its exponent. */
interface NumberLiteral {
  readonly negative: boolean;
  readonly integer: string;
  readonly fraction: string;
  /** The exponent, saturated at ±10^15: a number needs no more to be whole or out of range. */
  readonly exponent: number;
}

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Scans JSON number syntax exactly (no spaces, no `+`, no hex, no leading zeros, nothing
 * trailing), by hand: one pass, no regular expression on input.
 */
const scanNumberLiteral = (text: string): NumberLiteral | undefined => {
  const n = text.length;
  let at = 0;
  const negative = text.charCodeAt(0) === 45;
  if (negative) at++;
  const integerStart = at;
  if (text.charCodeAt(at) === 48) at++;
  else {
    if (!(at < n && isDigitCode(text.charCodeAt(at)))) return undefined;
    while (at < n && isDigitCode(text.charCodeAt(at))) at++;
  }
  const integer = text.slice(integerStart, at);
  let fraction = '';
  if (text.charCodeAt(at) === 46 /* . */) {
    const start = ++at;
    while (at < n && isDigitCode(text.charCodeAt(at))) at++;
    if (at === start) return undefined;
    fraction = text.slice(start, at);
  }
  let exponent = 0;
  const e = text.charCodeAt(at);
  if (e === 101 || e === 69 /* e E */) {
    at++;
    const sign = text.charCodeAt(at);
    const negativeExponent = sign === 45;
    if (sign === 45 || sign === 43) at++;
    const start = at;
    while (at < n && isDigitCode(text.charCodeAt(at))) {
      if (exponent < 1e15) exponent = exponent * 10 + (text.charCodeAt(at) - 48);
      at++;
    }
    if (at === start) return undefined;
    if (negativeExponent) exponent = -exponent;
  }
  return at === n ? { negative, integer, fraction, exponent } : undefined;
};

/** The significand's digits without leading zeros, and how many zeros end it. */
const significandOf = (literal: NumberLiteral): { readonly digits: string; readonly trailingZeros: number } => {
  const all = `${literal.integer}${literal.fraction}`;
  let start = 0;
  while (start < all.length && all.charCodeAt(start) === 48) start++;
  let end = all.length;
  while (end > start && all.charCodeAt(end - 1) === 48) end--;
  return { digits: all.slice(start), trailingZeros: all.length - end };
};

/**
 * Whether a JSON number literal denotes a whole number, decided on its digits rather than on a
 * double, so `"1.0000000000000001"` is not mistaken for 1: value = significand × 10^(exponent −
 * fraction digits), whole when the negative power is covered by trailing zeros.
 */
const isIntegralLiteral = (literal: NumberLiteral): boolean => {
  const { digits, trailingZeros } = significandOf(literal);
  if (digits === '') return true; // zero, whatever its exponent
  return literal.exponent - literal.fraction.length + trailingZeros >= 0;
};

const problem = (value: unknown, detail = ''): string => `expected an int32${detail}, got ${describe(value)}`;

/**
 * @internal The whole number a quoted ProtoJSON number denotes (`"42"`, `"1e2"`, `"1.0"`), or
 * `undefined` when the text is not a whole number in exact JSON number syntax. Not range-checked.
 */
export const wholeNumberOfText = (text: string): number | undefined => {
  const literal = scanNumberLiteral(text);
  return literal === undefined || !isIntegralLiteral(literal) ? undefined : Number(text);
};

/** @internal The number a quoted JSON number denotes (`"1.5"`, `"-2e3"`), or `undefined` when the text is not one. */
export const numberOfText = (text: string): number | undefined => (scanNumberLiteral(text) === undefined ? undefined : Number(text));

/** @internal Reader used by message decoders. */
export const readInt32 = (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): number | Invalid => {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? wholeNumberOfText(value) : undefined;
  // A whole literal too large for a double (`"1e400"`) reads as Infinity and fails the range check.
  if (n === undefined || (typeof value === 'number' && !Number.isInteger(n))) {
    issues.push({ path: pathAt(parent, key), message: problem(value) });
    return INVALID;
  }
  if (n < INT32_MIN || n > INT32_MAX) {
    issues.push({ path: pathAt(parent, key), message: problem(value, ` (${INT32_MIN} to ${INT32_MAX})`) });
    return INVALID;
  }
  return n === 0 ? 0 : n; // -0 is 0
};

/**
 * @internal Reads any protobuf integer (int32, uint32, int64, uint64 and their variants) under the
 * same ProtoJSON rules as {@link readInt32}: a JSON number or a string in exact JSON number syntax,
 * whole, within `min`..`max`. Returns the exact value as a bigint, so 64-bit values keep every digit.
 */
export const readInteger = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  typeName: string,
  min: bigint,
  max: bigint,
): bigint | Invalid => {
  let n: bigint | undefined;
  if (typeof value === 'number') {
    // A JSON number beyond 2^53 has already lost digits; it is taken as the double it became.
    if (Number.isInteger(value)) n = BigInt(value);
  } else if (typeof value === 'string') {
    const literal = scanNumberLiteral(value);
    if (literal !== undefined && isIntegralLiteral(literal)) n = integerOfLiteral(literal);
  }
  if (n === undefined) {
    issues.push({ path: pathAt(parent, key), message: `expected an ${typeName}, got ${describe(value)}` });
    return INVALID;
  }
  if (n < min || n > max) {
    issues.push({ path: pathAt(parent, key), message: `expected an ${typeName} (${min} to ${max}), got ${describe(value)}` });
    return INVALID;
  }
  return n;
};

/** The exact integer a whole JSON number literal denotes (its exponent may be large; the value is not). */
const integerOfLiteral = (literal: NumberLiteral): bigint => {
  const { negative, fraction } = literal;
  const { digits } = significandOf(literal);
  if (digits === '') return 0n;
  const scale = literal.exponent - fraction.length;
  // Beyond 40 digits no 64-bit integer fits: say so rather than build a huge number.
  if (digits.length + scale > 40) return negative ? -(10n ** 40n) : 10n ** 40n;
  const n = scale >= 0 ? BigInt(digits) * 10n ** BigInt(scale) : BigInt(digits) / 10n ** BigInt(-scale);
  return negative ? -n : n;
};

/** @internal Whether a value is an int32 as a JavaScript number. */
export const isInt32 = (u: unknown): u is number =>
  typeof u === 'number' && Number.isInteger(u) && u >= INT32_MIN && u <= INT32_MAX && !Object.is(u, -0);

export interface Int32Codec extends t.Type<number, number, unknown> {}

/**
 * io-ts codec for a protobuf `int32` in ProtoJSON: a JSON number or a string in exact JSON number
 * syntax (`"42"`, `"1e2"`, `"1.0"`), whole and within the int32 range. `1.5`, `""`, `"12abc"`,
 * `" 1"`, `"0x1"` and booleans are rejected.
 *
 * @example
 * ```ts
 * Int32Codec.decode('44'); // right(44)
 * Int32Codec.decode(1.5);  // left: expected an int32, got 1.5
 * ```
 */
export const Int32Codec: Int32Codec = codecFromReader<number, number>('Int32', isInt32, readInt32, (n) => n);
