/**
 * `dialogflow-conversation/notifications`: Dialogflow's notifications (`ConversationEvent`), decoded
 * from JSON or protobuf, from a Pub/Sub push or a pull subscriber, and applied to a conversation in
 * any order and any number of times with the same result.
 *
 * @packageDocumentation
 */
export { applyNotification } from './apply.js';
export {
  type ConversationEventNotification,
  type DecodeNotificationOptions,
  decodeNotification,
  encodeNotification,
  type NewerNotificationType,
  type Notification,
  NotificationCodec,
  type NotificationJson,
  type NotificationMessage,
  type PubSubDelivery,
  type SuggestionNotification,
} from './notification.js';
export { type NotificationType, NotificationTypeCodec } from './notification-type.js';
export { decodePulledMessage, type PulledMessage } from './pulled-message.js';
export { decodeNotificationData, decodePushDelivery, type NotificationDataOptions, type NotificationFormat } from './push-delivery.js';
