/**
 * `dialogflow-conversation/wire`: the JSON wire format (ProtoJSON) of the Conversation resource and
 * its parts, as io-ts codecs and plain functions. Every codec takes both spellings of a field name,
 * enum names or numbers and `null` as absent, keeps fields it does not model, and reports every
 * problem with its path.
 *
 * @packageDocumentation
 */
export {
  type ConversationKey,
  type ConversationName,
  ConversationNameCodec,
  conversationKey,
  formatConversationName,
  parseConversationName,
  sameConversation,
} from './conversation-name.js';
export {
  type ConversationProfileName,
  ConversationProfileNameCodec,
  formatConversationProfileName,
  parseConversationProfileName,
  sameConversationProfile,
} from './conversation-profile-name.js';
export { type ConversationJson, type ConversationResource, ConversationResourceCodec } from './conversation-resource.js';
export { type ConversationStage, ConversationStageCodec } from './conversation-stage.js';
export { type DecodeError, fromValidationErrors } from './decode-error.js';
export { Int32Codec } from './int32.js';
export type { DecodeIssue } from './issue.js';
export type { JsonArray, JsonObject, JsonValue } from './json-value.js';
export { type LifecycleState, LifecycleStateCodec } from './lifecycle-state.js';
export type { UnknownFields } from './message.js';
export { type ConversationPhoneNumber, ConversationPhoneNumberCodec } from './phone-number.js';
export type { ResourceNameParts } from './resource-name.js';
export {
  compareTimestamps,
  type Duration,
  DurationCodec,
  durationToEpoch,
  type EpochTime,
  isTimestamp,
  type Timestamp,
  TimestampCodec,
  timestampFromEpoch,
  timestampToEpoch,
} from './well-known-types.js';
