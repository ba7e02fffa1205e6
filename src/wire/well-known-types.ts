import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { type DecodeError, decodeError } from './decode-error.js';
import { describe, type IssueSink, type Path } from './issue.js';
import { codecFromReader, INVALID, type Invalid, pathAt, runReader } from './reader.js';

/**
 * The well-known types whose ProtoJSON form is a string: `google.protobuf.Timestamp` (RFC 3339) and
 * `google.protobuf.Duration` (`"1.5s"`), read and written here, with one fraction formatter.
 */

export interface TimestampBrand {
  readonly Timestamp: unique symbol;
}

/**
 * A `google.protobuf.Timestamp` in its canonical ProtoJSON form: RFC 3339 in UTC (`Z`), with 0, 3,
 * 6 or 9 fractional digits, the fewest that keep the value exact. Held as that string, so the
 * nanoseconds are kept and an aggregate costs no more memory than the JSON it came from.
 */
export type Timestamp = t.Branded<string, TimestampBrand>;

/** A timestamp as seconds and nanoseconds since the Unix epoch, like `google.protobuf.Timestamp`. */
export interface EpochTime {
  readonly seconds: number;
  readonly nanos: number;
}

const SECONDS_PER_DAY = 86_400;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
};

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (isLeapYear(year) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;

/** Earliest and latest instants ProtoJSON allows: 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
const MIN_SECONDS = daysFromCivil(1, 1, 1) * SECONDS_PER_DAY;
const MAX_SECONDS = daysFromCivil(9999, 12, 31) * SECONDS_PER_DAY + SECONDS_PER_DAY - 1;

const RANGE = '0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z';

/** Reads `count` decimal digits at `at`; -1 when any is not a digit. */
const digits = (s: string, at: number, count: number): number => {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 48;
    // charCodeAt past the end is NaN, which fails both comparisons.
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
};

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** How many fraction digits ProtoJSON emits for `nanos` (0 to 999999999): none, 3, 6 or 9, the fewest that are exact. */
const fractionWidth = (nanos: number): number => (nanos === 0 ? 0 : nanos % 1_000_000 === 0 ? 3 : nanos % 1_000 === 0 ? 6 : 9);

/** The digits of `nanos` in `width` digits (see {@link fractionWidth}). */
const fractionDigits = (nanos: number, width: number): number => (width === 3 ? nanos / 1_000_000 : width === 6 ? nanos / 1_000 : nanos);

/** The fraction ProtoJSON emits for `nanos`: `""` or a point and its digits. */
const formatFraction = (nanos: number): string => {
  const width = fractionWidth(nanos);
  return width === 0 ? '' : `.${pad(fractionDigits(nanos, width), width)}`;
};

/** The characters of a timestamp being formatted; made into one flat string at once. */
const chars = new Uint16Array(30);

/** Writes `n` (a whole number below 2^31) in `width` decimal digits at `at`, by integer arithmetic. */
const putDigits = (at: number, n: number, width: number): void => {
  let v = n | 0;
  for (let i = at + width - 1; i >= at; i--) {
    const q = (v / 10) | 0;
    chars[i] = 48 + v - q * 10;
    v = q;
  }
};

/**
 * The `length` characters in `chars` as one flat string, a timestamp's 20, 24, 27 or 30: each
 * passed by itself, which V8 does several times faster than `apply` on an array.
 */
// biome-ignore format: the characters ten to a line
const charsText = (length: number): string => {
  const c = chars;
  switch (length) {
    case 20:
      return String.fromCharCode(
        c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!,
        c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, c[19]!,
      );
    case 24:
      return String.fromCharCode(
        c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!,
        c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, c[19]!,
        c[20]!, c[21]!, c[22]!, c[23]!,
      );
    case 27:
      return String.fromCharCode(
        c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!,
        c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, c[19]!,
        c[20]!, c[21]!, c[22]!, c[23]!, c[24]!, c[25]!, c[26]!,
      );
    default:
      return String.fromCharCode(
        c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!,
        c[10]!, c[11]!, c[12]!, c[13]!, c[14]!, c[15]!, c[16]!, c[17]!, c[18]!, c[19]!,
        c[20]!, c[21]!, c[22]!, c[23]!, c[24]!, c[25]!, c[26]!, c[27]!, c[28]!, c[29]!,
      );
  }
};

/** The day whose date (`YYYY-MM-DDT`) `chars` holds: timestamps that follow one another mostly share it. */
let charsDay = Number.NaN;

/** Formats seconds and nanoseconds since the epoch canonically; the caller has checked the range. */
const formatEpoch = (seconds: number, nanos: number): Timestamp => {
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const secondOfDay = seconds - days * SECONDS_PER_DAY;
  if (days !== charsDay) {
    // civil_from_days (H. Hinnant)
    const z = days + 719_468;
    const era = Math.floor(z / 146_097);
    const dayOfEra = z - era * 146_097;
    const yearOfEra = Math.floor(
      (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
    );
    const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
    const mp = Math.floor((5 * dayOfYear + 2) / 153);
    const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    putDigits(0, year, 4);
    chars[4] = 45; // -
    putDigits(5, month, 2);
    chars[7] = 45;
    putDigits(8, day, 2);
    chars[10] = 84; // T
    charsDay = days;
  }
  putDigits(11, Math.floor(secondOfDay / 3600), 2);
  chars[13] = 58; // :
  putDigits(14, Math.floor((secondOfDay % 3600) / 60), 2);
  chars[16] = 58;
  putDigits(17, secondOfDay % 60, 2);
  let length = 19;
  const width = fractionWidth(nanos);
  if (width !== 0) {
    chars[19] = 46; // .
    putDigits(20, fractionDigits(nanos, width), width);
    length = 20 + width;
  }
  chars[length++] = 90; // Z
  // One flat string; a template literal would make a rope of a dozen pieces, which an aggregate
  // would then hold (several hundred bytes instead of ~40).
  return charsText(length) as Timestamp;
};

const EXAMPLE = '2026-11-23T10:15:30Z';

const why = (message: string): { readonly why: string } => ({ why: message });

const syntaxProblem = (s: string): string => `expected an RFC 3339 timestamp such as ${EXAMPLE}, got ${describe(s)}`;

/**
 * Parses an RFC 3339 timestamp (strict profile) into its canonical form, or says why it is not one
 * (a message: the caller records it where the value is). A canonical input is returned as the very
 * same string.
 */
const parse = (s: string): Timestamp | { readonly why: string } => {
  const n = s.length;
  if (n < 19) return why(syntaxProblem(s));
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (
    year < 0 ||
    month < 0 ||
    day < 0 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  ) {
    return why(syntaxProblem(s));
  }
  if (s.charCodeAt(10) !== 84 /* T */) {
    return why(
      s[10] === 't' || s[10] === ' ' ? `expected an uppercase "T" between date and time (RFC 3339), got ${describe(s)}` : syntaxProblem(s),
    );
  }
  let at = 19;
  let fractionDigits = 0;
  let nanos = 0;
  if (s.charCodeAt(at) === 46 /* . */) {
    at++;
    const start = at;
    while (at < n) {
      const d = s.charCodeAt(at) - 48;
      if (!(d >= 0 && d <= 9)) break;
      if (at - start < 9) nanos = nanos * 10 + d;
      at++;
    }
    fractionDigits = at - start;
    if (fractionDigits === 0) return why(syntaxProblem(s));
    if (fractionDigits > 9) {
      return why(`expected at most 9 fractional digits (nanoseconds), got ${fractionDigits} in ${describe(s)}`);
    }
    for (let k = fractionDigits; k < 9; k++) nanos *= 10;
  }
  let offsetMinutes = 0;
  const sign = s.charCodeAt(at);
  if (sign === 90 /* Z */) {
    at++;
  } else if (sign === 43 /* + */ || sign === 45 /* - */) {
    const offsetHour = digits(s, at + 1, 2);
    const offsetMinute = digits(s, at + 4, 2);
    if (offsetHour < 0 || offsetMinute < 0 || s.charCodeAt(at + 3) !== 58 || at + 6 > n) return why(syntaxProblem(s));
    if (offsetHour > 23 || offsetMinute > 59) return why(`expected a UTC offset between -23:59 and +23:59, got ${describe(s)}`);
    offsetMinutes = (sign === 45 ? -1 : 1) * (offsetHour * 60 + offsetMinute);
    at += 6;
  } else if (at === n) {
    return why(`expected a UTC offset (Z or ±hh:mm) at the end of ${describe(s)}`);
  } else if (sign === 122 /* z */) {
    return why(`expected an uppercase "Z" (RFC 3339), got ${describe(s)}`);
  } else {
    return why(syntaxProblem(s));
  }
  if (at !== n) return why(syntaxProblem(s));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return why(`${s.slice(0, 10)} is not a date in the calendar, in ${describe(s)}`);
  }
  if (second === 60) return why(`leap seconds (:60) are not allowed, got ${describe(s)}`);
  if (hour > 23 || minute > 59 || second > 59) {
    return why(`${s.slice(11, 19)} is not a time of day, in ${describe(s)}`);
  }
  // Already canonical: UTC, in range, and 0/3/6/9 digits with no removable trailing zero group.
  if (
    offsetMinutes === 0 &&
    sign === 90 &&
    year >= 1 &&
    (fractionDigits === 0 ||
      (fractionDigits === 3 && nanos !== 0) ||
      (fractionDigits === 6 && nanos % 1_000_000 !== 0) ||
      (fractionDigits === 9 && nanos % 1_000 !== 0))
  ) {
    return s as Timestamp;
  }
  // In UTC (`Z`, `+00:00`), only the fraction changes (`.000Z`, `.120000Z`): the date and time stay as written.
  if (offsetMinutes === 0 && year >= 1) return [s.slice(0, 19), formatFraction(nanos), 'Z'].join('') as Timestamp;
  const seconds = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    return why(`expected a time from ${RANGE}, got ${describe(s)}`);
  }
  return formatEpoch(seconds, nanos);
};

