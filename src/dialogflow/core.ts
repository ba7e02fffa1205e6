/**
 * What this folder's gateway and request builders use of the core, in one place and only through
 * its public entry points, so that a rename there is a change here alone.
 */

// What a thrown value says and how a value is shown in messages, never throwing: the ones the core uses.
export { invalidArgument, unreadableArgument } from '../conversation/errors.js';
export { fromGoogleConversation, type GoogleConversation } from '../google/index.js';
export {
  type Conversation,
  type ConversationChange,
  type ConversationDomainEvent,
  type ConversationError,
  type ConversationProfileName,
  type ConversationStage,
  createConversation,
  type DecodeError,
  type DecodeIssue,
  type InvalidArgument,
  type LifecycleState,
  observe,
} from '../index.js';
export { unreadableInput } from '../wire/decode-error.js';
export { ConversationNameCodec, sameConversationProfile, TimestampCodec, timestampToEpoch } from '../wire/index.js';
export { causeText, describe } from '../wire/issue.js';
