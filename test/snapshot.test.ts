import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  applyNotification,
  createConversation,
  decodeConversation,
  fromMachineSnapshot,
  fromPersistedSnapshot,
  handOff,
  stringifyPersistedSnapshot,
  type Timestamp,
  toMachineSnapshot,
  toPersistedSnapshot,
} from '../src/index.js';
import { conversationMachine } from '../src/machine/index.js';
import { decodeNotification } from '../src/notifications/index.js';
import { event, fixture, left, right } from './helpers.js';

const json = {
  name: 'projects/acme/conversations/c-42',
  lifecycleState: 'IN_PROGRESS',
  conversationProfile: 'projects/acme/conversationProfiles/support',
  phoneNumber: { countryCode: 1, phoneNumber: '+1 650-253-0000' },
  startTime: '2026-11-23T10:00:00.000000001Z',
  conversationStage: 'VIRTUAL_AGENT_STAGE',
  telephonyConnectionInfo: { dialedNumber: '+16502530000' },
  futureField: [1, 2],
};

describe('an aggregate becomes a machine snapshot and back', () => {
  it('round trips, data and version included', () => {
    const c = right(decodeConversation(json, { version: 5 }));
    const snapshot = toMachineSnapshot(c);
    expect(snapshot.value).toEqual({ lifecycle: 'IN_PROGRESS', stage: 'VIRTUAL_AGENT_STAGE' });
    expect(snapshot.context).toEqual({
      version: 5,
      name: json.name,
      conversationProfile: json.conversationProfile,
      startTime: json.startTime,
      phoneNumber: json.phoneNumber,
      unknownFields: { telephonyConnectionInfo: json.telephonyConnectionInfo, futureField: [1, 2] },
    });
    expect(right(fromMachineSnapshot(snapshot))).toEqual(c);
  });

  it('a locally created conversation, not yet named, round trips too', () => {
    const c = right(
      createConversation({ conversationProfile: json.conversationProfile, virtualAgent: true, startTime: json.startTime }),
    ).conversation;
    expect(right(fromMachineSnapshot(toMachineSnapshot(c)))).toEqual(c);
  });

  it('runs as an actor and comes back as the same aggregate the commands give', () => {
    const c = right(decodeConversation(json));
    const actor = createActor(conversationMachine, { snapshot: toMachineSnapshot(c) }).start();
    actor.send({ type: 'handOff', at: '2026-11-23T10:05:00Z' });
    actor.send({ type: 'complete', at: '2026-11-23T10:30:00Z' });
    const viaActor = right(fromMachineSnapshot(actor.getSnapshot()));
    const viaCommands = right(handOff(c, '2026-11-23T10:05:00Z')).conversation;
    expect(viaActor).toEqual({ ...viaCommands, lifecycleState: 'COMPLETED', endTime: '2026-11-23T10:30:00Z', version: 2 });
    // Persisted, stored as JSON, and read back.
    const stored = JSON.parse(JSON.stringify(actor.getPersistedSnapshot()));
    expect(right(fromMachineSnapshot(stored))).toEqual(viaActor);
  });

  it('a damaged snapshot is an error that points into it', () => {
    const snapshot = JSON.parse(JSON.stringify(toMachineSnapshot(right(decodeConversation(json)))));
    expect(left(fromMachineSnapshot({ ...snapshot, value: { lifecycle: 'DONE', stage: 'VIRTUAL_AGENT_STAGE' } })).errors[0]?.path).toBe(
      'value.lifecycle',
    );
    expect(left(fromMachineSnapshot({ ...snapshot, value: { lifecycle: 'IN_PROGRESS', stage: 'starting' } })).errors[0]?.path).toBe(
      'value.stage',
    );
    expect(left(fromMachineSnapshot({ ...snapshot, context: { ...snapshot.context, startTime: 'x' } })).errors[0]?.path).toBe(
      'context.startTime',
    );
    expect(left(fromMachineSnapshot({ ...snapshot, context: { ...snapshot.context, version: -1 } })).errors[0]?.path).toBe(
      'context.version',
    );
    expect(left(fromMachineSnapshot({ ...snapshot, context: { ...snapshot.context, unknownFields: { name: 'x' } } })).errors[0]?.path).toBe(
      'context.unknownFields.name',
    );
    expect(left(fromMachineSnapshot({ ...snapshot, status: 'error', error: new Error('boom') })).message).toContain('boom');
    expect(left(fromMachineSnapshot(null)).errors[0]?.path).toBe('');
    expect(left(fromMachineSnapshot({ value: 'x', context: 1 })).errors.map((e) => e.path)).toEqual(['value', 'context']);
  });

  it('never throws, whatever it is given for a snapshot, and an actor never fails on malformed events', () => {
    const start = { conversationProfile: 'projects/p/conversationProfiles/x', virtualAgent: true, startTime: '2026-11-23T10:00:00Z' };
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withSparseArray: true, withDate: true, withMap: true }), fc.anything(), (u, v) => {
        expect(() => fromMachineSnapshot(u)).not.toThrow();
        const context = { version: 1, conversationProfile: start.conversationProfile, startTime: start.startTime };
        expect(() =>
          fromMachineSnapshot({
            value: { lifecycle: 'IN_PROGRESS', stage: u },
            context: { ...context, unknownFields: u, unrecoverableErrors: v },
          }),
        ).not.toThrow();
        const actor = createActor(conversationMachine, { input: start }).start();
        for (const event of [
          { type: 'data.observed', data: u },
          { type: 'error.observed', error: v },
          { type: 'complete', at: u },
          { type: 'handOff', at: v },
        ]) {
          actor.send(event as never);
        }
        expect(actor.getSnapshot().status).toBe('active');
        expect(fromMachineSnapshot(actor.getPersistedSnapshot())._tag).toBe('Right');
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the recorded unrecoverable errors, and reads them back sorted and distinct', () => {
    const n = event(decodeNotification({ conversation: json.name, type: 'UNRECOVERABLE_ERROR', errorStatus: { code: 9 } }));
    const late = { ...n, delivery: { messageId: '2', publishTime: '2026-11-23T10:02:00Z' as Timestamp, attributes: {} } };
    const early = { ...n, delivery: { messageId: '1', publishTime: '2026-11-23T10:01:00Z' as Timestamp, attributes: {} } };
    const c = right(applyNotification(right(applyNotification(right(decodeConversation(json)), late)).conversation, early)).conversation;
    const stored = JSON.parse(JSON.stringify(toMachineSnapshot(c)));
    expect(stored.context.unrecoverableErrors.map((e: { messageId: string }) => e.messageId)).toEqual(['1', '2']);
    expect(right(fromMachineSnapshot(stored))).toEqual(c);
    const reversed = {
      ...stored,
      context: {
        ...stored.context,
        unrecoverableErrors: [...stored.context.unrecoverableErrors].reverse().concat(stored.context.unrecoverableErrors),
      },
    };
    expect(right(fromMachineSnapshot(reversed))).toEqual(c);
    const damaged = { ...stored, context: { ...stored.context, unrecoverableErrors: [{ publishTime: 'soon', cause: 1 }] } };
    expect(left(fromMachineSnapshot(damaged)).errors.map((e) => e.path)).toEqual([
      'context.unrecoverableErrors[0].publishTime',
      'context.unrecoverableErrors[0].cause',
    ]);
    expect(left(fromMachineSnapshot({ ...stored, context: { ...stored.context, unrecoverableErrors: 3 } })).errors[0]?.path).toBe(
      'context.unrecoverableErrors',
    );
  });
});

