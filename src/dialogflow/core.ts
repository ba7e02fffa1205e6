/**
 * What this folder's gateway and request builders use of the core, in one place and only through
 * its public entry points, so that a rename there is a change here alone.
 */
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
export { ConversationNameCodec, sameConversationProfile, TimestampCodec, timestampToEpoch } from '../wire/index.js';
// What a thrown value says, never throwing itself: the one the core uses.
export { causeText } from '../wire/issue.js';