const digitAt = (s: string, i: number): number => s.charCodeAt(i) - 48;
const isDigit = (d: number): boolean => d >= 0 && d <= 9;

/**
 * Whether `s` is already canonical: UTC, 0/3/6/9 fractional digits whose last group is not zero,
 * a real date from year 1. Dialogflow's timestamps are, so this short, unrolled check answers most
 * calls. It only ever accepts; anything else goes through the full parser, and
 * `test/timestamp.test.ts` checks that the two agree.
 */
const checkCanonical = (s: string): boolean => {
  const n = s.length;
  if (
    (n !== 20 && n !== 24 && n !== 27 && n !== 30) ||
    s.charCodeAt(n - 1) !== 90 /* Z */ ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 /* T */ ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  ) {
    return false;
  }
  const y0 = digitAt(s, 0);
  const y1 = digitAt(s, 1);
  const y2 = digitAt(s, 2);
  const y3 = digitAt(s, 3);
  const mo0 = digitAt(s, 5);
  const mo1 = digitAt(s, 6);
  const d0 = digitAt(s, 8);
  const d1 = digitAt(s, 9);
  const h0 = digitAt(s, 11);
  const h1 = digitAt(s, 12);
  const mi0 = digitAt(s, 14);
  const mi1 = digitAt(s, 15);
  const s0 = digitAt(s, 17);
  const s1 = digitAt(s, 18);
  if (
    !isDigit(y0) ||
    !isDigit(y1) ||
    !isDigit(y2) ||
    !isDigit(y3) ||
    !isDigit(mo0) ||
    !isDigit(mo1) ||
    !isDigit(d0) ||
    !isDigit(d1) ||
    !isDigit(h0) ||
    !isDigit(h1) ||
    !isDigit(mi0) ||
    !isDigit(mi1) ||
    !isDigit(s0) ||
    !isDigit(s1)
  ) {
    return false;
  }
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  if (year === 0 || month === 0 || month > 12 || day === 0 || (day > 28 && day > daysInMonth(year, month))) return false;
  if (h0 * 10 + h1 > 23 || mi0 > 5 || s0 > 5) return false;
  if (n === 20) return true;
  if (s.charCodeAt(19) !== 46 /* . */) return false;
  let lastGroup = 0;
  for (let i = 20; i < n - 1; i++) {
    const d = digitAt(s, i);
    if (!isDigit(d)) return false;
    if (i >= n - 4) lastGroup = lastGroup * 10 + d;
  }
  return lastGroup !== 0;
};

