import type * as E from 'fp-ts/lib/Either.js';
import { run } from '../conversation/commands.js';
import type { Conversation } from '../conversation/conversation.js';
import type { ConversationError } from '../conversation/errors.js';
import type { ConversationChange } from '../conversation/events.js';
import type { Notification } from './notification.js';

/**
 * Applies a Dialogflow notification to its conversation. `CONVERSATION_FINISHED` completes it
 * (again and again without harm), `HUMAN_INTERVENTION_NEEDED` hands it off (even once completed:
 * the handoff happened before the end), `UNRECOVERABLE_ERROR` records the error on
 * `unrecoverableErrors`; the other types change nothing. Pub/Sub delivers at least once and in any
 * order: whatever the order, and however often each arrives, the same notifications give the same
 * conversation, version included, and a notification applied twice changes nothing the second time.
 * A notification about another conversation is refused (`WrongConversation`).
 *
 * @example
 * ```ts
 * const result = applyNotification(conversation, notification);
 * if (isRight(result)) save(result.right.conversation, conversation.version); // then publish result.right.events
 * ```
 */
export const applyNotification = (
  conversation: Conversation,
  notification: Notification,
): E.Either<ConversationError, ConversationChange> => run({ type: 'ApplyNotification', notification }, conversation);
