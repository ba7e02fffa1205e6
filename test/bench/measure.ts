import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { do_not_optimize, measure } from 'mitata';

/** A function to time; its result is kept from the optimiser. */
export type Case = () => unknown;

/**
 * Times several cases side by side in one process: rounds of each in turn (so drift and noise hit
 * all alike), mitata's warm-up and sampling within each, and the median of the per-round medians.
 * Returns nanoseconds per call, by case name.
 */
export const medians = async (
  cases: Record<string, Case>,
  options: { rounds: number; cpuTimeMs: number },
): Promise<Record<string, number>> => {
  const perRound: Record<string, number[]> = {};
  for (let round = 0; round < options.rounds; round++) {
    for (const [name, fn] of Object.entries(cases)) {
      const stats = await measure(() => do_not_optimize(fn()), { min_cpu_time: options.cpuTimeMs * 1e6 });
      perRound[name] = [...(perRound[name] ?? []), stats.p50];
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
