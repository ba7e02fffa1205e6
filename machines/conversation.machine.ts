import { assign, type EventObject, setup, stateIn } from 'xstate';
import { conversationNameKind } from '../src/wire/conversation-name.js';
import { conversationProfileNameKind } from '../src/wire/conversation-profile-name.js';
import type { ConversationStage } from '../src/wire/conversation-stage.js';
import { formatIssue } from '../src/wire/decode-error.js';
import type { IssueSink } from '../src/wire/issue.js';
import type { JsonObject } from '../src/wire/json-value.js';
import type { LifecycleState } from '../src/wire/lifecycle-state.js';
import { canonicalTimestampOf, readTimestamp } from '../src/wire/timestamp.js';
import {
  isObservedData,
  isUnrecoverableErrorRecord,
  joinObservedData,
  joinUnrecoverableError,
  sameJson,
  type UnrecoverableErrorRecord,
} from './joins.js';

export type { ConversationStage, LifecycleState };

/** The machine's state value: one state per region. */
export interface ConversationStateValue {
  readonly lifecycle: LifecycleState;
  readonly stage: ConversationStage;
}

/** What starting a conversation needs: the facts of a CreateConversation call. */
export interface ConversationMachineInput {
  /** The conversation profile's resource name. */
  readonly conversationProfile: string;
  /** Whether the profile has a Dialogflow virtual agent (`automatedAgentConfig`). */
  readonly virtualAgent: boolean;
  /** The stage the create request asks for, if any. */
  readonly conversationStage?: ConversationStage | undefined;
  readonly name?: string | undefined;
  /** RFC 3339. The aggregate passes it canonical (UTC); `createConversation` accepts any offset. */
  readonly startTime: string;
}

/**
 * The conversation's data other than its states, as canonical ProtoJSON values, plus its version.
 * Plain JSON, so snapshots persist and show in the inspector as they are.
 */
export interface ConversationMachineContext {
  /** Grows by one with every change, for optimistic concurrency. */
  readonly version: number;
  readonly name?: string;
  readonly conversationProfile: string;
  readonly startTime: string;
  readonly endTime?: string;
  readonly phoneNumber?: JsonObject;
  /** Fields kept verbatim (telephonyConnectionInfo, newer fields...), by JSON name. */
  readonly unknownFields?: JsonObject;
  /** The unrecoverable errors Dialogflow reported, distinct, sorted by publishTime then messageId. */
  readonly unrecoverableErrors?: ReadonlyArray<UnrecoverableErrorRecord>;
}

/**
 * Output-only data of a fetched conversation resource, as canonical ProtoJSON values. Only what is
 * present is joined (see `joinObservedData`).
 */
export interface ObservedConversationData {
  readonly name?: string | undefined;
  readonly startTime?: string | undefined;
  readonly endTime?: string | undefined;
  readonly phoneNumber?: JsonObject | undefined;
  readonly unknownFields?: JsonObject | undefined;
}

/**
 * What can happen to a conversation.
 * - `handOff`: the backend hands the conversation to a human agent.
 * - `complete`: the conversation is completed (CompleteConversation, or Dialogflow reporting that it
 *   finished); `at`, when known, becomes its end time.
 * - `handOff.observed`: Dialogflow moved the conversation to a human agent (seen in a notification or
 *   a fetched resource). A fact, so accepted even once the conversation has completed: it happened
 *   before the end.
 * - `data.observed`: a fetched resource reported output-only data (a name for a conversation created
 *   here, an end time learnt after a notification completed it, a phone number, kept fields). A
 *   fact, taken in every state; it changes the context (and the version) only when it is new.
 * - `error.observed`: Dialogflow reported an unrecoverable error (an `UNRECOVERABLE_ERROR`
 *   notification). A fact, taken in every state; recorded once, however often it is delivered.
 */
export type ConversationMachineEvent =
  | { readonly type: 'handOff'; readonly at?: string | undefined }
  | { readonly type: 'complete'; readonly at?: string | undefined }
  | { readonly type: 'handOff.observed'; readonly at?: string | undefined }
  | { readonly type: 'data.observed'; readonly data: ObservedConversationData }
  | { readonly type: 'error.observed'; readonly error: UnrecoverableErrorRecord };

