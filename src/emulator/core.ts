/**
 * What the emulator uses of the core, in one place and only through its public entry points, so
 * that a rename there is a change here alone. The emulated conversations are the core's aggregate,
 * changed by its commands; responses and notifications are encoded by its codecs.
 */
export { toGoogleConversation } from '../google/index.js';
export {
  applyNotification,
  type Conversation,
  ConversationCodec,
  type ConversationKey,
  type ConversationName,
  type ConversationProfileName,
  type ConversationStage,
  complete,
  conversationKey,
  createConversation,
  decodeConversation,
  decodePushDelivery,
  encodeConversation,
  handOff,
  type LifecycleState,
  type Notification,
  type NotificationType,
  type Timestamp,
} from '../index.js';
export { decodeNotification, encodeNotification, type NotificationFormat } from '../notifications/index.js';
export {
  ConversationNameCodec,
  ConversationProfileNameCodec,
  parseConversationName,
  sameConversationProfile,
  TimestampCodec,
  timestampFromEpoch,
  timestampToEpoch,
} from '../wire/index.js';
// What a thrown value says, never throwing itself: the one the core uses.
export { causeText } from '../wire/issue.js';
// One segment of a resource name, as the wire format reads names.
export { isSegment } from '../wire/resource-name.js';
