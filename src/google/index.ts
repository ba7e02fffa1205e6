/**
 * `dialogflow-conversation/google`: Google's Node client (`@google-cloud/dialogflow`) and its
 * message objects, to and from the aggregate. Typed structurally: the client is not a dependency.
 *
 * @packageDocumentation
 */
export {
  fromGoogleConversation,
  type GoogleConversation,
  type GoogleConversationMessage,
  type GoogleTimestamp,
  type LongLike,
  type ToGoogleOptions,
  toGoogleConversation,
} from './google-client.js';
