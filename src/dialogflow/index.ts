/**
 * `dialogflow-conversation/dialogflow`: the Conversations API: its requests, its list pages.
 *
 * @packageDocumentation
 */
export {
  type CreateConversationBody,
  type CreateConversationRequest,
  type CreateConversationRequestInput,
  encodeCreateConversationRequest,
} from './create-conversation.js';
export {
  decodeListConversationsResponse,
  encodeListConversationsRequest,
  type ListConversationsPage,
  type ListConversationsRequestInput,
  lifecycleStateFilter,
  parseListConversationsResponse,
} from './list-conversations.js';
