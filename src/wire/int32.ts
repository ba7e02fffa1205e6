import type * as t from 'io-ts';
import { describe, type IssueSink, type Path } from './issue.js';
import { codecFromReader, INVALID, type Invalid, pathAt } from './reader.js';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** JSON number syntax, exactly: no spaces, no `+`, no hex, no leading zeros, nothing trailing. */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Whether a JSON number literal denotes a whole number, decided on its digits rather than on a
 * double, so `"1.0000000000000001"` is not mistaken for 1.
 */
const isIntegralLiteral = (integer: string, fraction: string, exponent: string): boolean => {
  const significand = `${integer}${fraction}`.replace(/^0+/, '');
  if (significand === '') return true; // zero, whatever its exponent
  const trailingZeros = significand.length - significand.replace(/0+$/, '').length;
  // value = significand × 10^(exponent − fraction.length); whole when the negative power is covered
  // by trailing zeros. Exponents too long for a double are compared as big integers.
  const scale = BigInt(exponent === '' ? 0 : exponent) - BigInt(fraction.length);
  return scale + BigInt(trailingZeros) >= 0n;
};

const problem = (value: unknown, detail = ''): string => `expected an int32${detail}, got ${describe(value)}`;

/**
 * @internal The whole number a quoted ProtoJSON number denotes (`"42"`, `"1e2"`, `"1.0"`), or
 * `undefined` when the text is not a whole number in exact JSON number syntax. Not range-checked.
 */
export const wholeNumberOfText = (text: string): number | undefined => {
  const match = JSON_NUMBER.exec(text);
  return match === null || !isIntegralLiteral(match[1] ?? '', match[2] ?? '', match[3] ?? '') ? undefined : Number(text);
};

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
    const match = JSON_NUMBER.exec(value);
    if (match !== null && isIntegralLiteral(match[1] ?? '', match[2] ?? '', match[3] ?? '')) n = integerOfLiteral(match);
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
const integerOfLiteral = (match: RegExpExecArray): bigint => {
  const [literal, integer = '', fraction = '', exponent = ''] = match;
  const negative = literal.startsWith('-');
  const digits = `${integer}${fraction}`.replace(/^0+/, '');
  if (digits === '') return 0n;
  const scale = Number(exponent === '' ? 0 : exponent) - fraction.length;
  // Beyond 40 digits no 64-bit integer fits: say so rather than build a huge number.
  if (digits.length + scale > 40) return negative ? -(10n ** 40n) : 10n ** 40n;
  const n = scale >= 0 ? BigInt(digits) * 10n ** BigInt(scale) : BigInt(digits) / 10n ** BigInt(-scale);
  return negative ? -n : n;
};

const isInt32 = (u: unknown): u is number =>
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
