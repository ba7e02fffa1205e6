import { describe, expect, it } from 'vitest';
import { spawnNode } from './cli-helpers.js';

describe('npm start: the whole loop (docs/examples/loop.mjs)', () => {
  it("runs the emulator, Google's client, the gateway and a backend on the store (PGlite), prints a timeline, and ends with the backend agreeing with the emulator", async () => {
    const started = Date.now();
    const { output, closed } = spawnNode(['docs/examples/loop.mjs']);
    expect(await closed).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    const { stdout, stderr } = output;
    expect(stderr).toBe('');
    expect(stdout).toMatch(/\nThe backend agrees with the emulator\.\n$/);
    // Both checks, each conversation agreeing.
    const checks = stdout.split('── Check ').slice(1);
    expect(checks.map((c) => c.split('\n')[0])).toEqual([
      "after a day: 6 conversations in the emulator, 6 in the backend's store, 0 event(s) left in its outbox",
      // The store keeps the three conversations Dialogflow purged: the backend's record.
      "at the end: 4 conversations in the emulator, 7 in the backend's store, 0 event(s) left in its outbox",
    ]);
    for (const check of checks) {
      const rows =
        check
          .split('\n──')[0]
          ?.split('\n')
          .slice(1)
          .filter((l) => l.trim() !== '') ?? [];
      expect(rows.every((row) => row.endsWith('  agrees'))).toBe(true);
    }
    // What the script is about: each shows in the timeline.
    for (const step of [
      'created again: it existed, made by the same request',
      'first seen in a notification: fetched',
      '503 (Pub/Sub will redeliver)',
      'not acknowledged: again in',
      'UNRECOVERABLE_ERROR',
      '(ConversationErrorRecorded)',
      'injected UNAVAILABLE (14)',
      'complete: UNAVAILABLE, transient: again in 100 ms',
      'auto-completed: in progress 24 hours after its start',
      'swept →',
      '[a duplicate delivery]',
      'purged: completed 30 days ago',
      'gone from Dialogflow (NOT_FOUND)',
      "purged from Dialogflow, kept as the backend's record  agrees",
      // The store's outbox publishes every change's events.
      'published ConversationCreated (event #1)',
      'published ConversationErrorRecorded',
      ': duplicate, acknowledged',
    ]) {
      expect(stdout, step).toContain(step);
    }
  });
});
