import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Bench } from 'tinybench';

/** A function to time; tinybench keeps its result from the optimiser. */
export type Case = () => unknown;

/** One case's time per call over the rounds, in nanoseconds: the fastest round and the median round. */
export interface Timing {
  readonly min: number;
  readonly median: number;
}

/**
 * Times several cases side by side in one process with tinybench: rounds of all cases in turn (so
 * drift and noise hit all alike; the order of the cases rotates from round to round), each with
 * warm-up, per-call samples with the timer's own overhead subtracted. Each round gives a case its
 * median per call; the result is the minimum and the median of those over the rounds.
 *
 * (mitata was tried first: its sampling loop left V8 pretenuring this library's allocation sites,
 * which moved every later allocation into the old generation and multiplied times by up to 6 for
 * the rest of the process; tinybench's loop does not, and neither does a plain loop.)
 */
export const timings = async (
  cases: Record<string, Case>,
  options: { rounds: number; timeMs: number },
): Promise<Record<string, Timing>> => {
  const perRound: Record<string, number[]> = {};
  const names = Object.keys(cases);
  for (let round = 0; round < options.rounds; round++) {
    const bench = new Bench({
      time: options.timeMs,
      warmupTime: Math.max(20, options.timeMs / 3),
      subtractTimerOverhead: true,
      timestampProvider: 'hrtimeNow',
    });
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length] as string;
      bench.add(name, cases[name] as Case);
    }
    await bench.run();
    for (const task of bench.tasks) {
      const p50 = task.result.state === 'completed' ? task.result.latency.p50 : Number.NaN;
      perRound[task.name] = [...(perRound[task.name] ?? []), p50 * 1e6];
    }
  }
  return Object.fromEntries(Object.entries(perRound).map(([name, values]) => [name, { min: Math.min(...values), median: median(values) }]));
};

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** A case that goes through `inputs` in turn, one per call, so that no input is timed alone. */
export const cycling = <I>(inputs: ReadonlyArray<I>, work: (input: I) => unknown): Case => {
  let i = 0;
  return () => {
    const input = inputs[i] as I;
    i = i + 1 === inputs.length ? 0 : i + 1;
    return work(input);
  };
};

/** A full garbage collection, available whether or not node was started with --expose-gc. */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
})();

/** Bytes retained per item by what `build` makes from each input, measured after full GCs. */
export const retainedBytesPerItem = <I>(inputs: ReadonlyArray<I>, build: (input: I) => unknown): number => {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  let held: unknown[] | null = inputs.map(build);
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  const bytes = (after - before) / inputs.length;
  held.length = 0;
  held = null;
  return bytes;
};
