import { describe, expect, it } from 'vitest';
import { runBenchmarks } from './bench/run.js';

describe('the benchmark suite', () => {
  // Timings are never asserted here (they belong to `npm run bench`); this only checks that the
  // script still runs end to end and reports every comparison.
  it('runs on a tiny input and reports every path', async () => {
    const lines: string[] = [];
    const rows = await runBenchmarks({ tiny: true, report: undefined, log: (line) => lines.push(line) });
    expect(new Set(rows.map((r) => r.path))).toEqual(
      new Set(['parse', 'stringify', 'notify', 'errors', 'commands', 'memory', 'cli', 'store']),
    );
    for (const row of rows) {
      expect(row.oursNs).toBeGreaterThan(0);
      expect(row.otherNs).toBeGreaterThan(0);
      expect(Number.isFinite(row.ratio)).toBe(true);
    }
    expect(lines).toHaveLength(rows.length);
  });
});
