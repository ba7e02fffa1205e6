import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import {
  type ConversationStage,
  complete,
  decodeConversation,
  evolve,
  handOff,
  type LifecycleState,
  toMachineSnapshot,
} from '../src/index.js';
import { conversationMachine, toMachineEvent } from '../src/machine/index.js';
import { aggregateWithFact } from './arbitraries.js';
import { right } from './helpers.js';

// The aggregate runs the machine's transitions, guards and actions itself (src/conversation/rules.ts),
// never by calling transition(): the one check that, for every state, every command and every fact,
// it answers exactly as the machine does: the same acceptance, the same next state, the same data
// and version, and no events when nothing changes.

const LIFECYCLES: LifecycleState[] = ['IN_PROGRESS', 'COMPLETED'];
const STAGES: ConversationStage[] = ['VIRTUAL_AGENT_STAGE', 'HUMAN_ASSIST_STAGE'];
const START = '2026-11-23T10:00:00Z';

describe('every command and every fact, in every state: the aggregate answers as transition() does', () => {
  it('handOff and complete, with and without a known end time, at any time after the start or at a malformed one', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LIFECYCLES),
        fc.constantFrom(...STAGES),
        fc.boolean(),
        fc.nat({ max: 10_000 }),
        fc.nat({ max: 1000 }),
        fc.constantFrom('handOff', 'handOff without at', 'complete', 'complete at a malformed time'),
        fc.constantFrom('yesterday', '2026-11-23 10:30:00Z', '2026-11-23T10:30:00', '2025-02-29T10:30:00Z', '2026-11-23T10:30:60Z'),
        (lifecycleState, conversationStage, knownEnd, minutes, version, command, malformed) => {
          const json = {
            name: 'projects/p/conversations/c',
            lifecycleState,
            conversationProfile: 'projects/p/conversationProfiles/support',
            startTime: START,
            ...(knownEnd && lifecycleState === 'COMPLETED' ? { endTime: '2026-11-23T10:30:00Z' } : {}),
            conversationStage,
          };
          const conversation = right(decodeConversation(json, { version }));
          const at =
            command === 'complete at a malformed time'
              ? malformed
              : new Date(Date.parse(START) + minutes * 60_000).toISOString().replace('.000Z', 'Z');
          const snapshot = toMachineSnapshot(conversation);
          const event = command.startsWith('complete')
            ? { type: 'complete' as const, at }
            : { type: 'handOff' as const, ...(command === 'handOff' ? { at } : {}) };
          const result = command.startsWith('complete')
            ? complete(conversation, at)
            : handOff(conversation, command === 'handOff' ? at : undefined);
          expect(result._tag === 'Right').toBe(snapshot.can(event));
          if (result._tag === 'Left') {
            expect(result.left).toMatchObject(
              command === 'complete at a malformed time'
                ? { type: 'InvalidArgument' }
                : { type: 'IllegalCommand', lifecycleState, conversationStage },
            );
            return;
          }
          const [next] = transition(conversationMachine, snapshot, event);
          const mine = toMachineSnapshot(result.right.conversation);
          expect(mine.value).toEqual(next.value);
          expect(mine.context).toEqual(next.context);
          expect(result.right.events.length > 0).toBe(next.context.version !== snapshot.context.version);
          if (result.right.events.length === 0) expect(result.right.conversation).toBe(conversation);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the facts (a handoff, a completion, observed data, a reported error), new, known or contradicting: evolve does what transition() does', () => {
    fc.assert(
      fc.property(aggregateWithFact, ({ conversation, event }) => {
        const machineEvent = toMachineEvent(event);
        if (machineEvent === undefined) throw new Error('a fact has a machine event');
        const snapshot = toMachineSnapshot(conversation);
        const [next] = transition(conversationMachine, snapshot, machineEvent);
        const evolved = evolve(conversation, event);
        expect(toMachineSnapshot(evolved).value).toEqual(next.value);
        expect(toMachineSnapshot(evolved).context).toEqual(next.context);
        // No change: the very same aggregate.
        if (next.context.version === conversation.version) expect(evolved).toBe(conversation);
      }),
      { numRuns: 3000 },
    );
  });
});
