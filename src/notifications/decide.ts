import * as E from 'fp-ts/lib/Either.js';
import type { Conversation } from '../conversation/conversation.js';
import { type ConversationError, invalidArgument } from '../conversation/errors.js';
import { type ConversationDomainEvent, toMachineEvent } from '../conversation/events.js';
import { answer } from '../conversation/rules.js';
import type { UnrecoverableError } from '../conversation/unrecoverable-errors.js';
import { sameConversation } from '../wire/conversation-name.js';
import { type DecodeIssue, describe } from '../wire/issue.js';
import { isTimestamp } from '../wire/well-known-types.js';
import type { ConversationEventNotification, Notification } from './notification.js';

const NO_EVENTS: ReadonlyArray<ConversationDomainEvent> = Object.freeze([]);

/** Why the machine would not take a notification's fact: its parts are not in the form decoding gives. */
const malformedNotification = (notification: ConversationEventNotification): DecodeIssue[] => {
  const issues: DecodeIssue[] = [];
  const time = notification.delivery?.publishTime;
  if (time !== undefined && !isTimestamp(time)) {
    issues.push({
      path: 'delivery.publishTime',
      message: `expected a canonical RFC 3339 timestamp (decode the delivery first), got ${describe(time)}`,
    });
  }
  if (notification.delivery !== undefined && typeof notification.delivery.messageId !== 'string') {
    issues.push({ path: 'delivery.messageId', message: `expected a string, got ${describe(notification.delivery.messageId)}` });
  }
  if (notification.errorStatus !== undefined && (typeof notification.errorStatus !== 'object' || notification.errorStatus === null)) {
    issues.push({ path: 'errorStatus', message: `expected a google.rpc.Status object, got ${describe(notification.errorStatus)}` });
  }
  return issues.length > 0
    ? issues
    : [{ path: '', message: 'expected a notification as decoding gives it (decodeNotification, decodePushDelivery)' }];
};

/** The fact a notification reports, as a domain event; `undefined` for the types that report none. */
const factOf = (
  notification: ConversationEventNotification,
  state: Conversation & { name: NonNullable<Conversation['name']> },
): ConversationDomainEvent | undefined => {
  const conversation = state.name;
  switch (notification.type) {
    case 'CONVERSATION_FINISHED':
      // No end time: a notification does not carry one, and publishTime is not it.
      return { type: 'ConversationCompleted', data: Object.freeze({ conversation, endTime: undefined }) };
    case 'HUMAN_INTERVENTION_NEEDED':
      return { type: 'ConversationHandedOff', data: Object.freeze({ conversation, at: notification.delivery?.publishTime }) };
    case 'UNRECOVERABLE_ERROR': {
      const error: UnrecoverableError = Object.freeze({
        publishTime: notification.delivery?.publishTime,
        messageId: notification.delivery?.messageId,
        errorStatus: notification.errorStatus,
      });
      return { type: 'ConversationErrorRecorded', data: Object.freeze({ conversation, error }) };
    }
    default:
      return undefined;
  }
};

/**
 * @internal What a notification does to a conversation: the fact it reports, as a domain event,
 * when the machine's rules say it changes something. Facts are never refused, so the outcome does
 * not depend on the order notifications arrive in, nor on how often each arrives:
 * - `CONVERSATION_FINISHED` completes (the machine's `complete`);
 * - `HUMAN_INTERVENTION_NEEDED` hands off (`handOff.observed`, taken even once completed: it
 *   happened before the end), at its `publishTime`;
 * - `UNRECOVERABLE_ERROR` records the error (`error.observed`), once per distinct error;
 * - the other types change nothing, and so does a type newer than this library, and a suggestion
 *   notification (`HumanAgentAssistantEvent`).
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
  // A suggestion (a HumanAgentAssistantEvent) reports no fact about the conversation's states.
  if (notification.kind !== 'ConversationEvent') return E.right(NO_EVENTS);
  const fact = factOf(notification, state as Conversation & { name: NonNullable<Conversation['name']> });
  const machineEvent = fact === undefined ? undefined : toMachineEvent(fact);
  if (fact === undefined || machineEvent === undefined) return E.right(NO_EVENTS);
  const answered = answer(state, machineEvent);
  // Facts are always taken in the form decoding gives them: a refusal means a hand-made notification.
  if (answered === 'refused') return E.left(invalidArgument(malformedNotification(notification)));
  return answered === 'unchanged' ? E.right(NO_EVENTS) : E.right(Object.freeze([Object.freeze(fact)]));
};
