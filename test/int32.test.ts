import { describe, expect, it } from 'vitest';
import { Int32Codec } from '../src/wire/index.js';
import { left, right, viaCodec } from './helpers.js';

describe('Int32: ProtoJSON accepts numbers and numeric strings, whole and in range', () => {
  it.each([
    [44, 44],
    [-7, -7],
    [1.0, 1],
    ['44', 44],
    ['-7', -7],
    ['0', 0],
    ['1e2', 100],
    ['1E2', 100],
    ['1.0', 1],
    ['1.50e1', 15],
    ['12e-1', undefined],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
    [2147483647, 2147483647],
    [-2147483648, -2147483648],
    ['0e999999999999999999', 0],
    [-0, 0],
  ])('%j → %j', (input, expected) => {
    if (expected === undefined) {
      expect(left(viaCodec(Int32Codec, input)).message).toContain('expected an int32');
    } else {
      expect(Object.is(right(viaCodec(Int32Codec, input)), expected)).toBe(true);
    }
  });

  it.each([
    [1.5, 'expected an int32, got 1.5'],
    ['1.5', 'expected an int32, got "1.5"'],
    ['', 'expected an int32, got ""'],
    [' 1', 'expected an int32, got " 1"'],
    ['1 ', 'expected an int32, got "1 "'],
    ['+1', 'expected an int32, got "+1"'],
    ['0x1F', 'expected an int32, got "0x1F"'],
    ['01', 'expected an int32, got "01"'],
    ['12abc', 'expected an int32, got "12abc"'],
    ['1.', 'expected an int32, got "1."'],
    ['.5', 'expected an int32, got ".5"'],
    ['1e', 'expected an int32, got "1e"'],
    ['NaN', 'expected an int32, got "NaN"'],
    ['Infinity', 'expected an int32, got "Infinity"'],
    ['1.0000000000000001', 'expected an int32, got "1.0000000000000001"'],
    ['1e-400', 'expected an int32, got "1e-400"'],
    [true, 'expected an int32, got true'],
    [null, 'expected an int32, got null'],
    [Number.NaN, 'expected an int32, got NaN'],
    [Number.POSITIVE_INFINITY, 'expected an int32, got Infinity'],
    [2147483648, 'expected an int32 (-2147483648 to 2147483647), got 2147483648'],
    ['-2147483649', 'expected an int32 (-2147483648 to 2147483647), got "-2147483649"'],
    ['1e400', 'expected an int32 (-2147483648 to 2147483647), got "1e400"'],
    ['3e9', 'expected an int32 (-2147483648 to 2147483647), got "3e9"'],
  ])('rejects %j', (input, message) => {
    expect(left(viaCodec(Int32Codec, input)).message).toBe(message);
  });

  it('encodes as a JSON number', () => {
    expect(Int32Codec.encode(44)).toBe(44);
    expect(Int32Codec.is(44)).toBe(true);
    expect(Int32Codec.is(1.5)).toBe(false);
    expect(Int32Codec.is('44')).toBe(false);
  });
});
