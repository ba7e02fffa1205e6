/**
 * Everything this module takes from the core, in one place and only through its public entry
 * points, so that a rename in the core is one edit here.
 */

export { fromGoogleConversation, type GoogleConversation } from '../google/index.js';
export {
  applyNotification,
  type Conversation,
  type ConversationChange,
  type ConversationDomainEvent,
  type ConversationKey,
  type ConversationName,
  conversationKey,
  type DecodeError,
  decodePulledMessage,
  decodePushDelivery,
  fromPersistedSnapshot,
  type JsonObject,
  type JsonValue,
  type LifecycleState,
  type Notification,
  observe,
  type PulledMessage,
  stringifyConversation,
  stringifyPersistedSnapshot,
} from '../index.js';
export { ConversationNameCodec } from '../wire/index.js';
// How a thrown value and a value are shown in messages, never throwing: the ones the core uses.
export { causeText, describe } from '../wire/issue.js';
