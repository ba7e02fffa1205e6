/**
 * dialogflow-conversation: the Dialogflow V2 `Conversation` resource as an immutable aggregate,
 * governed by an xstate v5 machine, with exact ProtoJSON codecs.
 *
 * @packageDocumentation
 */

// The machine: the single source of truth for what may happen next.
export {
  ConversationInputError,
  type ConversationLifecycle,
  type ConversationMachine,
  type ConversationMachineContext,
  type ConversationMachineEvent,
  type ConversationMachineInput,
  type ConversationStageName,
  type ConversationStateValue,
  conversationMachine,
  type ObservedConversationData,
  StartingStageError,
} from '../machines/conversation.machine.js';
export type { UnrecoverableErrorRecord } from '../machines/joins.js';
// The Conversations API: requests and list pages.
export {
  type CreateConversationBody,
  type CreateConversationRequest,
  type CreateConversationRequestInput,
  encodeCreateConversationRequest,
} from './api/create-conversation.js';
export {
  decodeListConversationsResponse,
  encodeListConversationsRequest,
  type ListConversationsPage,
  type ListConversationsRequestInput,
  lifecycleStateFilter,
  parseListConversationsResponse,
} from './api/list-conversations.js';
export {
  ConversationCodec,
  type ConversationCodecC,
  type DecodeOptions,
  decodeConversation,
  encodeConversation,
  parseConversation,
  stringifyConversation,
} from './conversation/codec.js';
export { complete, createConversation, handOff, observe } from './conversation/commands.js';
// The aggregate.
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
export { type ConversationEventType, type Rule, ruleFor } from './conversation/rules.js';
export { type ConversationSnapshot, fromMachineSnapshot, toMachineEvent, toMachineSnapshot } from './conversation/snapshot.js';
// Google's Node client: its message objects, to and from the aggregate.
export {
  fromGoogleConversation,
  type GoogleConversation,
  type GoogleConversationMessage,
  type GoogleTimestamp,
  type LongLike,
  type ToGoogleOptions,
  toGoogleConversation,
} from './google/google-client.js';
// Notifications: Dialogflow's ConversationEvent, from JSON, protobuf, or a Pub/Sub push.
export { applyNotification } from './notifications/apply.js';
export {
  decodeNotification,
  encodeNotification,
  type Notification,
  NotificationCodec,
  type NotificationCodecC,
  type NotificationJson,
  type PubSubDelivery,
} from './notifications/notification.js';
export { NOTIFICATION_TYPE_NUMBERS, NotificationType, type NotificationTypeC } from './notifications/notification-type.js';
export { decodePulledMessage, type PulledMessage } from './notifications/pulled-message.js';
export {
  decodeNotificationData,
  decodePushDelivery,
  type NotificationDataOptions,
  type NotificationFormat,
} from './notifications/push-delivery.js';
export {
  ConversationName,
  type ConversationNameBrand,
  type ConversationNameC,
  formatConversationName,
  parseConversationName,
  sameConversation,
} from './wire/conversation-name.js';
export {
  ConversationProfileName,
  type ConversationProfileNameBrand,
  type ConversationProfileNameC,
  formatConversationProfileName,
  parseConversationProfileName,
  sameConversationProfile,
} from './wire/conversation-profile-name.js';
export {
  type ConversationJson,
  ConversationResource,
  type ConversationResourceC,
} from './wire/conversation-resource.js';
export { ConversationStage, type ConversationStageC } from './wire/conversation-stage.js';
// The wire format (ProtoJSON).
export { type DecodeError, decodeError, fromValidationErrors } from './wire/decode-error.js';
export { Int32, type Int32C } from './wire/int32.js';
export type { DecodeIssue } from './wire/issue.js';
export type { JsonArray, JsonObject, JsonValue } from './wire/json-value.js';
export { LifecycleState, type LifecycleStateC } from './wire/lifecycle-state.js';
export type { UnknownFields } from './wire/message.js';
export {
  ConversationPhoneNumber,
  type ConversationPhoneNumberC,
  type ConversationPhoneNumberJson,
} from './wire/phone-number.js';
export type { ResourceNameParts } from './wire/resource-name.js';
export {
  compareTimestamps,
  type EpochTime,
  isTimestamp,
  Timestamp,
  type TimestampBrand,
  type TimestampC,
  timestampFromEpoch,
  timestampToEpoch,
} from './wire/timestamp.js';
