import { describe, expect, it } from 'vitest';
import { createActor, getInitialSnapshot, transition } from 'xstate';
import {
  ConversationInputError,
  type ConversationMachineInput,
  conversationMachine,
  StartingStageError,
} from '../machines/conversation.machine.js';
import { conversationMachine as exported } from '../src/machine/index.js';

const input = { conversationProfile: 'projects/p/conversationProfiles/support', startTime: '2026-11-23T10:00:00Z' };

describe('the conversation machine', () => {
  it('is the one the package exports', () => {
    expect(exported).toBe(conversationMachine);
  });

  it.each([
    [{ virtualAgent: true }, 'VIRTUAL_AGENT_STAGE'],
    [{ virtualAgent: true, conversationStage: 'VIRTUAL_AGENT_STAGE' as const }, 'VIRTUAL_AGENT_STAGE'],
    [{ virtualAgent: true, conversationStage: 'HUMAN_ASSIST_STAGE' as const }, 'HUMAN_ASSIST_STAGE'],
    [{ virtualAgent: false }, 'HUMAN_ASSIST_STAGE'],
    [{ virtualAgent: false, conversationStage: 'HUMAN_ASSIST_STAGE' as const }, 'HUMAN_ASSIST_STAGE'],
  ])('starts %j in %s, in progress, at version 1', (facts, stage) => {
    const snapshot = getInitialSnapshot(conversationMachine, { ...input, ...facts });
    expect(snapshot.value).toEqual({ lifecycle: 'IN_PROGRESS', stage });
    // The facts of the input are kept in the context, where the starting choice's guards read them.
    const { conversationStage, ...rest } = facts as { virtualAgent: boolean; conversationStage?: string };
    expect(snapshot.context).toEqual({
      version: 1,
      ...input,
      ...rest,
      ...(conversationStage === undefined ? {} : { requestedConversationStage: conversationStage }),
    });
  });

  it('fails to start when VIRTUAL_AGENT_STAGE is asked of a profile without a virtual agent', () => {
    const actor = createActor(conversationMachine, { input: { ...input, virtualAgent: false, conversationStage: 'VIRTUAL_AGENT_STAGE' } });
    const errors: unknown[] = [];
    actor.subscribe({ error: (e) => errors.push(e) });
    actor.start();
    expect(actor.getSnapshot().status).toBe('error');
    expect(errors[0]).toBeInstanceOf(StartingStageError);
  });

  it('hands off one way, and completes for good', () => {
    const actor = createActor(conversationMachine, { input: { ...input, virtualAgent: true } }).start();
    actor.send({ type: 'handOff' });
    expect(actor.getSnapshot().value).toEqual({ lifecycle: 'IN_PROGRESS', stage: 'HUMAN_ASSIST_STAGE' });
    // Handing off again is accepted (a retried command) and changes nothing.
    const handedOff = actor.getSnapshot();
    expect(handedOff.can({ type: 'handOff' })).toBe(true);
    actor.send({ type: 'handOff' });
    expect(actor.getSnapshot().context).toEqual(handedOff.context);
    actor.send({ type: 'complete', at: '2026-11-23T10:30:00Z' });
    const done = actor.getSnapshot();
    expect(done.value).toEqual({ lifecycle: 'COMPLETED', stage: 'HUMAN_ASSIST_STAGE' });
    expect(done.context).toMatchObject({ endTime: '2026-11-23T10:30:00Z', version: 3 });
    // Completing again is accepted and changes nothing.
    expect(done.can({ type: 'complete', at: '2026-11-23T11:00:00Z' })).toBe(true);
    actor.send({ type: 'complete', at: '2026-11-23T11:00:00Z' });
    expect(actor.getSnapshot()).toBe(done);
  });

  it('refuses a handoff command once completed, but takes an observed handoff: it happened before the end', () => {
    const start = getInitialSnapshot(conversationMachine, { ...input, virtualAgent: true });
    const [completed] = transition(conversationMachine, start, { type: 'complete' });
    expect(completed.can({ type: 'handOff' })).toBe(false);
    expect(completed.can({ type: 'handOff.observed' })).toBe(true);
    const [observed] = transition(conversationMachine, completed, { type: 'handOff.observed' });
    expect(observed.value).toEqual({ lifecycle: 'COMPLETED', stage: 'HUMAN_ASSIST_STAGE' });
    expect(completed.context.endTime).toBeUndefined();
  });

  it('fails to start, naming each problem, on input that is not a new conversation’s', () => {
    const actor = createActor(conversationMachine, {
      input: { conversationProfile: 'projects/p/profiles/x', virtualAgent: true, startTime: '2025-02-29T10:00:00Z', name: 'c-1' },
    });
    const errors: unknown[] = [];
    actor.subscribe({ error: (e) => errors.push(e) });
    actor.start();
    expect(actor.getSnapshot().status).toBe('error');
    expect(errors[0]).toBeInstanceOf(ConversationInputError);
    expect((errors[0] as Error).message).toMatch(
      /^conversationProfile: expected a conversation profile name .*; name: expected a conversation name .*; startTime: 2025-02-29 is not a date in the calendar/,
    );
    const untyped = createActor(conversationMachine, {
      input: { conversationProfile: 'projects/p/conversationProfiles/x' } as unknown as ConversationMachineInput,
    });
    untyped.subscribe({ error: (e) => errors.push(e) });
    untyped.start();
    expect(errors[1]).toBeInstanceOf(ConversationInputError);
  });

  it('keeps its context canonical: a start time with an offset is held in UTC', () => {
    const snapshot = getInitialSnapshot(conversationMachine, { ...input, startTime: '2026-11-23T11:00:00.5+01:00', virtualAgent: true });
    expect(snapshot.context.startTime).toBe('2026-11-23T10:00:00.500Z');
  });

  it('refuses a completion at a time that is not RFC 3339, and keeps what it holds; an offset is held in UTC', () => {
    const actor = createActor(conversationMachine, { input: { ...input, virtualAgent: true } }).start();
    for (const at of ['yesterday', '2026-11-23 10:30:00Z', '2026-11-23T10:30:00', '2025-02-29T10:30:00Z']) {
      expect(actor.getSnapshot().can({ type: 'complete', at })).toBe(false);
      actor.send({ type: 'complete', at });
      expect(actor.getSnapshot().value).toEqual({ lifecycle: 'IN_PROGRESS', stage: 'VIRTUAL_AGENT_STAGE' });
      expect(actor.getSnapshot().context).toEqual({ version: 1, ...input, virtualAgent: true });
    }
    actor.send({ type: 'complete', at: '2026-11-23T11:30:00.25+01:00' });
    expect(actor.getSnapshot().value).toEqual({ lifecycle: 'COMPLETED', stage: 'VIRTUAL_AGENT_STAGE' });
    expect(actor.getSnapshot().context).toEqual({ version: 2, ...input, virtualAgent: true, endTime: '2026-11-23T10:30:00.250Z' });
    // Completed: completing again is accepted only with a valid time, and changes nothing.
    expect(actor.getSnapshot().can({ type: 'complete', at: 'later' })).toBe(false);
    expect(actor.getSnapshot().can({ type: 'complete' })).toBe(true);
  });

  it('refuses facts in a form the wire format would reject, and keeps what it holds', () => {
    const actor = createActor(conversationMachine, { input: { ...input, virtualAgent: true } }).start();
    const held = actor.getSnapshot().context;
    for (const data of [
      { endTime: 'yesterday' },
      { endTime: '2026-11-23T11:00:00.000Z' }, // valid, but not canonical: the joins compare canonical times
      { name: 'c-1' },
      { phoneNumber: { countryCode: 1.5 } },
      { unknownFields: [1] },
      { somethingElse: 1 },
    ]) {
      const event = { type: 'data.observed', data } as never;
      expect(actor.getSnapshot().can(event)).toBe(false);
      actor.send(event);
      expect(actor.getSnapshot().context).toBe(held);
    }
    for (const error of [{ publishTime: '2026-11-23' }, { messageId: 7 }, { errorStatus: 'boom' }, { code: 9 }, null]) {
      const event = { type: 'error.observed', error } as never;
      expect(actor.getSnapshot().can(event)).toBe(false);
      actor.send(event);
      expect(actor.getSnapshot().context).toBe(held);
    }
    actor.send({ type: 'data.observed', data: { endTime: '2026-11-23T11:00:00Z', phoneNumber: { countryCode: 1 } } });
    actor.send({ type: 'error.observed', error: { publishTime: '2026-11-23T10:01:00Z', messageId: '7', errorStatus: { code: 9 } } });
    expect(actor.getSnapshot().context).toEqual({
      ...held,
      version: 3,
      endTime: '2026-11-23T11:00:00Z',
      phoneNumber: { countryCode: 1 },
      unrecoverableErrors: [{ publishTime: '2026-11-23T10:01:00Z', messageId: '7', errorStatus: { code: 9 } }],
    });
  });

  it('names every guard and action, for the inspector', () => {
    const guards = [
      'atIsTimestamp',
      'humanAssistStageRequested',
      'isInProgress',
      'observedDataAgrees',
      'reportedErrorIsValid',
      'virtualAgentConfigured',
    ];
    const actions = ['countChange', 'recordEndTime', 'recordHandOff', 'recordObservedData', 'recordUnrecoverableError'];
    expect(Object.keys(conversationMachine.implementations.guards).sort()).toEqual(guards);
    expect(Object.keys(conversationMachine.implementations.actions).sort()).toEqual(actions);
    // The inspector draws the machine from its config: every guard and action appears there by name.
    const json = JSON.stringify(conversationMachine.config);
    for (const name of [...guards, ...actions]) expect(json).toContain(`"${name}"`);
  });

  it('keeps its context plain JSON, and its persisted snapshots restore', () => {
    const actor = createActor(conversationMachine, { input: { ...input, virtualAgent: true, name: 'projects/p/conversations/c' } }).start();
    actor.send({ type: 'complete', at: '2026-11-23T10:30:00Z' });
    const persisted = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    expect(persisted.context).toEqual(actor.getSnapshot().context);
    const restored = createActor(conversationMachine, { snapshot: persisted }).start();
    expect(restored.getSnapshot().value).toEqual({ lifecycle: 'COMPLETED', stage: 'VIRTUAL_AGENT_STAGE' });
    expect(restored.getSnapshot().context).toEqual(actor.getSnapshot().context);
  });

  it('takes observed data in every state: a new fact is one change, a known one none', () => {
    const start = getInitialSnapshot(conversationMachine, { ...input, virtualAgent: true });
    const [completed] = transition(conversationMachine, start, { type: 'complete' });
    for (const snapshot of [start, completed]) {
      const event = { type: 'data.observed', data: { name: 'projects/p/conversations/c', endTime: '2026-11-23T10:30:00Z' } } as const;
      expect(snapshot.can(event)).toBe(true);
      const [next] = transition(conversationMachine, snapshot, event);
      expect(next.value).toEqual(snapshot.value);
      expect(next.context).toEqual({ ...snapshot.context, ...event.data, version: snapshot.context.version + 1 });
      const [again] = transition(conversationMachine, next, event);
      expect(again.context).toEqual(next.context);
      // Absent means "not reported": it never erases; an earlier end time does not replace a later one.
      const [earlier] = transition(conversationMachine, next, { type: 'data.observed', data: { endTime: '2026-11-23T10:00:00Z' } });
      expect(earlier.context).toEqual(next.context);
      // A conversation is named once.
      const [renamed] = transition(conversationMachine, next, { type: 'data.observed', data: { name: 'projects/p/conversations/other' } });
      expect(renamed.context.name).toBe('projects/p/conversations/c');
    }
  });

  it('records each distinct unrecoverable error once, sorted by publishTime then messageId, in every state', () => {
    const start = getInitialSnapshot(conversationMachine, { ...input, virtualAgent: true });
    const [completed] = transition(conversationMachine, start, { type: 'complete' });
    const late = { publishTime: '2026-11-23T10:02:00Z', messageId: '2', errorStatus: { code: 9 } };
    const early = { publishTime: '2026-11-23T10:01:00Z', messageId: '1', errorStatus: { code: 9 } };
    for (const snapshot of [start, completed]) {
      expect(snapshot.can({ type: 'error.observed', error: late })).toBe(true);
      const [one] = transition(conversationMachine, snapshot, { type: 'error.observed', error: late });
      const [two] = transition(conversationMachine, one, { type: 'error.observed', error: early });
      const [dup] = transition(conversationMachine, two, { type: 'error.observed', error: { ...late } });
      expect(two.value).toEqual(snapshot.value);
      expect(two.context.unrecoverableErrors).toEqual([early, late]);
      expect(two.context.version).toBe(snapshot.context.version + 2);
      expect(dup.context).toEqual(two.context);
    }
  });
});
