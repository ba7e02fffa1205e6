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

/** @internal Reader used by message decoders. */
export const readInt32 = (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): number | Invalid => {
  let n: number;
  if (typeof value === 'number') {
    n = value;
    if (!Number.isInteger(n)) {
      issues.push({ path: pathAt(parent, key), message: problem(value) });
      return INVALID;
    }
  } else if (typeof value === 'string') {
    const match = JSON_NUMBER.exec(value);
    if (match === null || !isIntegralLiteral(match[1] ?? '', match[2] ?? '', match[3] ?? '')) {
      issues.push({ path: pathAt(parent, key), message: problem(value) });
      return INVALID;
    }
    n = Number(value);
  } else {
    issues.push({ path: pathAt(parent, key), message: problem(value) });
    return INVALID;
  }
  if (n < INT32_MIN || n > INT32_MAX) {
    issues.push({ path: pathAt(parent, key), message: problem(value, ` (${INT32_MIN} to ${INT32_MAX})`) });
    return INVALID;
  }
  return n === 0 ? 0 : n; // -0 is 0
};

const isInt32 = (u: unknown): u is number =>
  typeof u === 'number' && Number.isInteger(u) && u >= INT32_MIN && u <= INT32_MAX && !Object.is(u, -0);

export interface Int32C extends t.Type<number, number, unknown> {}

/**
 * io-ts codec for a protobuf `int32` in ProtoJSON: a JSON number or a string in exact JSON number
 * syntax (`"42"`, `"1e2"`, `"1.0"`), whole and within the int32 range. `1.5`, `""`, `"12abc"`,
 * `" 1"`, `"0x1"` and booleans are rejected.
 *
 * @example
 * ```ts
 * Int32.decode('44'); // right(44)
 * Int32.decode(1.5);  // left: expected an int32, got 1.5
 * ```
 */
export const Int32: Int32C = codecFromReader<number, number>('Int32', isInt32, readInt32, (n) => n);