/**
 * The last text found canonical: a command's `at` is checked several times over (the command, the
 * machine's guard, then `evolve` running the machine again), and the same string answers at once.
 */
let lastCanonical = '';

const isCanonical = (s: string): boolean => {
  if (s === lastCanonical) return true;
  if (!checkCanonical(s)) return false;
  lastCanonical = s;
  return true;
};

/** @internal The fast check and the full parser, for the test that they agree. */
export const isCanonicalTimestampText = isCanonical;
/** @internal The full parser, for the test that it agrees with the fast check. */
export const parseTimestampText = (s: string): Timestamp | Invalid => {
  const result = parse(s);
  return typeof result === 'string' ? result : INVALID;
};

/** @internal Reader used by message decoders. */
export const readTimestamp = (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): Timestamp | Invalid => {
  if (typeof value !== 'string') {
    issues.push({ path: pathAt(parent, key), message: `expected an RFC 3339 timestamp string, got ${describe(value)}` });
    return INVALID;
  }
  if (isCanonical(value)) return value as Timestamp;
  const result = parse(value);
  if (typeof result === 'string') return result;
  issues.push({ path: pathAt(parent, key), message: result.why });
  return INVALID;
};

/**
 * Whether a value is a timestamp in canonical form (what {@link Timestamp} decodes to).
 *
 * @example
 * ```ts
 * isTimestamp('2026-11-23T10:15:30Z');      // true
 * isTimestamp('2026-11-23T10:15:30.000Z');  // false: canonical form has no empty fraction
 * ```
 */
