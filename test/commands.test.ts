import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { run } from '../src/conversation/commands.js';
import {
  type Conversation,
  type ConversationCompleted,
  type ConversationCreated,
  type ConversationHandedOff,
  complete,
  createConversation,
  decodeConversation,
  evolve,
  handOff,
} from '../src/index.js';
import { aggregate, canonicalTimestamp } from './arbitraries.js';
import { given } from './decider-spec.js';
import { left, right } from './helpers.js';

const profile = 'projects/acme/locations/global/conversationProfiles/support';
const name = 'projects/acme/locations/global/conversations/c-42';
const startTime = '2026-11-23T10:00:00Z';

type Stage = 'VIRTUAL_AGENT_STAGE' | 'HUMAN_ASSIST_STAGE';
/** A creation; the facts of the request (the profile's virtual agent, the stage asked for) come with it. */
const created = (conversationStage: Stage, virtualAgent?: boolean, requestedConversationStage?: Stage): ConversationCreated =>
  ({
    type: 'ConversationCreated',
    data: { conversation: name, conversationProfile: profile, conversationStage, startTime, virtualAgent, requestedConversationStage },
  }) as ConversationCreated;
const handedOff = (at?: string): ConversationHandedOff =>
  ({ type: 'ConversationHandedOff', data: { conversation: name, at } }) as ConversationHandedOff;
const completed = (endTime?: string): ConversationCompleted =>
  ({ type: 'ConversationCompleted', data: { conversation: name, endTime } }) as ConversationCompleted;

describe('creating a conversation: the starting stage', () => {
  it('a profile with a virtual agent starts in VIRTUAL_AGENT_STAGE', () => {
    given()
      .when({ type: 'CreateConversation', input: { conversationProfile: profile, virtualAgent: true, name, startTime } })
      .then(created('VIRTUAL_AGENT_STAGE', true));
  });

  it('… unless HUMAN_ASSIST_STAGE is asked for', () => {
    given()
      .when({
        type: 'CreateConversation',
        input: { conversationProfile: profile, virtualAgent: true, conversationStage: 'HUMAN_ASSIST_STAGE', name, startTime },
      })
      .then(created('HUMAN_ASSIST_STAGE', true, 'HUMAN_ASSIST_STAGE'));
  });

  it('… and asking for VIRTUAL_AGENT_STAGE explicitly is the same as not asking', () => {
    given()
      .when({
        type: 'CreateConversation',
        input: { conversationProfile: profile, virtualAgent: true, conversationStage: 'VIRTUAL_AGENT_STAGE', name, startTime },
      })
      .then(created('VIRTUAL_AGENT_STAGE', true, 'VIRTUAL_AGENT_STAGE'));
  });

  it('a profile without a virtual agent starts in HUMAN_ASSIST_STAGE', () => {
    given()
      .when({ type: 'CreateConversation', input: { conversationProfile: profile, virtualAgent: false, name, startTime } })
      .then(created('HUMAN_ASSIST_STAGE', false));
    given()
      .when({
        type: 'CreateConversation',
        input: { conversationProfile: profile, virtualAgent: false, conversationStage: 'HUMAN_ASSIST_STAGE', name, startTime },
      })
      .then(created('HUMAN_ASSIST_STAGE', false, 'HUMAN_ASSIST_STAGE'));
  });

  it('asking for VIRTUAL_AGENT_STAGE without a virtual agent is an error, not a silent fix', () => {
    given()
      .when({
        type: 'CreateConversation',
        input: { conversationProfile: profile, virtualAgent: false, conversationStage: 'VIRTUAL_AGENT_STAGE', startTime },
      })
      .thenFails({ type: 'VirtualAgentUnavailable', message: expect.stringContaining('no virtual agent') });
  });

  it('the created conversation is in progress, at version 1, frozen', () => {
    const { conversation, events } = right(
      createConversation({ conversationProfile: profile, virtualAgent: true, startTime: '2026-11-23T11:00:00+01:00' }),
    );
    expect(conversation).toEqual({
      lifecycleState: 'IN_PROGRESS',
      conversationProfile: profile,
      startTime,
      conversationStage: 'VIRTUAL_AGENT_STAGE',
      virtualAgent: true,
      version: 1,
    });
    expect(conversation.name).toBeUndefined();
    expect(Object.isFrozen(conversation)).toBe(true);
    expect(Object.isFrozen(events)).toBe(true);
    expect(Object.isFrozen(events[0])).toBe(true);
  });

  it('bad input is refused with every problem and its path', () => {
    const error = left(
      createConversation({
        conversationProfile: 'projects/acme/agents/a',
        virtualAgent: 'yes' as unknown as boolean,
        name: 'c-42',
        startTime: 'now',
        conversationStage: 'CONVERSATION_STAGE_UNSPECIFIED' as 'HUMAN_ASSIST_STAGE',
      }),
    );
    expect(error.type).toBe('InvalidArgument');
    expect(error.type === 'InvalidArgument' && error.errors.map((e) => e.path)).toEqual([
      'conversationProfile',
      'virtualAgent',
      'conversationStage',
      'name',
      'startTime',
    ]);
  });

  it('creating over an existing conversation is refused', () => {
    given(created('VIRTUAL_AGENT_STAGE'))
      .when({ type: 'CreateConversation', input: { conversationProfile: profile, virtualAgent: true, startTime } })
      .thenFails({ type: 'IllegalCommand', command: 'createConversation' });
  });
});

