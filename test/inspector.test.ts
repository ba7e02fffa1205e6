import { createInspector, createWebSocketInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import { describe, expect, it } from 'vitest';
import { createActor, type InspectionEvent, type Observer } from 'xstate';
import { conversationMachine } from '../machines/conversation.machine.js';
import { handOff, parseConversation, toMachineSnapshot } from '../src/index.js';
import { right } from './helpers.js';
import { connectReceiver, freePort, inspected } from './inspector-helpers.js';

const INPUT = {
  name: 'projects/acme/conversations/c-1',
  conversationProfile: 'projects/acme/conversationProfiles/support',
  virtualAgent: true,
  startTime: '2026-11-23T10:00:00Z',
};

/** Plays create, hand off, complete on a live actor inspected by `inspect`. */
const play = (inspect: Observer<InspectionEvent>): void => {
  const actor = createActor(conversationMachine, { input: INPUT, inspect }).start();
  actor.send({ type: 'handOff', at: '2026-11-23T10:02:00Z' });
  actor.send({ type: 'complete', at: '2026-11-23T10:16:00Z' });
  actor.stop();
};

/** What the inspector shows, step by step: the kind of record, the event, the state after it. */
const steps = (events: ReadonlyArray<StatelyInspectionEvent>): string[] =>
  events.map((e) => {
    if (e.type === '@xstate.actor') return `actor ${e.name}`;
    if (e.type === '@xstate.event') return `event ${e.event.type}`;
    const snapshot = inspected(e);
    const value = snapshot.value as { lifecycle: string; stage: string };
    const status = snapshot.status === 'active' ? '' : ` (${snapshot.status})`;
    return `snapshot ${value.lifecycle} ${value.stage} v${(snapshot.context as { version: number }).version}${status}`;
  });

const EXPECTED_STEPS = [
  'actor conversation',
  'event xstate.init',
  'snapshot IN_PROGRESS VIRTUAL_AGENT_STAGE v1',
  'event handOff',
  'snapshot IN_PROGRESS HUMAN_ASSIST_STAGE v2',
  'event complete',
  'snapshot COMPLETED HUMAN_ASSIST_STAGE v3',
  'snapshot COMPLETED HUMAN_ASSIST_STAGE v3 (stopped)',
];

/** @statelyai/inspect hands events to its adapter on a timer: wait until `n` have come. */
const settle = async (events: ReadonlyArray<unknown>, n: number): Promise<void> => {
  for (let i = 0; i < 200 && events.length < n; i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('the machine in the Stately inspector', () => {
  it('sends the actor, every event and every snapshot, in order, to an inspector adapter', async () => {
    const recorded: StatelyInspectionEvent[] = [];
    play(createInspector({ send: (event) => recorded.push(event) }).inspect);
    await settle(recorded, EXPECTED_STEPS.length);
    expect(steps(recorded)).toEqual(EXPECTED_STEPS);
    const sessions = new Set(recorded.map((e) => e.sessionId));
    expect(sessions.size).toBe(1);
  });

  it('shows the statechart with its named states, guards and events, including the eventless starting choice', async () => {
    const recorded: StatelyInspectionEvent[] = [];
    play(createInspector({ send: (event) => recorded.push(event) }).inspect);
    await settle(recorded, 1);
    const actor = recorded.find((e) => e.type === '@xstate.actor');
    expect(actor?.type === '@xstate.actor' && typeof actor.definition).toBe('string');
    const definition = JSON.parse((actor as { definition: string }).definition);
    expect(definition.id).toBe('conversation');
    expect(definition.type).toBe('parallel');
    // (@statelyai/inspect serializes with sorted keys: compare names, not their order.)
    const keys = (o: object): string[] => Object.keys(o).sort();
    expect(keys(definition.states.lifecycle.states)).toEqual(['COMPLETED', 'IN_PROGRESS']);
    expect(keys(definition.states.stage.states)).toEqual(['HUMAN_ASSIST_STAGE', 'VIRTUAL_AGENT_STAGE', 'starting']);
    expect(definition.states.stage.states.starting.always.map((t: { guard?: string }) => t.guard)).toEqual([
      'humanAssistStageRequested',
      'virtualAgentConfigured',
      undefined,
    ]);
    expect(definition.states.stage.states.VIRTUAL_AGENT_STAGE.on.handOff.guard).toBe('isInProgress');
    expect(keys(definition.states.stage.states.VIRTUAL_AGENT_STAGE.on)).toEqual(['handOff', 'handOff.observed']);
    expect(keys(definition.states.lifecycle.states.IN_PROGRESS.on)).toEqual(['complete']);
  });

  it('sends snapshots whose context is plain JSON, and events and records that survive JSON as they are', async () => {
    const recorded: StatelyInspectionEvent[] = [];
    play(createInspector({ send: (event) => recorded.push(event) }).inspect);
    await settle(recorded, EXPECTED_STEPS.length);
    for (const event of recorded) {
      const text = JSON.stringify(event);
      expect(typeof text).toBe('string');
      if (event.type === '@xstate.snapshot') {
        const { context, value } = inspected(event);
        expect(JSON.parse(JSON.stringify(context))).toEqual(context);
        expect(JSON.parse(text).snapshot.value).toEqual(value);
      }
      if (event.type === '@xstate.event') expect(JSON.parse(text).event).toEqual(event.event);
    }
    const last = recorded.at(-1);
    expect(inspected(last).context).toEqual({
      version: 3,
      name: INPUT.name,
      conversationProfile: INPUT.conversationProfile,
      startTime: INPUT.startTime,
      virtualAgent: INPUT.virtualAgent,
      endTime: '2026-11-23T10:16:00Z',
    });
  });

  it('replays a stored conversation: an actor restored from toMachineSnapshot starts where the conversation is', async () => {
    const stored = right(
      parseConversation(
        '{"name":"projects/acme/conversations/c-2","lifecycleState":"IN_PROGRESS","conversationProfile":"projects/acme/conversationProfiles/support",' +
          '"startTime":"2026-11-23T09:00:00Z","conversationStage":"VIRTUAL_AGENT_STAGE","telephonyConnectionInfo":{"dialedNumber":"+1650"}}',
        { version: 7 },
      ),
    );
    const recorded: StatelyInspectionEvent[] = [];
    const inspector = createInspector({ send: (event) => recorded.push(event) });
    const actor = createActor(conversationMachine, { snapshot: toMachineSnapshot(stored), inspect: inspector.inspect }).start();
    actor.send({ type: 'handOff.observed', at: '2026-11-23T09:05:00Z' });
    await settle(recorded, 5);
    expect(steps(recorded).slice(1)).toEqual([
      'event xstate.init',
      'snapshot IN_PROGRESS VIRTUAL_AGENT_STAGE v7',
      'event handOff.observed',
      'snapshot IN_PROGRESS HUMAN_ASSIST_STAGE v8',
    ]);
    // The inspector shows what the aggregate would have done.
    expect(right(handOff(stored)).conversation.version).toBe(8);
    const last = recorded.at(-1);
    expect(inspected(last).context).toMatchObject({
      unknownFields: { telephonyConnectionInfo: { dialedNumber: '+1650' } },
    });
  });

  it('sends the same, in order, through the WebSocket inspector server on loopback', async () => {
    const port = await freePort();
    const server = createInspectorServer({ port, autoOpen: false });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const receiver = await connectReceiver(port);
      const inspector = createWebSocketInspector({ url: `ws://127.0.0.1:${port}` });
      try {
        play(inspector.inspect);
        await receiver.until((events) => events.length >= EXPECTED_STEPS.length);
        expect(steps(receiver.events)).toEqual(EXPECTED_STEPS);
        const local: StatelyInspectionEvent[] = [];
        play(createInspector({ send: (event) => local.push(event) }).inspect);
        await settle(local, EXPECTED_STEPS.length);
        // What crossed the socket is what an in-process adapter gets, as JSON.
        const snapshots = (events: ReadonlyArray<StatelyInspectionEvent>) =>
          events.filter((e) => e.type === '@xstate.snapshot').map((e) => JSON.parse(JSON.stringify(e.snapshot)));
        expect(snapshots(receiver.events)).toEqual(snapshots(local));
      } finally {
        inspector.stop();
        await receiver.close();
      }
    } finally {
      server.stop();
    }
  });
});
