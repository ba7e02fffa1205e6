/**
 * dialogflow-conversation: the Dialogflow V2 `Conversation` resource as an immutable aggregate,
 * governed by an xstate v5 machine, with exact ProtoJSON codecs. This entry point has what most
 * backends need; the rest is in `dialogflow-conversation/machine`, `/wire`, `/notifications`,
 * `/google` and `/dialogflow`.
 *
 * @packageDocumentation
 */

// The aggregate: decode it, run commands on it, encode it.
export {
  ConversationCodec,
  type DecodeOptions,
  decodeConversation,
  encodeConversation,
  parseConversation,
  stringifyConversation,
} from './conversation/codec.js';
export { complete, createConversation, handOff, observe } from './conversation/commands.js';
export type { Conversation, UnrecoverableError } from './conversation/conversation.js';
export { type ConversationCommand, type CreateConversationInput, decide, evolve } from './conversation/decider.js';
export type {
  ConversationError,
  ConversationMissing,
  IllegalCommand,
  InvalidArgument,
  RegressedField,
  Regression,
  VirtualAgentUnavailable,
  WrongConversation,
} from './conversation/errors.js';
export type {
  ConversationChange,
  ConversationCompleted,
  ConversationCreated,
  ConversationDataObserved,
  ConversationDomainEvent,
  ConversationErrorRecorded,
  ConversationHandedOff,
} from './conversation/events.js';
// Persisting it: as a machine snapshot.
export {
  type ConversationSnapshot,
  fromMachineSnapshot,
  fromPersistedSnapshot,
  type PersistedConversation,
  stringifyPersistedSnapshot,
  toMachineSnapshot,
  toPersistedSnapshot,
} from './conversation/snapshot.js';
// What Dialogflow reports: notifications.
export { applyNotification } from './notifications/apply.js';
export type { ConversationEventNotification, Notification, PubSubDelivery, SuggestionNotification } from './notifications/notification.js';
export type { NotificationType } from './notifications/notification-type.js';
export { decodePulledMessage, type PulledMessage } from './notifications/pulled-message.js';
export { decodeNotificationData, decodePushDelivery, type NotificationDataOptions } from './notifications/push-delivery.js';
// The words of the wire format.
export { type ConversationKey, type ConversationName, conversationKey, sameConversation } from './wire/conversation-name.js';
export type { ConversationProfileName } from './wire/conversation-profile-name.js';
export type { ConversationJson } from './wire/conversation-resource.js';
export type { ConversationStage } from './wire/conversation-stage.js';
export type { DecodeError } from './wire/decode-error.js';
export type { DecodeIssue } from './wire/issue.js';
export type { JsonObject, JsonValue } from './wire/json-value.js';
export type { LifecycleState } from './wire/lifecycle-state.js';
export type { ConversationPhoneNumber } from './wire/phone-number.js';
export type { Timestamp } from './wire/well-known-types.js';
