import { assign, setup, stateIn } from 'xstate';
import { conversationActions } from './conversation.actions.js';
import { conversationGuards, conversationStateGuards } from './conversation.guards.js';
import { ConversationInputError, type ConversationMachineInput, checkMachineInput, StartingStageError } from './conversation.input.js';
import type { ConversationMachineContext, ConversationMachineEvent } from './conversation.types.js';

export type * from './conversation.types.js';
export { ConversationInputError, type ConversationMachineInput, StartingStageError };

/**
 * The Dialogflow V2 conversation as a statechart with two regions:
 * - `lifecycle`: `IN_PROGRESS` → `COMPLETED`. Nothing leaves `COMPLETED`; completing again is
 *   accepted and changes nothing, as CompleteConversation is.
 * - `stage`: `VIRTUAL_AGENT_STAGE` → `HUMAN_ASSIST_STAGE`, one way. The starting stage comes from
 *   the input: a profile with a virtual agent starts with it unless `HUMAN_ASSIST_STAGE` is asked
 *   for; a profile without one starts in `HUMAN_ASSIST_STAGE`; asking for `VIRTUAL_AGENT_STAGE`
 *   without a virtual agent is an error (the actor fails with a {@link StartingStageError}).
 *
 * This is the only statement of what may happen to a conversation: the aggregate reads its
 * transitions from this chart and runs its guards and actions (`conversation.guards.ts`,
 * `conversation.actions.ts`) by name. Its context holds only valid, canonical data: input is
 * checked once (`checkMachineInput`; a {@link ConversationInputError} fails the actor), a `complete`
 * whose `at` is not RFC 3339 is refused, and facts are taken only in the form the wire format gives.
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
    // biome-ignore lint/suspicious/noConfusingVoidType: `| undefined` would be absorbed by xstate's optional `input`, making input required even to restore a snapshot; a new actor's input is checked at run time.
    input: {} as ConversationMachineInput | void,
  },
  guards: {
    ...conversationGuards,
    isInProgress: stateIn(conversationStateGuards.isInProgress),
  },
  actions: {
    countChange: assign(conversationActions.countChange),
    recordHandOff: assign(conversationActions.recordHandOff),
    recordEndTime: assign(conversationActions.recordEndTime),
    recordObservedData: assign(conversationActions.recordObservedData),
    recordUnrecoverableError: assign(conversationActions.recordUnrecoverableError),
  },
}).createMachine({
  id: 'conversation',
  type: 'parallel',
  // The input is copied into the context, checked once: the starting choice's guards read it there.
  context: ({ input }) => {
    const checked = checkMachineInput(input);
    if (Array.isArray(checked)) throw new ConversationInputError(checked);
    const { conversationProfile, virtualAgent, conversationStage, name, startTime } = checked as Exclude<
      typeof checked,
      ReadonlyArray<unknown>
    >;
    if (conversationStage === 'VIRTUAL_AGENT_STAGE' && !virtualAgent) {
      throw new StartingStageError(
        'VIRTUAL_AGENT_STAGE was requested, but the conversation profile has no virtual agent (automatedAgentConfig)',
      );
    }
    return {
      version: 1,
      ...(name === undefined ? {} : { name }),
      conversationProfile,
      startTime,
      virtualAgent,
      ...(conversationStage === undefined ? {} : { requestedConversationStage: conversationStage }),
    };
  },
  on: {
    // Facts that carry data: taken whatever the states, never moving them; only what is new counts.
    'data.observed': { guard: 'observedDataAgrees', actions: 'recordObservedData' },
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
            handOff: { guard: 'isInProgress', target: 'HUMAN_ASSIST_STAGE', actions: ['recordHandOff', 'countChange'] },
            'handOff.observed': { target: 'HUMAN_ASSIST_STAGE', actions: ['recordHandOff', 'countChange'] },
          },
        },
        HUMAN_ASSIST_STAGE: {
          description:
            'A human agent answers; Dialogflow listens and suggests. There is no way back. Handing off again while in progress is accepted and changes nothing.',
          on: {
            handOff: { guard: 'isInProgress', target: 'HUMAN_ASSIST_STAGE' },
            'handOff.observed': { target: 'HUMAN_ASSIST_STAGE' },
          },
        },
      },
    },
  },
});

/** The machine's type, for typing actors and snapshots. */
export type ConversationMachine = typeof conversationMachine;