describe('a conversation persisted as JSON, with its schema version', () => {
  it('round trips through JSON text, version and recorded errors included', () => {
    const c = right(decodeConversation(json, { version: 5 }));
    const stored = JSON.parse(JSON.stringify(toPersistedSnapshot(c)));
    expect(stored.schemaVersion).toBe(2);
    expect(right(fromPersistedSnapshot(stored))).toEqual(c);
    // A bare persisted snapshot (an actor's getPersistedSnapshot()) reads too.
    expect(right(fromPersistedSnapshot(stored.snapshot))).toEqual(c);
  });

  it('is written as text directly by stringifyPersistedSnapshot: the same text, read back the same', () => {
    const c = right(decodeConversation(json, { version: 5 }));
    const text = stringifyPersistedSnapshot(c);
    expect(text).toBe(JSON.stringify(toPersistedSnapshot(c)));
    expect(right(fromPersistedSnapshot(JSON.parse(text)))).toEqual(c);
    // What is not a conversation gives undefined, as toPersistedSnapshot does, and never throws.
    for (const hostile of [
      null,
      42,
      {},
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('trap');
          },
        },
      ),
    ]) {
      expect(stringifyPersistedSnapshot(hostile as never)).toBeUndefined();
    }
  });

  it('migrates what 0.1.0 stored (layout 1, a bare persisted snapshot): the same conversations, stored again as layout 2', async () => {
    // Written by 0.1.0's own code (handOff, an UNRECOVERABLE_ERROR, complete): see test/fixtures/snapshots/README.md.
    const old = JSON.parse(await fixture('snapshots/0.1.0.json')) as Record<string, { context: Record<string, unknown> }>;
    for (const [name, snapshot] of Object.entries(old)) {
      const c = right(fromPersistedSnapshot(snapshot));
      // Everything 0.1.0 held is there: its data, version, kept fields and recorded errors.
      expect(c.version, name).toBe(snapshot.context.version);
      expect(c.unknownFields?.futureField, name).toEqual({ nested: [1, 'two', null] });
      expect(c.phoneNumber, name).toEqual({ countryCode: 1, phoneNumber: '+1 650-555-0100' });
      expect(c.startTime, name).toBe('2026-11-20T09:00:00.123456789Z');
      // It has none of layout 2's new facts: a reported stage, no virtual agent known.
      expect([c.conversationStageInferred, c.virtualAgent, c.requestedConversationStage], name).toEqual([undefined, undefined, undefined]);
      // The same in an envelope of layout 1, and stored again as layout 2, it reads back equal.
      expect(right(fromPersistedSnapshot({ schemaVersion: 1, snapshot })), name).toEqual(c);
      const again = JSON.parse(JSON.stringify(toPersistedSnapshot(c)));
      expect(again.schemaVersion, name).toBe(2);
      expect(right(fromPersistedSnapshot(again)), name).toEqual(c);
    }
    const completed = right(fromPersistedSnapshot(old.completed));
    expect([completed.lifecycleState, completed.conversationStage, completed.endTime]).toEqual([
      'COMPLETED',
      'HUMAN_ASSIST_STAGE',
      '2026-11-20T09:30:00.000000001Z',
    ]);
    expect(completed.unrecoverableErrors).toEqual([{ errorStatus: { code: 13, message: 'the virtual agent failed' } }]);
  });

  it('refuses a schema version it does not know, and a damaged snapshot, with paths', () => {
    const c = right(decodeConversation(json));
    const stored = JSON.parse(JSON.stringify(toPersistedSnapshot(c)));
    for (const schemaVersion of [99, 3, 0, 1.5, '2', null]) {
      expect(left(fromPersistedSnapshot({ ...stored, schemaVersion })).errors[0], String(schemaVersion)).toEqual({
        path: 'schemaVersion',
        message: expect.stringContaining('expected a schema version this library reads (1 to 2), got'),
      });
    }
    expect(left(fromPersistedSnapshot({ ...stored, snapshot: { ...stored.snapshot, context: 5 } })).errors[0]?.path).toBe(
      'snapshot.context',
    );
  });
});
