import * as E from 'fp-ts/lib/Either.js';
import { type Timestamp, timestampFromEpoch, timestampToEpoch } from './core.js';

const NANOS = 1_000_000_000n;

/** A canonical timestamp of nanoseconds since the epoch. */
export const timestampOfNanos = (ns: bigint): Timestamp => {
  const made = timestampFromEpoch({ seconds: Number(ns / NANOS), nanos: Number(ns % NANOS) });
  // Emulated time stays within years 1 to 9999: `advance` refuses anything that would leave them.
  if (E.isLeft(made)) throw new RangeError(made.left.message);
  return made.right;
};

/** Nanoseconds since the epoch of a canonical timestamp. */
export const nanosOfTimestamp = (ts: Timestamp): bigint => {
  const { seconds, nanos } = timestampToEpoch(ts);
  return BigInt(seconds) * NANOS + BigInt(nanos);
};

/** The most the clock moves in one step: 400 days, beyond any of Dialogflow's deadlines. */
export const MAX_ADVANCE_SECONDS = 400 * 86_400;

/**
 * The emulated clock: real time, to the nanosecond (the wall clock at start, then the monotonic
 * clock), plus whatever `advance` added. Dialogflow's deadlines (24 hours, 30 days) are read on it.
 */
export class EmulatedClock {
  private readonly startNs: bigint;
  private readonly startHr = process.hrtime.bigint();
  private offsetNs = 0n;

  /** @param start The emulated time to start at, in nanoseconds since the epoch (default: the wall clock's). */
  constructor(start?: bigint) {
    this.startNs = start ?? BigInt(Date.now()) * 1_000_000n;
  }

  /** Now, in nanoseconds since the epoch. */
  nowNanos(): bigint {
    return this.startNs + (process.hrtime.bigint() - this.startHr) + this.offsetNs;
  }

  now(): Timestamp {
    return timestampOfNanos(this.nowNanos());
  }

  /** Moves the clock forward by `seconds` (fractions allowed, to the nanosecond). */
  advance(seconds: unknown): E.Either<string, Timestamp> {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_ADVANCE_SECONDS) {
      return E.left(
        `seconds: expected a number from 0 to ${MAX_ADVANCE_SECONDS} (400 days), got ${JSON.stringify(seconds) ?? String(seconds)}`,
      );
    }
    const delta = BigInt(Math.round(seconds * 1e9));
    const then = this.nowNanos() + delta + 3_600n * NANOS;
    // An hour's margin, so that the clock running on cannot leave the range either.
    if (E.isLeft(timestampFromEpoch({ seconds: Number(then / NANOS), nanos: 0 }))) {
      return E.left('seconds: the clock would pass 9999-12-31T23:59:59Z, the last time a Timestamp holds');
    }
    this.offsetNs += delta;
    return E.right(this.now());
  }
}