export const isTimestamp = (u: unknown): u is Timestamp => typeof u === 'string' && (isCanonical(u) || parse(u) === u);

/**
 * @internal The canonical form of any valid RFC 3339 timestamp (any offset), or `undefined` when the
 * value is not one.
 */
export const canonicalTimestampOf = (u: unknown): Timestamp | undefined => {
  if (typeof u !== 'string') return undefined;
  if (isCanonical(u)) return u as Timestamp;
  const result = parse(u);
  return typeof result === 'string' ? result : undefined;
};

export interface TimestampCodec extends t.Type<Timestamp, string, unknown> {}

/**
 * io-ts codec for `google.protobuf.Timestamp` in ProtoJSON. Decodes RFC 3339 with any offset
 * (normalised to UTC, nanoseconds kept exactly); rejects impossible dates, leap seconds, a missing
 * offset, more than 9 fractional digits and instants outside year 1 to 9999. Encodes canonically.
 *
 * @example
 * ```ts
 * TimestampCodec.decode('2026-11-23T10:15:30.120+05:30'); // right('2026-11-23T04:45:30.120Z')
 * TimestampCodec.decode('2025-02-29T00:00:00Z');          // left: not a date in the calendar
 * ```
 */
export const TimestampCodec: TimestampCodec = codecFromReader<Timestamp, string>('Timestamp', isTimestamp, readTimestamp, (ts) => ts);

/**
 * Compares two canonical timestamps in time order: negative, zero or positive. `NaN` when either
 * is not a string (possible only through a cast or from JavaScript), as a comparison of invalid
 * dates gives.
 *
 * @example
 * ```ts
 * compareTimestamps(a, b) <= 0; // a is not after b
 * ```
 */
