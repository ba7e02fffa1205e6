import * as fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { Timestamp } from '../src/index.js';
import { compareTimestamps, fromValidationErrors, TimestampCodec, timestampFromEpoch, timestampToEpoch } from '../src/wire/index.js';
import { left, right } from './helpers.js';

const decode = (u: unknown): string => {
  const result = TimestampCodec.decode(u);
  if (isLeft(result)) throw new Error(fromValidationErrors(result.left).message);
  return result.right;
};
const problem = (u: unknown): string => {
  const result = TimestampCodec.decode(u);
  if (isRight(result)) throw new Error(`accepted ${String(u)} as ${result.right}`);
  return fromValidationErrors(result.left).message;
};

describe('Timestamp: output is UTC with the fewest of 0, 3, 6 or 9 fractional digits', () => {
  it.each([
    ['2026-11-23T10:15:30Z', '2026-11-23T10:15:30Z'],
    ['2026-11-23T10:15:30.000Z', '2026-11-23T10:15:30Z'],
    ['2026-11-23T10:15:30.5Z', '2026-11-23T10:15:30.500Z'],
    ['2026-11-23T10:15:30.120Z', '2026-11-23T10:15:30.120Z'],
    ['2026-11-23T10:15:30.123000Z', '2026-11-23T10:15:30.123Z'],
    ['2026-11-23T10:15:30.1234Z', '2026-11-23T10:15:30.123400Z'],
    ['2026-11-23T10:15:30.123456000Z', '2026-11-23T10:15:30.123456Z'],
    ['2026-11-23T10:15:30.000000001Z', '2026-11-23T10:15:30.000000001Z'],
    ['2026-11-23T10:15:30.1234567Z', '2026-11-23T10:15:30.123456700Z'],
  ])('%s → %s', (input, canonical) => {
    expect(decode(input)).toBe(canonical);
  });

  it('returns a canonical input as the very same string', () => {
    const input = '2026-11-23T10:15:30.123456Z';
    expect(decode(input)).toBe(input);
  });
});

describe('Timestamp: offsets are applied, nanoseconds kept exactly', () => {
  it.each([
    // proto3-json-serializer reads this fraction as 123 ns; it is 123 ms.
    ['2026-11-23T10:15:30.123+05:30', '2026-11-23T04:45:30.123Z'],
    ['2026-11-23T00:15:30-08:00', '2026-11-23T08:15:30Z'],
    ['2026-12-31T23:30:00.000000001-01:00', '2027-01-01T00:30:00.000000001Z'],
    ['2026-03-01T00:00:00+00:01', '2026-02-28T23:59:00Z'],
    ['2024-03-01T00:00:00+01:00', '2024-02-29T23:00:00Z'],
    ['2026-11-23T10:15:30-00:00', '2026-11-23T10:15:30Z'],
    ['2026-11-23T10:15:30+23:59', '2026-11-22T10:16:30Z'],
  ])('%s → %s', (input, canonical) => {
    expect(decode(input)).toBe(canonical);
  });
});

