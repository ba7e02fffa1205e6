/**
 * `dialogflow-conversation/dialogflow`: the Conversations API: its requests (REST and Google's Node
 * client), its list pages, and a gateway that calls it through Google's client and answers in this
 * module's types: over a client you make (`dialogflowGateway`), or one it makes for an endpoint
 * (`openDialogflowGateway`, which loads the optional peer `@google-cloud/dialogflow` then, not
 * before).
 *
 * @packageDocumentation
 */
export {
  type CreateConversationBody,
  type CreateConversationRequest,
  type CreateConversationRequestInput,
  encodeCreateConversationRequest,
} from './create-conversation.js';
export { clientOptionsFor, type DialogflowClientOptions } from './endpoint.js';
export {
  type ConversationsClientLike,
  type CreateResult,
  type DialogflowGateway,
  dialogflowGateway,
  type GatewayCallOptions,
  type GatewayCreateInput,
  type GatewayListOptions,
  type GatewayOptions,
  type GetResult,
  type GoogleListConversationsResponse,
  type RefreshResult,
  type SweepOptions,
  type SweepOutcome,
  type SweepReport,
} from './gateway.js';
export {
  type CreateConflict,
  type Diverged,
  type GatewayError,
  type GatewayOperation,
  type GatewayRpc,
  GRPC_CODE_NAMES,
  type GrpcCodeName,
  grpcCodeName,
  type InvalidRequest,
  type InvalidResponse,
  isTransientCode,
  type RpcFailed,
  TRANSIENT_GRPC_CODES,
} from './gateway-error.js';
export {
  type GoogleCompleteConversationRequest,
  type GoogleCreateConversationRequest,
  type GoogleGetConversationRequest,
  type GoogleListConversationsRequest,
  type GoogleListConversationsRequestInput,
  googleCompleteConversationRequest,
  googleCreateConversationRequest,
  googleGetConversationRequest,
  googleListConversationsRequest,
} from './google-requests.js';
export {
  decodeListConversationsResponse,
  encodeListConversationsRequest,
  type ListConversationsPage,
  type ListConversationsRequestInput,
  lifecycleStateFilter,
  parseListConversationsResponse,
} from './list-conversations.js';
export {
  type ClosableDialogflowGateway,
  type GatewaySetupError,
  type OpenGatewayOptions,
  openDialogflowGateway,
} from './open-gateway.js';