export const compareTimestamps = (a: Timestamp, b: Timestamp): number => {
  if (typeof a !== 'string' || typeof b !== 'string') return Number.NaN;
  // Canonical strings share the fixed-width `YYYY-MM-DDTHH:MM:SS` prefix; only the fraction differs.
  for (let i = 0; i < 19; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return fractionNanos(a) - fractionNanos(b);
};

const fractionNanos = (ts: string): number => {
  if (ts.charCodeAt(19) !== 46) return 0;
  let nanos = 0;
  let count = 0;
  for (let i = 20; i < ts.length - 1; i++, count++) nanos = nanos * 10 + (ts.charCodeAt(i) - 48);
  for (; count < 9; count++) nanos *= 10;
  return nanos;
};

/**
 * The seconds and nanoseconds since the Unix epoch of a canonical timestamp, as
 * `google.protobuf.Timestamp` holds them (`nanos` is never negative). `undefined` for what is
 * not a timestamp in canonical form (possible only through a cast or from JavaScript).
 *
 * @example
 * ```ts
 * timestampToEpoch(ts); // { seconds: 1795429530, nanos: 120000000 }
 * ```
 */
export const timestampToEpoch = (ts: Timestamp): EpochTime => {
  if (!isTimestamp(ts)) return undefined as unknown as EpochTime;
  const seconds =
    daysFromCivil(digits(ts, 0, 4), digits(ts, 5, 2), digits(ts, 8, 2)) * SECONDS_PER_DAY +
    digits(ts, 11, 2) * 3600 +
    digits(ts, 14, 2) * 60 +
    digits(ts, 17, 2);
  return { seconds, nanos: fractionNanos(ts) };
};

/** @internal Reads seconds and nanoseconds since the epoch (a `google.protobuf.Timestamp` object) into its canonical form. */
export const readEpochTime = (time: EpochTime, issues: IssueSink, parent: Path, key: string | number | undefined): Timestamp | Invalid => {
  const { seconds, nanos } = time;
  // The path is made only for a problem: decoding valid input joins none.
  if (!Number.isSafeInteger(seconds))
    issues.push({ path: joinAt(pathAt(parent, key), 'seconds'), message: `expected whole seconds, got ${describe(seconds)}` });
  else if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
    issues.push({ path: joinAt(pathAt(parent, key), 'nanos'), message: `expected nanos from 0 to 999999999, got ${describe(nanos)}` });
  } else if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    issues.push({ path: pathAt(parent, key), message: `expected a time from ${RANGE}, got ${seconds} seconds since the epoch` });
  } else return formatEpoch(seconds, nanos);
  return INVALID;
};

const joinAt = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/**
 * The canonical timestamp of seconds and nanoseconds since the Unix epoch, or why they are not a
 * valid `google.protobuf.Timestamp` (non-integers, nanos outside 0..999999999, or an instant outside
 * year 1 to 9999).
 *
 * @example
 * ```ts
 * timestampFromEpoch({ seconds: 0, nanos: 5 }); // right('1970-01-01T00:00:00.000000005Z')
 * ```
 */
export const timestampFromEpoch = (time: EpochTime): E.Either<DecodeError, Timestamp> => {
  const { value, issues } = runReader((t, sink, parent, key) => {
    if (typeof t === 'object' && t !== null) return readEpochTime(t as EpochTime, sink, parent, key);
    sink.push({ path: '', message: `expected { seconds, nanos }, got ${describe(t)}` });
    return INVALID;
  }, time);
  return value === INVALID ? E.left(decodeError(issues)) : E.right(value);
};

// ---------------------------------------------------------------------------------------------
// Duration

export interface DurationBrand {
  readonly Duration: unique symbol;
}

/**
 * A `google.protobuf.Duration` in its canonical ProtoJSON form: seconds with 0, 3, 6 or 9
 * fractional digits and an `s` (`"1.5s"` is written `"1.500s"`, `"-0.000000001s"`), within
 * ±315,576,000,000 seconds.
 */
export type Duration = t.Branded<string, DurationBrand>;

const DURATION_MAX_SECONDS = 315_576_000_000;

/** @internal A duration in canonical form; the caller has checked the range and that seconds and nanos share a sign. */
export const formatDuration = (seconds: number, nanos: number): Duration =>
  `${seconds < 0 || nanos < 0 ? '-' : ''}${Math.abs(seconds)}${formatFraction(Math.abs(nanos))}s` as Duration;

/**
 * Scans `[-]digits[.digits]s` by hand (no regular expression on input): the sign, the seconds and
 * the nanoseconds, or `undefined`.
 */