describe('Timestamp: what is rejected', () => {
  it.each([
    ['2025-02-29T00:00:00Z', 'is not a date in the calendar'],
    ['2026-02-30T10:15:30Z', 'is not a date in the calendar'],
    ['1900-02-29T00:00:00Z', 'is not a date in the calendar'],
    ['2026-04-31T00:00:00Z', 'is not a date in the calendar'],
    ['2026-13-01T00:00:00Z', 'is not a date in the calendar'],
    ['2026-00-10T00:00:00Z', 'is not a date in the calendar'],
    ['2026-01-00T00:00:00Z', 'is not a date in the calendar'],
    ['2026-11-23T24:00:00Z', 'is not a time of day'],
    ['2026-11-23T10:60:00Z', 'is not a time of day'],
    ['2026-12-31T23:59:60Z', 'leap seconds'],
    ['2026-11-23T10:15:30.1234567891Z', 'at most 9 fractional digits'],
    ['2026-11-23T10:15:30', 'UTC offset'],
    ['2026-11-23T10:15:30.123', 'UTC offset'],
    ['2026-11-23t10:15:30Z', 'uppercase "T"'],
    ['2026-11-23 10:15:30Z', 'uppercase "T"'],
    ['2026-11-23T10:15:30z', 'uppercase "Z"'],
    ['2026-11-23T10:15:30+24:00', 'UTC offset between'],
    ['2026-11-23T10:15:30+05:60', 'UTC offset between'],
    ['2026-11-23T10:15:30+0530', 'RFC 3339 timestamp'],
    ['2026-11-23T10:15:30+05', 'RFC 3339 timestamp'],
    ['2026-11-23T10:15:30.Z', 'RFC 3339 timestamp'],
    ['26-11-23T10:15:30Z', 'RFC 3339 timestamp'],
    ['2026-1-23T10:15:30Z', 'RFC 3339 timestamp'],
    ['10000-01-01T00:00:00Z', 'RFC 3339 timestamp'],
    ['+2026-11-23T10:15:30Z', 'RFC 3339 timestamp'],
    ['2026-11-23T10:15:30Z ', 'RFC 3339 timestamp'],
    ['', 'RFC 3339 timestamp'],
    ['0000-12-31T23:59:59Z', 'expected a time from 0001-01-01T00:00:00Z'],
    ['0001-01-01T00:30:00+01:00', 'expected a time from 0001-01-01T00:00:00Z'],
    ['9999-12-31T23:00:00-01:00', 'expected a time from 0001-01-01T00:00:00Z'],
  ])('%s: %s', (input, message) => {
    expect(problem(input)).toContain(message);
  });

  it.each([[0], [1_700_000_000], [null], [true], [{}], [['2026-11-23T10:15:30Z']]])('rejects the non-string %j', (u) => {
    expect(problem(u)).toContain('expected an RFC 3339 timestamp string');
  });

  it('accepts the ends of the range', () => {
    expect(decode('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00Z');
    expect(decode('9999-12-31T23:59:59.999999999Z')).toBe('9999-12-31T23:59:59.999999999Z');
    expect(decode('0000-12-31T23:00:00-01:00')).toBe('0001-01-01T00:00:00Z');
    expect(problem('9999-12-31T23:30:00-01:00')).toContain('expected a time from');
    expect(problem('0001-01-01T00:30:00+01:00')).toContain('expected a time from');
  });

  it.each([
    ['2026-03-01T02:06:07+05:30', '2026-02-28T20:36:07Z'],
    ['2024-03-01T02:06:07+05:30', '2024-02-29T20:36:07Z'],
    ['2024-02-28T22:00:00-03:00', '2024-02-29T01:00:00Z'],
    ['2023-02-28T22:00:00-03:00', '2023-03-01T01:00:00Z'],
    ['2026-01-01T02:06:07.120+05:30', '2025-12-31T20:36:07.120Z'],
    ['2025-12-31T22:06:07.000-05:00', '2026-01-01T03:06:07Z'],
    ['2026-04-30T23:59:59.999999999-00:01', '2026-05-01T00:00:59.999999999Z'],
    ['2026-11-23T10:15:30.100000+00:00', '2026-11-23T10:15:30.100Z'],
  ])('moves %s across a day, a month or a year: %s', (text, canonical) => {
    expect(decode(text)).toBe(canonical);
  });
});

describe('Timestamp: comparing and converting', () => {
  it('compares in time order, fractions included', () => {
    const t = (s: string) => decode(s) as Timestamp;
    expect(compareTimestamps(t('2026-11-23T10:15:30Z'), t('2026-11-23T10:15:30.000000001Z'))).toBeLessThan(0);
    expect(compareTimestamps(t('2026-11-23T10:15:30.5Z'), t('2026-11-23T10:15:30.499999999Z'))).toBeGreaterThan(0);
    expect(compareTimestamps(t('2026-11-23T10:15:30.1Z'), t('2026-11-23T10:15:30.100000Z'))).toBe(0);
    expect(compareTimestamps(t('0999-01-01T00:00:00Z'), t('1000-01-01T00:00:00Z'))).toBeLessThan(0);
  });

  it('converts to and from seconds and nanos since the epoch', () => {
    expect(timestampToEpoch(decode('1970-01-01T00:00:00Z') as Timestamp)).toEqual({ seconds: 0, nanos: 0 });
    expect(timestampToEpoch(decode('1969-12-31T23:59:59.5Z') as Timestamp)).toEqual({ seconds: -1, nanos: 500_000_000 });
    expect(right(timestampFromEpoch({ seconds: 0, nanos: 5 }))).toBe('1970-01-01T00:00:00.000000005Z');
    expect(right(timestampFromEpoch({ seconds: -62_135_596_800, nanos: 0 }))).toBe('0001-01-01T00:00:00Z');
    expect(right(timestampFromEpoch({ seconds: 253_402_300_799, nanos: 999_999_999 }))).toBe('9999-12-31T23:59:59.999999999Z');
    expect(left(timestampFromEpoch({ seconds: 253_402_300_800, nanos: 0 })).errors).toEqual([
      {
        path: '',
        message: 'expected a time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, got 253402300800 seconds since the epoch',
      },
    ]);
    expect(left(timestampFromEpoch({ seconds: 1, nanos: 1_000_000_000 })).errors[0]?.path).toBe('nanos');
    expect(left(timestampFromEpoch({ seconds: 1.5, nanos: 0 })).errors[0]?.path).toBe('seconds');
    expect(left(timestampFromEpoch({ seconds: 1, nanos: -1 })).errors[0]?.path).toBe('nanos');
  });
});

/** Any instant in range, as seconds and nanos. */
const instant = fc.record({
  seconds: fc.integer({ min: -62_135_596_800, max: 253_402_300_799 }),
  nanos: fc.integer({ min: 0, max: 999_999_999 }),
});

describe('Timestamp: properties', () => {
  it('epoch → canonical → epoch is the identity, and canonical text decodes to itself', () => {
    fc.assert(
      fc.property(instant, (time) => {
        const ts = right(timestampFromEpoch(time));
        expect(typeof ts).toBe('string');
        expect(timestampToEpoch(ts)).toEqual(time);
        expect(decode(ts)).toBe(ts);
      }),
      { numRuns: 2000 },
    );
  });

  it('the same instant written with any offset and any fraction padding decodes to one canonical form', () => {
    fc.assert(
      fc.property(
        fc.record({
          seconds: fc.integer({ min: -62_135_596_800 + 86_400, max: 253_402_300_799 - 86_400 }),
          nanos: fc.integer({ min: 0, max: 999_999_999 }),
        }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        fc.integer({ min: 0, max: 9 }),
        (time, offsetMinutes, extraDigits) => {
          const canonical = right(timestampFromEpoch(time));
          const local = timestampToEpoch(right(timestampFromEpoch({ seconds: time.seconds + offsetMinutes * 60, nanos: 0 })));
          const localText = right(timestampFromEpoch({ seconds: local.seconds, nanos: 0 })).slice(0, 19);
          const fraction = String(time.nanos).padStart(9, '0');
          const digits = Math.max(extraDigits, fraction.replace(/0+$/, '').length);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          const text = `${localText}${digits > 0 ? `.${fraction.slice(0, digits)}` : ''}${offset}`;
          expect(decode(text)).toBe(canonical);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('order of canonical timestamps is the order of their instants', () => {
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const expected = Math.sign(a.seconds - b.seconds || a.nanos - b.nanos);
        const got = Math.sign(compareTimestamps(right(timestampFromEpoch(a)), right(timestampFromEpoch(b))));
        expect(got).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
