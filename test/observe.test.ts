import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  applyNotification,
  type Conversation,
  complete,
  createConversation,
  decodeConversation,
  encodeConversation,
  handOff,
  observe,
  toMachineSnapshot,
} from '../src/index.js';
import { conversationMachine, toMachineEvent } from '../src/machine/index.js';
import { decodeNotification } from '../src/notifications/index.js';
import { aggregate } from './arbitraries.js';
import { given } from './decider-spec.js';
import { left, right } from './helpers.js';

const name = 'projects/acme/locations/global/conversations/c-42';
const profile = 'projects/acme/locations/global/conversationProfiles/support';
const base = {
  name,
  lifecycleState: 'IN_PROGRESS',
  conversationProfile: profile,
  startTime: '2026-11-23T10:00:00Z',
  conversationStage: 'VIRTUAL_AGENT_STAGE',
};
const fetched = (fields: Record<string, unknown> = {}, version = 0): Conversation =>
  right(decodeConversation({ ...base, ...fields }, { version }));
const local = fetched({}, 7);

describe('observe: bringing a local conversation up to a fetched one', () => {
  it('as a decider: given no conversation, observing is refused', () => {
    given().when({ type: 'Observe', remote: fetched() }).thenFails({ type: 'ConversationMissing', command: 'observe' });
  });

  it('a resource that brings nothing new changes nothing: no events, the same conversation', () => {
    const result = right(observe(local, fetched()));
    expect(result.events).toEqual([]);
    expect(result.conversation).toBe(local);
  });

  it('forward moves become the events the commands make: the handoff, then the completion with the server’s end time', () => {
    const remote = fetched({ lifecycleState: 'COMPLETED', conversationStage: 'HUMAN_ASSIST_STAGE', endTime: '2026-11-23T10:30:00.5Z' });
    const { conversation, events } = right(observe(local, remote));
    const handed = right(handOff(local));
    const done = right(complete(handed.conversation, '2026-11-23T10:30:00.5Z'));
    expect(events).toEqual([...handed.events, ...done.events]);
    expect(conversation).toEqual(done.conversation);
    expect(conversation).toEqual({ ...remote, version: 9 });
  });

  it('each regression is refused, named, and the local conversation is kept', () => {
    const completed = right(complete(right(handOff(local)).conversation, '2026-11-23T10:30:00Z')).conversation;
    const cases: Array<[Conversation, Record<string, unknown>, string, string | undefined, string | undefined]> = [
      [completed, { conversationStage: 'HUMAN_ASSIST_STAGE' }, 'lifecycleState', 'COMPLETED', 'IN_PROGRESS'],
      [
        completed,
        { lifecycleState: 'COMPLETED', endTime: '2026-11-23T10:30:00Z' },
        'conversationStage',
        'HUMAN_ASSIST_STAGE',
        'VIRTUAL_AGENT_STAGE',
      ],
      [
        completed,
        { lifecycleState: 'COMPLETED', conversationStage: 'HUMAN_ASSIST_STAGE', endTime: '2026-11-23T10:29:59.999Z' },
        'endTime',
        '2026-11-23T10:30:00Z',
        '2026-11-23T10:29:59.999Z',
      ],
      [
        local,
        { conversationProfile: 'projects/acme/conversationProfiles/sales' },
        'conversationProfile',
        profile,
        'projects/acme/conversationProfiles/sales',
      ],
      [local, { name: 'projects/acme/conversations/c-43' }, 'name', name, 'projects/acme/conversations/c-43'],
    ];
    for (const [mine, fields, field, was, is] of cases) {
      const error = left(observe(mine, fetched(fields)));
      expect(error.type).toBe('Regression');
      if (error.type !== 'Regression') continue;
      expect(error.regressions).toEqual([{ field, local: was, remote: is }]);
      expect(error.message).toContain(field);
    }
    const all = left(observe(completed, fetched({ conversationProfile: 'projects/acme/conversationProfiles/sales' })));
    expect(all.type === 'Regression' && all.regressions.map((r) => r.field)).toEqual([
      'conversationProfile',
      'lifecycleState',
      'conversationStage',
    ]);
    expect(all.message).toBe(
      'the fetched conversation is behind this one (stale?): conversationProfile is projects/acme/conversationProfiles/sales there, ' +
        `${profile} here; lifecycleState would go back from COMPLETED to IN_PROGRESS; ` +
        'conversationStage would go back from HUMAN_ASSIST_STAGE to VIRTUAL_AGENT_STAGE',
    );
  });

  it('names in another spelling of the same location are the same conversation and profile', () => {
    const result = right(
      observe(
        local,
        fetched({ name: 'projects/acme/conversations/c-42', conversationProfile: 'projects/acme/conversationProfiles/support' }),
      ),
    );
    expect(result.events).toEqual([]);
    expect(result.conversation).toBe(local);
  });

  describe('data-only changes reach the aggregate as one ConversationDataObserved, one version', () => {
    it('the name Dialogflow gave a conversation created here', () => {
      const created = right(
        createConversation({ conversationProfile: profile, virtualAgent: true, startTime: base.startTime }),
      ).conversation;
      const { conversation, events } = right(observe(created, fetched()));
      expect(events).toEqual([{ type: 'ConversationDataObserved', data: { conversation: name, name } }]);
      expect(conversation).toEqual({ ...created, name, version: 2 });
      // Now notifications about it apply.
      const finished = right(decodeNotification({ conversation: 'projects/acme/conversations/c-42', type: 'CONVERSATION_FINISHED' }));
      expect(right(applyNotification(conversation, finished)).conversation.lifecycleState).toBe('COMPLETED');
    });

    it('the end time, learnt after a notification completed the conversation', () => {
      const finished = right(decodeNotification({ conversation: name, type: 'CONVERSATION_FINISHED' }));
      const completed = right(applyNotification(local, finished)).conversation;
      expect(completed.endTime).toBeUndefined();
      const { conversation, events } = right(observe(completed, fetched({ lifecycleState: 'COMPLETED', endTime: '2026-11-23T10:30:00Z' })));
      expect(events).toEqual([{ type: 'ConversationDataObserved', data: { conversation: name, endTime: '2026-11-23T10:30:00Z' } }]);
      expect(conversation).toMatchObject({ lifecycleState: 'COMPLETED', endTime: '2026-11-23T10:30:00Z', version: completed.version + 1 });
    });

    it('the start time, the phone number and the kept fields are the server’s', () => {
      const remote = fetched({
        startTime: '2026-11-23T09:59:59.987654Z',
        phoneNumber: { countryCode: 1, phoneNumber: '+1 650-253-0000' },
        telephonyConnectionInfo: { dialedNumber: '+16502530000' },
        futureField: 1,
      });
      const { conversation, events } = right(observe(local, remote));
      expect(events).toEqual([
        {
          type: 'ConversationDataObserved',
          data: {
            conversation: name,
            startTime: remote.startTime,
            phoneNumber: remote.phoneNumber,
            unknownFields: remote.unknownFields,
          },
        },
      ]);
      expect(conversation).toEqual({ ...remote, version: 8 });
      expect(encodeConversation(conversation)).toEqual(encodeConversation(remote));
    });

    it('what the resource leaves out is not erased', () => {
      const rich = fetched({ phoneNumber: { phoneNumber: '+1' }, futureField: 1 }, 3);
      expect(right(observe(rich, fetched())).conversation).toBe(rich);
    });
  });

  it('an actor fed the events stays equal to the aggregate', () => {
    const created = right(createConversation({ conversationProfile: profile, virtualAgent: true, startTime: base.startTime })).conversation;
    const remote = fetched({
      lifecycleState: 'COMPLETED',
      conversationStage: 'HUMAN_ASSIST_STAGE',
      endTime: '2026-11-23T10:30:00Z',
      phoneNumber: { phoneNumber: '+1' },
    });
    const { conversation, events } = right(observe(created, remote));
    expect(events.map((e) => e.type)).toEqual(['ConversationHandedOff', 'ConversationCompleted', 'ConversationDataObserved']);
    const actor = createActor(conversationMachine, { snapshot: toMachineSnapshot(created) }).start();
    for (const event of events) actor.send(toMachineEvent(event) ?? { type: 'complete' });
    expect(actor.getSnapshot().value).toEqual(toMachineSnapshot(conversation).value);
    expect(actor.getSnapshot().context).toEqual(toMachineSnapshot(conversation).context);
  });

  it('on any pair of conversations: either refused with the local kept, or the result holds the remote state, and observing again changes nothing', () => {
    fc.assert(
      fc.property(aggregate, aggregate, fc.boolean(), (mine, theirs, sameIdentity) => {
        const remote = sameIdentity
          ? right(
              decodeConversation({
                ...encodeConversation(theirs),
                name: mine.name ?? theirs.name ?? name,
                conversationProfile: mine.conversationProfile,
              }),
            )
          : right(decodeConversation({ ...encodeConversation(theirs), name: theirs.name ?? name }));
        const result = observe(mine, remote);
        if (result._tag === 'Left') {
          expect(result.left.type).toBe('Regression');
          return;
        }
        const { conversation, events } = result.right;
        expect(conversation.version).toBe(mine.version + events.length);
        expect(conversation.lifecycleState).toBe(remote.lifecycleState);
        expect(conversation.conversationStage).toBe(remote.conversationStage);
        expect(conversation.startTime).toBe(remote.startTime);
        if (remote.endTime !== undefined) expect(conversation.endTime).toBe(remote.endTime);
        const again = right(observe(conversation, remote));
        expect(again.events).toEqual([]);
        expect(again.conversation).toBe(conversation);
      }),
      { numRuns: 1000 },
    );
  });
});
