import { isObservedData, observedDataContradictions } from '../src/conversation/observed-data.js';
import { isUnrecoverableError } from '../src/conversation/unrecoverable-errors.js';
import { canonicalTimestampOf } from '../src/wire/well-known-types.js';
import type { ConversationMachineArgs } from './conversation.types.js';

/**
 * The guards that look at the context and the event: pure predicates, named in `setup` so the
 * inspector and the diagrams show them, and called by the aggregate under the same names.
 */
export const conversationGuards = {
  /** The create request asked for `HUMAN_ASSIST_STAGE` (skipping the virtual agent). */
  humanAssistStageRequested: ({ context }: ConversationMachineArgs): boolean => context.requestedConversationStage === 'HUMAN_ASSIST_STAGE',
  /** The profile has a virtual agent (`automatedAgentConfig`). */
  virtualAgentConfigured: ({ context }: ConversationMachineArgs): boolean => context.virtualAgent === true,
  /** The event's `at`, when given, is an RFC 3339 time: the context holds only valid, canonical data. */
  atIsTimestamp: ({ event }: ConversationMachineArgs): boolean =>
    !('at' in event) || event.at === undefined || canonicalTimestampOf(event.at) !== undefined,
  /**
   * Observed data in the form the wire format gives it, and agreeing with what is known: the same
   * conversation and profile, an end time no earlier than the one known (an end time only moves
   * later). Data that contradicts is stale, or about another conversation: not taken.
   */
  observedDataAgrees: ({ context, event }: ConversationMachineArgs): boolean =>
    event.type === 'data.observed' && isObservedData(event.data) && observedDataContradictions(context, event.data).length === 0,
  /** A reported error in the form the record takes. */
  reportedErrorIsValid: ({ event }: ConversationMachineArgs): boolean =>
    event.type === 'error.observed' && isUnrecoverableError(event.error),
};

/** The names of the guards above. */
export type ConversationGuardName = keyof typeof conversationGuards;

/**
 * The guards that look at the machine's own state (xstate's `stateIn`), as the state each one
 * requires: the machine wraps them with `stateIn`, the aggregate matches its states against them.
 */
export const conversationStateGuards = {
  /** The conversation is still in progress: the backend may hand it off only then. */
  isInProgress: { lifecycle: 'IN_PROGRESS' },
} as const;
