import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { type ConversationEventType, EVENT_TYPES, ruleFor } from '../src/conversation/rules.js';
import { type ConversationStage, evolve, type LifecycleState, toMachineSnapshot } from '../src/index.js';
import { type ConversationMachineEvent, conversationMachine, toMachineEvent } from '../src/machine/index.js';
import { aggregateWithFact, canonicalTimestamp } from './arbitraries.js';

const LIFECYCLES: LifecycleState[] = ['IN_PROGRESS', 'COMPLETED'];
const STAGES: ConversationStage[] = ['VIRTUAL_AGENT_STAGE', 'HUMAN_ASSIST_STAGE'];
/** The events that move states; the ones that carry data are checked below, with data. */
const EVENTS: ConversationEventType[] = ['handOff', 'complete', 'handOff.observed'];
const ALL_EVENTS: ConversationEventType[] = [...EVENTS, 'data.observed', 'error.observed'];

describe('the rules the aggregate uses are the machine’s own', () => {
  it('for every state, every event, with or without `at`, on any data: the same answer as transition()', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LIFECYCLES),
        fc.constantFrom(...STAGES),
        fc.constantFrom(...EVENTS),
        fc.option(canonicalTimestamp, { nil: undefined }),
        fc.option(canonicalTimestamp, { nil: undefined }),
        fc.nat(),
        (lifecycle, stage, type, at, endTime, version) => {
          const snapshot = conversationMachine.resolveState({
            value: { lifecycle, stage },
            context: {
              version,
              conversationProfile: 'projects/p/conversationProfiles/x',
              startTime: '0001-01-01T00:00:00Z',
              ...(endTime ? { endTime } : {}),
            },
          });
          const event = { type, at } as ConversationMachineEvent;
          const [next] = transition(conversationMachine, snapshot, event);
          const rule = ruleFor(lifecycle, stage, type);
          expect(rule.allowed).toBe(snapshot.can(event));
          expect({ lifecycle: rule.lifecycleState, stage: rule.conversationStage }).toEqual(next.value);
          expect(version + (rule.changes ? 1 : 0)).toBe(next.context.version);
          expect(rule.recordsEndTime && at !== undefined ? at : endTime).toBe(next.context.endTime);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('covers the whole table', () => {
    expect([...EVENT_TYPES].sort()).toEqual([...ALL_EVENTS].sort());
    const table = LIFECYCLES.flatMap((l) => STAGES.flatMap((s) => ALL_EVENTS.map((e) => [l, s, e, ruleFor(l, s, e)] as const)));
    expect(table.filter(([, , , r]) => r.allowed).map(([l, s, e]) => `${l} ${s} ${e}`)).toEqual([
      'IN_PROGRESS VIRTUAL_AGENT_STAGE handOff',
      'IN_PROGRESS VIRTUAL_AGENT_STAGE complete',
      'IN_PROGRESS VIRTUAL_AGENT_STAGE handOff.observed',
      'IN_PROGRESS VIRTUAL_AGENT_STAGE data.observed',
      'IN_PROGRESS VIRTUAL_AGENT_STAGE error.observed',
      'IN_PROGRESS HUMAN_ASSIST_STAGE complete',
      'IN_PROGRESS HUMAN_ASSIST_STAGE handOff.observed',
      'IN_PROGRESS HUMAN_ASSIST_STAGE data.observed',
      'IN_PROGRESS HUMAN_ASSIST_STAGE error.observed',
      'COMPLETED VIRTUAL_AGENT_STAGE complete',
      'COMPLETED VIRTUAL_AGENT_STAGE handOff.observed',
      'COMPLETED VIRTUAL_AGENT_STAGE data.observed',
      'COMPLETED VIRTUAL_AGENT_STAGE error.observed',
      'COMPLETED HUMAN_ASSIST_STAGE complete',
      'COMPLETED HUMAN_ASSIST_STAGE handOff.observed',
      'COMPLETED HUMAN_ASSIST_STAGE data.observed',
      'COMPLETED HUMAN_ASSIST_STAGE error.observed',
    ]);
    // The facts that carry data never move a state, and count as a change when they are new.
    for (const [l, s, e, r] of table) {
      if (e === 'data.observed' || e === 'error.observed') {
        expect(r).toEqual({ allowed: true, lifecycleState: l, conversationStage: s, changes: true, recordsEndTime: false });
      }
    }
  });

  it('for the facts that carry data, on any conversation and any data, new or known: evolve does what transition() does', () => {
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