describe('handing off', () => {
  it('moves a conversation in progress from the virtual agent to a human agent', () => {
    const c = given(created('VIRTUAL_AGENT_STAGE'))
      .when({ type: 'HandOff', at: '2026-11-23T10:05:00+00:00' })
      .then(handedOff('2026-11-23T10:05:00Z'));
    expect(c).toMatchObject({ conversationStage: 'HUMAN_ASSIST_STAGE', lifecycleState: 'IN_PROGRESS', version: 2 });
  });

  it('`at` is optional', () => {
    given(created('VIRTUAL_AGENT_STAGE')).when({ type: 'HandOff' }).then(handedOff(undefined));
  });

  it('is one way, and idempotent: handing off again while in progress is accepted and changes nothing (a retried command)', () => {
    given(created('VIRTUAL_AGENT_STAGE'), handedOff()).when({ type: 'HandOff' }).then();
    given(created('HUMAN_ASSIST_STAGE')).when({ type: 'HandOff', at: '2026-11-23T10:05:00Z' }).then();
    const first = right(
      handOff(right(createConversation({ conversationProfile: profile, virtualAgent: true, name, startTime })).conversation),
    );
    const again = right(handOff(first.conversation));
    expect(again.events).toEqual([]);
    expect(again.conversation).toBe(first.conversation);
  });

  it('is refused once the conversation has completed', () => {
    given(created('VIRTUAL_AGENT_STAGE'), completed('2026-11-23T10:30:00Z'))
      .when({ type: 'HandOff' })
      .thenFails({ type: 'IllegalCommand', command: 'handOff', lifecycleState: 'COMPLETED', conversationStage: 'VIRTUAL_AGENT_STAGE' });
  });

  it('a bad or early `at` is an invalid argument', () => {
    given(created('VIRTUAL_AGENT_STAGE'))
      .when({ type: 'HandOff', at: 'later' })
      .thenFails({ type: 'InvalidArgument', errors: [{ path: 'at', message: expect.stringContaining('RFC 3339') }] });
    given(created('VIRTUAL_AGENT_STAGE')).when({ type: 'HandOff', at: '2026-11-23T09:59:59.999999999Z' }).thenFails({
      type: 'InvalidArgument',
      message: "at: 2026-11-23T09:59:59.999999999Z is before the conversation's startTime 2026-11-23T10:00:00Z",
    });
  });
});