const scanDuration = (s: string): { readonly negative: boolean; readonly seconds: number; readonly nanos: number } | undefined => {
  const n = s.length;
  if (n < 2 || s.charCodeAt(n - 1) !== 115 /* s */) return undefined;
  let at = 0;
  const negative = s.charCodeAt(0) === 45;
  if (negative) at++;
  const start = at;
  let seconds = 0;
  while (at < n - 1) {
    const d = s.charCodeAt(at) - 48;
    if (!(d >= 0 && d <= 9)) break;
    // More digits than any valid duration has: stop counting, the range check refuses it.
    if (at - start < 13) seconds = seconds * 10 + d;
    at++;
  }
  if (at === start || at - start > 12) return at === start ? undefined : { negative, seconds: Number.POSITIVE_INFINITY, nanos: 0 };
  let nanos = 0;
  if (s.charCodeAt(at) === 46 /* . */) {
    at++;
    const fractionStart = at;
    while (at < n - 1) {
      const d = s.charCodeAt(at) - 48;
      if (!(d >= 0 && d <= 9)) return undefined;
      if (at - fractionStart >= 9) return undefined;
      nanos = nanos * 10 + d;
      at++;
    }
    const count = at - fractionStart;
    if (count === 0) return undefined;
    for (let k = count; k < 9; k++) nanos *= 10;
  }
  return at === n - 1 ? { negative, seconds, nanos } : undefined;
};

/** @internal Reader used by message decoders. */
export const readDuration = (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): Duration | Invalid => {
  const scanned = typeof value === 'string' ? scanDuration(value) : undefined;
  if (scanned === undefined) {
    issues.push({
      path: pathAt(parent, key),
      message: `expected a duration such as "1.5s" (at most 9 fractional digits), got ${describe(value)}`,
    });
    return INVALID;
  }
  if (scanned.seconds > DURATION_MAX_SECONDS) {
    issues.push({ path: pathAt(parent, key), message: `expected a duration within ±${DURATION_MAX_SECONDS}s, got ${describe(value)}` });
    return INVALID;
  }
  const sign = scanned.negative ? -1 : 1;
  return formatDuration(sign * scanned.seconds, sign * scanned.nanos);
};

/** @internal Reads seconds and nanoseconds (a `google.protobuf.Duration` object) into its canonical form. */
export const readEpochDuration = (
  time: EpochTime,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
): Duration | Invalid => {
  const { seconds, nanos } = time;
  if (
    !Number.isSafeInteger(seconds) ||
    !Number.isInteger(nanos) ||
    Math.abs(seconds) > DURATION_MAX_SECONDS ||
    Math.abs(nanos) > 999_999_999 ||
    (seconds !== 0 && nanos !== 0 && seconds < 0 !== nanos < 0)
  ) {
    issues.push({
      path: pathAt(parent, key),
      message: `expected a duration within ±${DURATION_MAX_SECONDS}s, with whole seconds and nanos of one sign, got ${describe(seconds)}s and ${describe(nanos)}ns`,
    });
    return INVALID;
  }
  return formatDuration(seconds, nanos);
};

/**
 * The seconds and nanoseconds of a canonical duration, as `google.protobuf.Duration` holds them
 * (one sign). `undefined` for what is not a duration in canonical form (possible only through a
 * cast or from JavaScript).
 */
export const durationToEpoch = (duration: Duration): EpochTime => {
  const scanned = typeof duration === 'string' ? scanDuration(duration) : undefined;
  if (scanned === undefined) return undefined as unknown as EpochTime;
  const sign = scanned.negative ? -1 : 1;
  const seconds = sign * scanned.seconds;
  const nanos = sign * scanned.nanos;
  return { seconds: seconds === 0 ? 0 : seconds, nanos: nanos === 0 ? 0 : nanos };
};

/** Whether a value is a duration in canonical form. */
export const isDuration = (u: unknown): u is Duration => {
  if (typeof u !== 'string') return false;
  const issues: IssueSink = [];
  return readDuration(u, issues, '', undefined) === u;
};

export interface DurationCodec extends t.Type<Duration, string, unknown> {}

/**
 * io-ts codec for `google.protobuf.Duration` in ProtoJSON: `"1.5s"`, `"-3s"`, up to 9 fractional
 * digits, within ±315,576,000,000 seconds; encodes canonically (`"1.500s"`).
 *
 * @example
 * ```ts
 * DurationCodec.decode('1.5s'); // right('1.500s')
 * ```
 */
export const DurationCodec: DurationCodec = codecFromReader<Duration, string>('Duration', isDuration, readDuration, (d) => d);
