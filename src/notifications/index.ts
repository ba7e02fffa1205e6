/**
 * `dialogflow-conversation/notifications`: Dialogflow's notifications (`ConversationEvent`), decoded
 * from JSON or protobuf, from a Pub/Sub push or a pull subscriber, and applied to a conversation in
 * any order and any number of times with the same result.
 *
 * @packageDocumentation
 */
export { applyNotification } from './apply.js';
export {
  decodeNotification,
  encodeNotification,
  type Notification,
  NotificationCodec,
  type NotificationJson,
  type PubSubDelivery,
} from './notification.js';
export { type NotificationType, NotificationTypeCodec } from './notification-type.js';
export { decodePulledMessage, type PulledMessage } from './pulled-message.js';
export { decodeNotificationData, decodePushDelivery, type NotificationDataOptions, type NotificationFormat } from './push-delivery.js';
