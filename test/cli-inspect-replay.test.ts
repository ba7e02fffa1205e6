import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { describe, expect, it } from 'vitest';
import { decodeStream } from '../src/cli/input.js';
import { type ReplaySessionOptions, replaySession } from '../src/cli/inspect/replay-session.js';
import { Replayer } from '../src/cli/replay/replayer.js';
import {
  type Conversation,
  type ConversationDomainEvent,
  type ConversationName,
  evolve,
  fromMachineSnapshot,
  toMachineSnapshot,
} from '../src/index.js';
import { toMachineEvent } from '../src/machine/index.js';
import { Collect, runCli } from './cli-helpers.js';
import { repoPath } from './golden.js';
import { right } from './helpers.js';
import { connectReceiverWhenListening, freePort, inspected } from './inspector-helpers.js';
import { C1, C2, C2_NOTIFIED } from './replay-log.js';

const EXAMPLE = 'docs/examples/replay.ndjson';

/** What the replay of a log computes, by conversation: where it starts, each domain event in order, where it ends. */
const expectedOf = (text: string) => {
  const starts = new Map<string, Conversation>();
  const events = new Map<string, ConversationDomainEvent[]>();
  /** Every event of every conversation, in the order the log causes them. */
  const all: Array<[string, ConversationDomainEvent]> = [];
  const replayer = new Replayer((step) => {
    const add = (c: Conversation, list: ReadonlyArray<ConversationDomainEvent>): void => {
      for (const e of list) {
        events.get(c.name as string)?.push(e);
        all.push([c.name as string, e]);
      }
    };
    if (step.type === 'started') {
      starts.set(step.conversation.name as string, step.resource);
      events.set(step.conversation.name as string, []);
      for (const r of step.released) add(step.conversation, r.events);
    } else if (step.type === 'applied') add(step.conversation, step.events);
  });
  text.split('\n').forEach((line, i) => {
    replayer.line(line, i + 1);
  });
  replayer.finish();
  const finals = new Map(replayer.conversations().map((c) => [c.name as string, c]));
  return { starts, events, all, finals };
};

