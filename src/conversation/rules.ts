import { transition } from 'xstate';
import {
  type ConversationMachineEvent,
  type ConversationStage,
  conversationMachine,
  type LifecycleState,
} from '../../machines/conversation.machine.js';

/** The machine's event types: what can be asked of, or observed on, a conversation. */
export type ConversationEventType = ConversationMachineEvent['type'];

/** What the machine does with one event in one state. */
export interface Rule {
  /** Whether the machine has a transition for it (an illegal command when false). */
  readonly allowed: boolean;
  readonly lifecycleState: LifecycleState;
  readonly conversationStage: ConversationStage;
  /**
   * Whether it counts as a change (the version grows). For the events that carry data
   * (`data.observed`, `error.observed`): whether new data is joined and counted; data already
   * there changes nothing.
   */
  readonly changes: boolean;
  /** Whether the event's `at` becomes the end time. */
  readonly recordsEndTime: boolean;
}

export const LIFECYCLES: ReadonlyArray<LifecycleState> = ['IN_PROGRESS', 'COMPLETED'];
export const STAGES: ReadonlyArray<ConversationStage> = ['VIRTUAL_AGENT_STAGE', 'HUMAN_ASSIST_STAGE'];
export const EVENT_TYPES: ReadonlyArray<ConversationEventType> = [
  'handOff',
  'complete',
  'handOff.observed',
  'data.observed',
  'error.observed',
];

const PROBE_START = '2000-01-01T00:00:00Z';
const PROBE_AT = '2000-01-02T00:00:00Z';

/** One event of each type, carrying data the probe snapshot does not have yet. */
const probeEvent = (type: ConversationEventType): ConversationMachineEvent => {
  switch (type) {
    case 'data.observed':
      return { type, data: { phoneNumber: { phoneNumber: 'probe' } } };
    case 'error.observed':
      return { type, error: { messageId: 'probe' } };
    default:
      return { type, at: PROBE_AT };
  }
};

/**
 * Asks the machine, once, what each event does in each state, by running `transition()` on a probe
 * snapshot. The machine's guards look at states, and at the form of an event's `at`, which the
 * commands check first; so one probe per (state, event) answers for every well-formed event;
 * `test/rules.test.ts` checks that against `transition()` on real data for every state and event.
 */
const deriveRules = (): Readonly<Record<ConversationEventType, ReadonlyArray<Rule>>> => {
  const rules = {} as Record<ConversationEventType, Rule[]>;
  for (const type of EVENT_TYPES) rules[type] = [];
  for (const lifecycle of LIFECYCLES) {
    for (const stage of STAGES) {
      const snapshot = conversationMachine.resolveState({
        value: { lifecycle, stage },
        context: { version: 0, conversationProfile: 'projects/probe/conversationProfiles/probe', startTime: PROBE_START },
      });
      for (const type of EVENT_TYPES) {
        const event = probeEvent(type);
        const [next] = transition(conversationMachine, snapshot, event);
        const value = next.value as { lifecycle: LifecycleState; stage: ConversationStage };
        rules[type][stateIndex(lifecycle, stage)] = Object.freeze({
          allowed: snapshot.can(event),
          lifecycleState: value.lifecycle,
          conversationStage: value.stage,
          changes: next.context.version !== snapshot.context.version,
          recordsEndTime: next.context.endTime === PROBE_AT && snapshot.context.endTime !== PROBE_AT,
        });
      }
    }
  }
  return rules;
};

/** Position of a state pair in the derived table; a branch or two rather than a string key. */
const stateIndex = (lifecycle: LifecycleState, stage: ConversationStage): number =>
  (lifecycle === 'COMPLETED' ? 2 : 0) + (stage === 'HUMAN_ASSIST_STAGE' ? 1 : 0);

const RULES = deriveRules();

/**
 * What the machine does with `type` when a conversation is `lifecycle` in `stage`.
 *
 * @example
 * ```ts
 * ruleFor('COMPLETED', 'VIRTUAL_AGENT_STAGE', 'handOff').allowed; // false
 * ```
 */
export const ruleFor = (lifecycle: LifecycleState, stage: ConversationStage, type: ConversationEventType): Rule =>
  RULES[type][stateIndex(lifecycle, stage)]!;
