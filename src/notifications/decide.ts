import * as E from 'fp-ts/lib/Either.js';
import { joinUnrecoverableError } from '../../machines/joins.js';
import type { Conversation, UnrecoverableError } from '../conversation/conversation.js';
import type { ConversationError } from '../conversation/errors.js';
import type { ConversationDomainEvent } from '../conversation/events.js';
import { ruleFor } from '../conversation/rules.js';
import { sameConversation } from '../wire/conversation-name.js';
import type { Notification } from './notification.js';

const NO_EVENTS: ReadonlyArray<ConversationDomainEvent> = Object.freeze([]);

const one = (event: ConversationDomainEvent): E.Either<ConversationError, ReadonlyArray<ConversationDomainEvent>> =>
  E.right(Object.freeze([Object.freeze(event)]));

/**
 * @internal What a notification does to a conversation: the facts it reports, as domain events.
 * Facts are joined, never refused, so the outcome does not depend on the order notifications
 * arrive in, nor on how often each arrives:
 * - `CONVERSATION_FINISHED` completes (the machine's `complete`; no end time: a notification does
 *   not carry one, and `publishTime` is not it);
 * - `HUMAN_INTERVENTION_NEEDED` hands off (`handOff.observed`, taken even once completed: it happened
 *   before the end), at its `publishTime`;
 * - `UNRECOVERABLE_ERROR` records the error (`error.observed`), once per distinct error;
 * - the other types change nothing.
 * A notification about another conversation is refused.
 */
export const decideNotification = (
  notification: Notification,
  state: Conversation,
): E.Either<ConversationError, ReadonlyArray<ConversationDomainEvent>> => {
  if (state.name === undefined || !sameConversation(state.name, notification.conversation)) {
    return E.left(
      Object.freeze({
        type: 'WrongConversation' as const,
        message:
          state.name === undefined
            ? `the notification is about ${notification.conversation}, and this conversation has no name yet: observe the created resource first`
            : `the notification is about ${notification.conversation}, not ${state.name}`,
        expected: state.name,
        actual: notification.conversation,
      }),
    );
  }
  const conversation = state.name;
  switch (notification.type) {
    case 'CONVERSATION_FINISHED':
      return ruleFor(state.lifecycleState, state.conversationStage, 'complete').changes
        ? one({ type: 'ConversationCompleted', data: Object.freeze({ conversation, endTime: undefined }) })
        : E.right(NO_EVENTS);
    case 'HUMAN_INTERVENTION_NEEDED':
      return ruleFor(state.lifecycleState, state.conversationStage, 'handOff.observed').changes
        ? one({ type: 'ConversationHandedOff', data: Object.freeze({ conversation, at: notification.delivery?.publishTime }) })
        : E.right(NO_EVENTS);
    case 'UNRECOVERABLE_ERROR': {
      const error: UnrecoverableError = Object.freeze({
        publishTime: notification.delivery?.publishTime,
        messageId: notification.delivery?.messageId,
        errorStatus: notification.errorStatus,
      });
      return ruleFor(state.lifecycleState, state.conversationStage, 'error.observed').changes &&
        joinUnrecoverableError(state.unrecoverableErrors, error) !== undefined
        ? one({ type: 'ConversationErrorRecorded', data: Object.freeze({ conversation, error }) })
        : E.right(NO_EVENTS);
    }
    default:
      return E.right(NO_EVENTS);
  }
};