/** Thrown by the machine when its input asks for what the profile cannot do. */
export class StartingStageError extends Error {
  override readonly name = 'StartingStageError';
}

/**
 * Thrown by the machine when its input is not a new conversation's: a missing or mistyped field, a
 * malformed resource name, a time that is not RFC 3339. The message lists each problem with its path.
 */
export class ConversationInputError extends Error {
  override readonly name = 'ConversationInputError';
}

const isMachineInput = (u: unknown): u is ConversationMachineInput => {
  if (typeof u !== 'object' || u === null) return false;
  const i = u as Record<string, unknown>;
  return (
    typeof i.conversationProfile === 'string' &&
    typeof i.virtualAgent === 'boolean' &&
    typeof i.startTime === 'string' &&
    (i.name === undefined || typeof i.name === 'string') &&
    (i.conversationStage === undefined || i.conversationStage === 'VIRTUAL_AGENT_STAGE' || i.conversationStage === 'HUMAN_ASSIST_STAGE')
  );
};

/** The input of the `xstate.init` event, which xstate passes to the initial state's guards. */
const startingInput = (event: EventObject): ConversationMachineInput | undefined =>
  event.type === 'xstate.init' ? (event as EventObject & { input?: ConversationMachineInput }).input : undefined;

/**
 * The Dialogflow V2 conversation as a statechart with two regions:
 * - `lifecycle`: `IN_PROGRESS` → `COMPLETED`. Nothing leaves `COMPLETED`; completing again is
 *   accepted and changes nothing, as CompleteConversation is.
 * - `stage`: `VIRTUAL_AGENT_STAGE` → `HUMAN_ASSIST_STAGE`, one way. The starting stage comes from
 *   the input: a profile with a virtual agent starts with it unless `HUMAN_ASSIST_STAGE` is asked
 *   for; a profile without one starts in `HUMAN_ASSIST_STAGE`; asking for `VIRTUAL_AGENT_STAGE`
 *   without a virtual agent is an error (the actor fails with a {@link StartingStageError}).
 *
 * Its context holds only valid, canonical data: input with a malformed name or time fails the actor
 * (a {@link ConversationInputError}), a `complete` whose `at` is not RFC 3339 is refused
 * (`atIsTimestamp`), and an `at` with an offset is kept in UTC. Facts are taken only in the form
 * `toMachineEvent` gives them (`observedDataIsValid`, `reportedErrorIsValid`).
 *
 * The aggregate (`src/conversation`) derives its rules from this machine; nothing else states them.
 *
 * @example
 * ```ts
 * const actor = createActor(conversationMachine, {
 *   input: { conversationProfile: 'projects/p/conversationProfiles/support', virtualAgent: true, startTime: '2026-11-23T10:00:00Z' },
 * }).start();
 * actor.send({ type: 'handOff' });
 * actor.getSnapshot().value; // { lifecycle: 'IN_PROGRESS', stage: 'HUMAN_ASSIST_STAGE' }
 * ```
 */
