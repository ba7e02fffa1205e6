import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Bench } from 'tinybench';

/** A function to time; tinybench keeps its result from the optimiser. */
export type Case = () => unknown;

/**
 * Times several cases side by side in one process with tinybench: rounds of all cases in turn (so
 * drift and noise hit all alike), each with warm-up, per-call samples with the timer's own overhead
 * subtracted, and the median of the per-round medians as the result. Nanoseconds per call, by name.
 *
 * (mitata was tried first: its sampling loop left V8 pretenuring this library's allocation sites,
 * which moved every later allocation into the old generation and multiplied times by up to 6 for
 * the rest of the process; tinybench's loop does not, and neither does a plain loop.)
 */
export const medians = async (
  cases: Record<string, Case>,
  options: { rounds: number; timeMs: number },
): Promise<Record<string, number>> => {
  const perRound: Record<string, number[]> = {};
  for (let round = 0; round < options.rounds; round++) {
    const bench = new Bench({
      time: options.timeMs,
      warmupTime: Math.max(20, options.timeMs / 3),
      subtractTimerOverhead: true,
      timestampProvider: 'hrtimeNow',
    });
    for (const [name, fn] of Object.entries(cases)) bench.add(name, fn);
    await bench.run();
    for (const task of bench.tasks) {
      const p50 = task.result.state === 'completed' ? task.result.latency.p50 : Number.NaN;
      perRound[task.name] = [...(perRound[task.name] ?? []), p50 * 1e6];
    }
  }
  return Object.fromEntries(Object.entries(perRound).map(([name, values]) => [name, median(values)]));
};

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
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