/** @statelyai/inspect hands events to its adapter on a timer: wait until `n` have come. */
const settle = async (events: ReadonlyArray<unknown>, n: number): Promise<void> => {
  for (let i = 0; i < 200 && events.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

/** Plays `log` through a replay session into a recording inspector. */
const play = async (log: string, options: Partial<ReplaySessionOptions> = {}) => {
  const recorded: StatelyInspectionEvent[] = [];
  const lines: string[] = [];
  const session = replaySession({
    input: decodeStream(Readable.from([log]), 'log.ndjson'),
    delayMs: 0,
    signal: new AbortController().signal,
    ...options,
  });
  const outcome = await session.play(createInspector({ send: (e) => recorded.push(e) }).inspect, (line) => lines.push(line));
  return { recorded, lines, outcome, title: session.title };
};

/** The records of each actor (by its name: the conversation's), in order. */
const byActor = (recorded: ReadonlyArray<StatelyInspectionEvent>): Map<string, StatelyInspectionEvent[]> => {
  const names = new Map<string, string>();
  const out = new Map<string, StatelyInspectionEvent[]>();
  for (const e of recorded) {
    if (e.type === '@xstate.actor') names.set(e.sessionId, e.name);
    const name = names.get(e.sessionId) ?? e.sessionId;
    out.set(name, [...(out.get(name) ?? []), e]);
  }
  return out;
};

/** A snapshot as the inspector shows it: through JSON, as the WebSocket inspector sends it. */
const shown = (e: StatelyInspectionEvent | undefined): { value: unknown; context: unknown } => {
  const { value, context } = JSON.parse(JSON.stringify(inspected(e)));
  return { value, context };
};

describe('inspect FILE: a replay log played into the inspector', () => {
  const text = readFileSync(repoPath(EXAMPLE), 'utf8');

  it('starts one actor per conversation from its first fetched resource, then sends every event and shows every snapshot, in order', async () => {
    const expected = expectedOf(text);
    const { recorded, outcome } = await play(text);
    const total = [...expected.events.values()].reduce((n, list) => n + 3 + 2 * list.length, 0);
    await settle(recorded, total);
    expect(outcome).toEqual({ badLines: 1 });
    const actors = byActor(recorded);
    expect([...actors.keys()]).toEqual([C1, C2]);
    for (const [name, records] of actors) {
      const events = expected.events.get(name) ?? [];
      // The actor, its start from the resource's snapshot, then an event and a snapshot per domain event.
      expect(records.map((r) => (r.type === '@xstate.event' ? `event ${r.event.type}` : r.type))).toEqual([
        '@xstate.actor',
        'event xstate.init',
        '@xstate.snapshot',
        ...events.flatMap((e) => [`event ${toMachineEvent(e)?.type}`, '@xstate.snapshot']),
      ]);
      expect(records.filter((r) => r.type === '@xstate.event').map((r) => JSON.parse(JSON.stringify(r.event)))).toEqual([
        expect.objectContaining({ type: 'xstate.init' }),
        ...events.map((e) => JSON.parse(JSON.stringify(toMachineEvent(e)))),
      ]);
      // Each snapshot is the aggregate after the same events.
      let c = expected.starts.get(name) as Conversation;
      const snapshots = [toMachineSnapshot(c)];
      for (const e of events) {
        c = evolve(c, e);
        snapshots.push(toMachineSnapshot(c));
      }
      expect(records.filter((r) => r.type === '@xstate.snapshot').map(shown)).toEqual(
        snapshots.map((s) => JSON.parse(JSON.stringify({ value: s.value, context: s.context }))),
      );
      // The last snapshot is the conversation the replay computes.
      expect(right(fromMachineSnapshot(JSON.parse(JSON.stringify(inspected(records.at(-1))))))).toEqual(expected.finals.get(name));
    }
    // Across actors, events come in the order the log causes them.
    const sessions = new Map(recorded.flatMap((r) => (r.type === '@xstate.actor' ? [[r.sessionId, r.name] as const] : [])));
    expect(
      recorded.flatMap((r) =>
        r.type === '@xstate.event' && r.event.type !== 'xstate.init' ? [`${sessions.get(r.sessionId)} ${r.event.type}`] : [],
      ),
    ).toEqual(expected.all.map(([name, e]) => `${name} ${toMachineEvent(e)?.type}`));
  });

  it('prints the timeline as it plays, then the final states', async () => {
    const { lines, title } = await play(text);
    expect(title).toBe('log.ndjson, one actor per conversation');
    const replayed = (await runCli(['replay', EXAMPLE])).stdout.trimEnd().split('\n');
    expect(lines).toEqual(replayed.filter((l) => l !== ''));
  });

  it('--conversation plays one conversation (either spelling of its name), and leaves the others out', async () => {
    const { recorded, lines, title } = await play(text, { conversation: C2_NOTIFIED as ConversationName });
    await settle(recorded, 5);
    expect(title).toBe(`log.ndjson, the conversation ${C2_NOTIFIED}`);
    expect([...byActor(recorded).keys()]).toEqual([C2]);
    expect(recorded.map((r) => (r.type === '@xstate.event' ? r.event.type : r.type))).toEqual([
      '@xstate.actor',
      'xstate.init',
      '@xstate.snapshot',
      'handOff.observed',
      '@xstate.snapshot',
    ]);
    expect(lines.some((l) => l.includes('c-20261123-0042'))).toBe(false);
    expect(lines.filter((l) => /^\S+\s+9\s/.test(l))).toHaveLength(1); // bad lines still show
    expect(lines.slice(-2)).toEqual(['Final state of 1 conversation:', `  ${C2}  IN_PROGRESS HUMAN_ASSIST_STAGE version=1`]);
    const absent = await play(text, { conversation: 'projects/acme-contact-center/conversations/nope' as ConversationName });
    expect(absent.recorded).toEqual([]);
    expect(absent.lines).toContain(
      'projects/acme-contact-center/conversations/nope has no fetched resource in log.ndjson: nothing to play',
    );
  });

  it('waits --delay between two steps, so a person can follow', async () => {
    const started = performance.now();
    const { title } = await play(text, { delayMs: 25 });
    // Two actors started, five events sent: six waits.
    expect(performance.now() - started).toBeGreaterThanOrEqual(6 * 25 - 5);
    expect(title).toBe('log.ndjson, one actor per conversation, a step every 25 ms');
  });

  it('stops at once on Ctrl-C, even in the middle of a wait', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const playing = play(text, { delayMs: 60_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const { lines, recorded } = await playing;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(lines.at(-1)).toBe('Stopped.');
    await settle(recorded, 3);
    expect(recorded.filter((r) => r.type === '@xstate.actor')).toHaveLength(1);
  });

  it('runs from the command line: the inspector server gets the actors, the output says where to look, exit 1 for a bad line', async () => {
    const port = await freePort();
    const controller = new AbortController();
    const stdout = new Collect();
    const run = runCli(['inspect', '--port', String(port), '--delay', '0', EXAMPLE], { signal: controller.signal, stdout });
    const receiver = await connectReceiverWhenListening(port);
    try {
      await receiver.until((events) => events.filter((e) => e.type === '@xstate.snapshot').length >= 7);
      expect(receiver.events.filter((e) => e.type === '@xstate.actor').map((e) => e.type === '@xstate.actor' && e.name)).toEqual([C1, C2]);
      const finals = expectedOf(text).finals;
      for (const [name, records] of byActor(receiver.events)) {
        expect(right(fromMachineSnapshot(inspected(records.at(-1))))).toEqual(finals.get(name));
      }
    } finally {
      await receiver.close();
    }
    for (let i = 0; i < 100 && !stdout.text.includes('Played.'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    const { code, stderr } = await run;
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout.text).toContain(`open http://127.0.0.1:${port} in a browser`);
    expect(stdout.text).toContain(`Playing ${EXAMPLE}, one actor per conversation:\n  TIME `);
    expect(stdout.text).toContain(`\n  Final state of 2 conversations:\n    ${C1}  COMPLETED HUMAN_ASSIST_STAGE version=4`);
    expect(stdout.text).toMatch(/Played\. The actors stay in the inspector until you stop with Ctrl-C\.\n$/);
  });

  it('reads standard input for FILE "-", and exits 0 once stopped when every line played', async () => {
    const port = await freePort();
    const controller = new AbortController();
    const stdout = new Collect();
    const log = text.split('\n').slice(0, 7).join('\n');
    const run = runCli(['inspect', '--port', String(port), '--delay', '0', '-'], { signal: controller.signal, stdout, stdin: log });
    for (let i = 0; i < 200 && !stdout.text.includes('Played.'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    expect(await run).toMatchObject({ code: 0, stderr: '' });
    expect(stdout.text).toContain('Playing <stdin>, one actor per conversation:');
    expect(stdout.text).toContain(`    ${C1}  COMPLETED HUMAN_ASSIST_STAGE version=3`);
  });

  it.each([
    [['inspect', '--delay', '0'], 'inspect: --delay is for a replay log: give a FILE, or leave --delay out for the built-in scenario'],
    [
      ['inspect', '--conversation', C1],
      'inspect: --conversation is for a replay log: give a FILE, or leave --conversation out for the built-in scenario',
    ],
    [['inspect', '--delay', 'soon', EXAMPLE], 'inspect: --delay takes a whole number from 0 to 60000, got "soon"'],
    [
      ['inspect', '--conversation', 'c-42', EXAMPLE],
      'inspect: --conversation takes a conversation name like projects/P/conversations/C, got "c-42"',
    ],
    [['inspect', 'nope.ndjson'], 'inspect: cannot read nope.ndjson: no such file (ENOENT); check the path (or use - for standard input)'],
    [['inspect', EXAMPLE, EXAMPLE], 'inspect takes at most one FILE: see dialogflow-conversation inspect --help'],
  ])('refuses %j with exit 2 and one line, before starting anything', async (argv, message) => {
    expect(await runCli(argv)).toEqual({ code: 2, stdout: '', stderr: `dialogflow-conversation: ${message}\n` });
  });
});
