import * as E from 'fp-ts/lib/Either.js';
import { type Either, isLeft } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { getInitialSnapshot, type SnapshotFrom } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import {
  type Conversation,
  type ConversationError,
  type ConversationPhoneNumber,
  complete,
  createConversation,
  evolve,
  handOff,
  type Timestamp,
  toMachineSnapshot,
  type UnrecoverableError,
} from '../src/index.js';
import { type ConversationMachineEvent, type ConversationMachineInput, conversationMachine } from '../src/machine/index.js';
import { right } from './helpers.js';

type Snapshot = SnapshotFrom<typeof conversationMachine>;

const base = {
  conversationProfile: 'projects/p/conversationProfiles/support',
  name: 'projects/p/conversations/c',
  startTime: '2026-11-23T10:00:00Z',
};
const STARTS: ReadonlyArray<ConversationMachineInput> = [
  { ...base, virtualAgent: true },
  { ...base, virtualAgent: true, conversationStage: 'HUMAN_ASSIST_STAGE' },
  { ...base, virtualAgent: false },
];
const EVENTS: ReadonlyArray<ConversationMachineEvent> = [
  { type: 'handOff', at: '2026-11-23T10:05:00Z' },
  { type: 'handOff' },
  { type: 'complete', at: '2026-11-23T10:30:00Z' },
  { type: 'complete' },
  { type: 'handOff.observed', at: '2026-11-23T10:04:00Z' },
  { type: 'data.observed', data: { endTime: '2026-11-23T10:31:00Z', phoneNumber: { phoneNumber: '+1 650' } } },
  { type: 'error.observed', error: { publishTime: '2026-11-23T10:03:00Z', messageId: '7', errorStatus: { code: 9 } } },
];

/** What the aggregate does with the machine event: the command where there is one, else the fact. */
const applyToAggregate = (c: Conversation, event: ConversationMachineEvent): Either<ConversationError, { conversation: Conversation }> => {
  switch (event.type) {
    case 'handOff':
      return handOff(c, event.at);
    case 'complete':
      return event.at === undefined
        ? E.right({ conversation: evolve(c, { type: 'ConversationCompleted', data: { conversation: c.name } }) })
        : complete(c, event.at);
    case 'handOff.observed':
      return E.right({ conversation: evolve(c, { type: 'ConversationHandedOff', data: { conversation: c.name } }) });
    case 'data.observed':
      return E.right({
        conversation: evolve(c, {
          type: 'ConversationDataObserved',
          data: {
            conversation: c.name,
            endTime: event.data.endTime as Timestamp,
            phoneNumber: event.data.phoneNumber as ConversationPhoneNumber,
          },
        }),
      });
    case 'error.observed':
      return E.right({
        conversation: evolve(c, {
          type: 'ConversationErrorRecorded',
          data: { conversation: c.name, error: event.error as UnrecoverableError },
        }),
      });
  }
};

const sameState = (c: Conversation, snapshot: Snapshot) => {
  const mine = toMachineSnapshot(c);
  expect(mine.value).toEqual(snapshot.value);
  expect(mine.context).toEqual(snapshot.context);
};

describe('model-based: the aggregate agrees with the machine on every path', () => {
  for (const input of STARTS) {
    it(`from ${JSON.stringify({ virtualAgent: input.virtualAgent, conversationStage: input.conversationStage })}`, () => {
      const paths = getSimplePaths(conversationMachine, { input, events: EVENTS });
      expect(paths.length).toBeGreaterThan(1);
      let steps = 0;
      for (const path of paths) {
        let c = right(createConversation(input)).conversation;
        let previous: Snapshot = getInitialSnapshot(conversationMachine, input);
        sameState(c, previous);
        for (const step of path.steps) {
          if ((step.event as { type: string }).type === 'xstate.init') continue;
          // At every state, every event: the aggregate accepts exactly what the machine accepts.
          for (const event of EVENTS) {
            const result = applyToAggregate(c, event);
            expect(!isLeft(result)).toBe(previous.can(event));
          }
          const result = applyToAggregate(c, step.event);
          c = right(result).conversation;
          sameState(c, step.state);
          previous = step.state;
          steps++;
        }
      }
      expect(steps).toBeGreaterThan(0);
    });
  }

  it('reaches all four state pairs', () => {
    const seen = new Set<string>();
    for (const input of STARTS) {
      for (const path of getSimplePaths(conversationMachine, { input, events: EVENTS })) seen.add(JSON.stringify(path.state.value));
    }
    expect([...seen].sort()).toEqual(
      [
        { lifecycle: 'COMPLETED', stage: 'HUMAN_ASSIST_STAGE' },
        { lifecycle: 'COMPLETED', stage: 'VIRTUAL_AGENT_STAGE' },
        { lifecycle: 'IN_PROGRESS', stage: 'HUMAN_ASSIST_STAGE' },
        { lifecycle: 'IN_PROGRESS', stage: 'VIRTUAL_AGENT_STAGE' },
      ]
        .map((v) => JSON.stringify(v))
        .sort(),
    );
  });

  it('a start the machine refuses, the aggregate refuses too', () => {
    const input = { ...base, virtualAgent: false, conversationStage: 'VIRTUAL_AGENT_STAGE' as const };
    expect(getInitialSnapshot(conversationMachine, input).status).toBe('error');
    expect(createConversation(input)).toMatchObject({ _tag: 'Left', left: { type: 'VirtualAgentUnavailable' } });
  });
});