describe('completing', () => {
  it('finishes a conversation in progress, at the given end time, in either stage', () => {
    const c = given(created('VIRTUAL_AGENT_STAGE'))
      .when({ type: 'Complete', at: '2026-11-23T10:30:00.5Z' })
      .then(completed('2026-11-23T10:30:00.500Z'));
    expect(c).toMatchObject({
      lifecycleState: 'COMPLETED',
      conversationStage: 'VIRTUAL_AGENT_STAGE',
      endTime: '2026-11-23T10:30:00.500Z',
      version: 2,
    });
    given(created('VIRTUAL_AGENT_STAGE'), handedOff()).when({ type: 'Complete', at: startTime }).then(completed(startTime));
  });

  it('again is accepted and changes nothing: no events, the same conversation, the same version', () => {
    const first = right(
      complete(
        right(createConversation({ conversationProfile: profile, virtualAgent: true, name, startTime })).conversation,
        '2026-11-23T10:30:00Z',
      ),
    );
    const again = right(complete(first.conversation, '2026-11-23T11:00:00Z'));
    expect(again.events).toEqual([]);
    expect(again.conversation).toBe(first.conversation);
    expect(again.conversation.version).toBe(2);
    expect(again.conversation.endTime).toBe('2026-11-23T10:30:00Z');
  });

  it('a bad `at` is refused even on a completed conversation', () => {
    given(created('VIRTUAL_AGENT_STAGE'), completed(startTime))
      .when({ type: 'Complete', at: '2026-11-23' })
      .thenFails({ type: 'InvalidArgument' });
    given(created('VIRTUAL_AGENT_STAGE')).when({ type: 'Complete', at: '2026-11-23T09:00:00Z' }).thenFails({ type: 'InvalidArgument' });
  });
});

describe('commands on decoded conversations', () => {
  it('keep every other field, unknown ones included, and grow the version by one per change', () => {
    const fetched = right(
      decodeConversation(
        {
          name,
          lifecycleState: 'IN_PROGRESS',
          conversationProfile: profile,
          startTime,
          conversationStage: 'VIRTUAL_AGENT_STAGE',
          phoneNumber: { phoneNumber: '+1 650' },
          telephonyConnectionInfo: { dialedNumber: '+1650' },
        },
        { version: 41 },
      ),
    );
    const handed = right(handOff(fetched, '2026-11-23T10:01:00Z'));
    const done = right(complete(handed.conversation, '2026-11-23T10:02:00Z'));
    expect(done.conversation).toEqual({
      ...fetched,
      conversationStage: 'HUMAN_ASSIST_STAGE',
      lifecycleState: 'COMPLETED',
      endTime: '2026-11-23T10:02:00Z',
      version: 43,
    });
    expect(handed.events).toEqual([handedOff('2026-11-23T10:01:00Z')]);
    expect(done.events).toEqual([completed('2026-11-23T10:02:00Z')]);
    expect(fetched.conversationStage).toBe('VIRTUAL_AGENT_STAGE');
  });
});

describe('evolve: events are facts', () => {
  it('a handoff is applied even after completion: it happened before the end', () => {
    const history = [created('VIRTUAL_AGENT_STAGE'), completed(startTime), handedOff()];
    const c = history.reduce<Conversation | undefined>((s, e) => evolve(s, e), undefined);
    expect(c).toMatchObject({ lifecycleState: 'COMPLETED', conversationStage: 'HUMAN_ASSIST_STAGE', version: 3 });
  });

  it('a fact that changes nothing returns the same conversation', () => {
    const c = evolve(evolve(undefined, created('HUMAN_ASSIST_STAGE')), handedOff());
    expect(c.version).toBe(1);
  });

  it('needs a conversation for anything but ConversationCreated', () => {
    // Never a throw: there is nothing to hand off, so there is still nothing.
    expect(evolve(undefined, handedOff())).toBeUndefined();
  });
});

describe('a command runs the machine once', () => {
  it('handOff and complete give what decide then evolve give, for any conversation and time (valid or not)', () => {
    const at = fc.oneof(canonicalTimestamp, fc.constant(undefined), fc.constant('2026-11-23T10:00:00.000+05:30'), fc.string());
    fc.assert(
      fc.property(aggregate, at, (conversation, time) => {
        expect(handOff(conversation, time)).toEqual(run({ type: 'HandOff', at: time }, conversation));
        expect(complete(conversation, time as string)).toEqual(run({ type: 'Complete', at: time as string }, conversation));
        const done = complete(conversation, time as string);
        if (done._tag === 'Right') {
          // And again on what it made: the version counts each change once.
          expect(handOff(done.right.conversation, time)).toEqual(run({ type: 'HandOff', at: time }, done.right.conversation));
        }
      }),
      { numRuns: 500 },
    );
  });
});