export const conversationMachine = setup({
  types: {
    context: {} as ConversationMachineContext,
    events: {} as ConversationMachineEvent,
    // No `input` type here: xstate would then require input even when an actor is restored from a
    // snapshot, which needs none. The context factory checks the input at run time instead.
  },
  guards: {
    humanAssistStageRequested: ({ event }) => startingInput(event)?.conversationStage === 'HUMAN_ASSIST_STAGE',
    virtualAgentConfigured: ({ event }) => startingInput(event)?.virtualAgent === true,
    isInProgress: stateIn({ lifecycle: 'IN_PROGRESS' }),
    // The context holds only valid, canonical data: a completion at a time that is not RFC 3339 is refused.
    atIsTimestamp: ({ event }) => !('at' in event) || event.at === undefined || canonicalTimestampOf(event.at) !== undefined,
    // Facts are joined only in the form the wire format gives them (see `toMachineEvent`).
    observedDataIsValid: ({ event }) => event.type === 'data.observed' && isObservedData(event.data),
    reportedErrorIsValid: ({ event }) => event.type === 'error.observed' && isUnrecoverableErrorRecord(event.error),
  },
  actions: {
    countChange: assign({ version: ({ context }) => context.version + 1 }),
    recordEndTime: assign(({ event }) => {
      const endTime = event.type === 'complete' ? canonicalTimestampOf(event.at) : undefined;
      return endTime === undefined ? {} : { endTime };
    }),
    // The two joins below count their own change: only a new fact grows the version. Whether a fact
    // is new depends on the context, which the joins compare; the guards check only its form.
    recordObservedData: assign(({ context, event }) => {
      if (event.type !== 'data.observed') return {};
      const changed = joinObservedData(context, event.data, sameJson);
      return changed === undefined ? {} : { ...changed, version: context.version + 1 };
    }),
    recordUnrecoverableError: assign(({ context, event }) => {
      if (event.type !== 'error.observed') return {};
      const recorded = joinUnrecoverableError(context.unrecoverableErrors, event.error);
      return recorded === undefined ? {} : { unrecoverableErrors: recorded, version: context.version + 1 };
    }),
  },
}).createMachine({
  id: 'conversation',
  type: 'parallel',
  context: ({ input }: { input: unknown }) => {
    if (!isMachineInput(input)) {
      throw new ConversationInputError(
        'a new conversation needs input { conversationProfile: string, virtualAgent: boolean, startTime: string, conversationStage?, name? }',
      );
    }
    const issues: IssueSink = [];
    conversationProfileNameKind.read(input.conversationProfile, issues, '', 'conversationProfile');
    if (input.name !== undefined) conversationNameKind.read(input.name, issues, '', 'name');
    const startTime = readTimestamp(input.startTime, issues, '', 'startTime');
    if (issues.length > 0) throw new ConversationInputError(issues.map(formatIssue).join('; '));
    if (input.conversationStage === 'VIRTUAL_AGENT_STAGE' && !input.virtualAgent) {
      throw new StartingStageError(
        'VIRTUAL_AGENT_STAGE was requested, but the conversation profile has no virtual agent (automatedAgentConfig)',
      );
    }
    return {
      version: 1,
      ...(input.name === undefined ? {} : { name: input.name }),
      conversationProfile: input.conversationProfile,
      startTime: startTime as string,
    };
  },
  on: {
    // Facts that carry data: taken whatever the states, never moving them.
    'data.observed': { guard: 'observedDataIsValid', actions: 'recordObservedData' },
    'error.observed': { guard: 'reportedErrorIsValid', actions: 'recordUnrecoverableError' },
  },
  states: {
    lifecycle: {
      description: 'Conversation.lifecycle_state',
      initial: 'IN_PROGRESS',
      states: {
        IN_PROGRESS: {
          description: 'Created and not yet finished.',
          on: {
            complete: { guard: 'atIsTimestamp', target: 'COMPLETED', actions: ['recordEndTime', 'countChange'] },
          },
        },
        COMPLETED: {
          description: 'Finished. Completing again is accepted (Dialogflow allows repeated CompleteConversation) and changes nothing.',
          on: {
            complete: { guard: 'atIsTimestamp', target: 'COMPLETED' },
          },
        },
      },
    },
    stage: {
      description: 'Conversation.conversation_stage',
      initial: 'starting',
      states: {
        starting: {
          description: 'Chooses the starting stage from the conversation profile and the create request.',
          always: [
            { guard: 'humanAssistStageRequested', target: 'HUMAN_ASSIST_STAGE' },
            { guard: 'virtualAgentConfigured', target: 'VIRTUAL_AGENT_STAGE' },
            { target: 'HUMAN_ASSIST_STAGE' },
          ],
        },
        VIRTUAL_AGENT_STAGE: {
          description: 'A Dialogflow virtual agent answers the customer.',
          on: {
            handOff: { guard: 'isInProgress', target: 'HUMAN_ASSIST_STAGE', actions: 'countChange' },
            'handOff.observed': { target: 'HUMAN_ASSIST_STAGE', actions: 'countChange' },
          },
        },
        HUMAN_ASSIST_STAGE: {
          description: 'A human agent answers; Dialogflow listens and suggests. There is no way back.',
          on: {
            'handOff.observed': { target: 'HUMAN_ASSIST_STAGE' },
          },
        },
      },
    },
  },
});

/** The machine's type, for typing actors and snapshots. */
export type ConversationMachine = typeof conversationMachine;
