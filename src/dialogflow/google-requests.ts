import * as E from 'fp-ts/lib/Either.js';
import {
  ConversationNameCodec,
  type ConversationStage,
  describe,
  type InvalidArgument,
  invalidArgument,
  type LifecycleState,
} from './core.js';
import { type CreateConversationRequestInput, encodeCreateConversationRequest } from './create-conversation.js';
import { readListRequest } from './list-conversations.js';

/**
 * The requests of Google's Node client (`@google-cloud/dialogflow`, `v2.ConversationsClient`),
 * written structurally so that the client stays an optional peer: each is assignable to the
 * client's own `ICreateConversationRequest`, `IGetConversationRequest`, `ICompleteConversationRequest`
 * and `IListConversationsRequest` (checked by the tests).
 */

/** A CreateConversation request for Google's Node client (`ICreateConversationRequest`). */
export interface GoogleCreateConversationRequest {
  readonly parent: string;
  /** Only the input fields of a conversation: the API treats the others as output only. */
  readonly conversation: {
    readonly conversationProfile: string;
    readonly conversationStage?: ConversationStage;
  };
  readonly conversationId?: string;
}

/** A GetConversation request for Google's Node client (`IGetConversationRequest`). */
export interface GoogleGetConversationRequest {
  readonly name: string;
}

/** A CompleteConversation request for Google's Node client (`ICompleteConversationRequest`). */
export interface GoogleCompleteConversationRequest {
  readonly name: string;
}

/** A ListConversations request for Google's Node client (`IListConversationsRequest`). */
export interface GoogleListConversationsRequest {
  readonly parent: string;
  readonly pageSize?: number;
  readonly pageToken?: string;
  readonly filter?: string;
}

/** What to list, for {@link googleListConversationsRequest}. */
export interface GoogleListConversationsRequestInput {
  /** `projects/{project}` or `projects/{project}/locations/{location}`. */
  readonly parent: string;
  /** From 1 to 1000; the server's default is 100. */
  readonly pageSize?: number | undefined;
  /** The `nextPageToken` of the previous page. */
  readonly pageToken?: string | undefined;
  /** Only conversations in this state (the filter `lifecycle_state = "STATE"`). */
  readonly lifecycleState?: LifecycleState | undefined;
  /** An AIP-160 filter, sent as it is (the server checks it); not with `lifecycleState`. */
  readonly filter?: string | undefined;
}

/**
 * A CreateConversation request for Google's Node client: the same checks as
 * `encodeCreateConversationRequest` (parent, profile, stage, and `conversationId` against
 * `[a-zA-Z][a-zA-Z0-9_-]*`, 3 to 64 characters), each problem at its path.
 *
 * @example
 * ```ts
 * const request = googleCreateConversationRequest({
 *   parent: 'projects/acme/locations/global',
 *   conversation: { conversationProfile: 'projects/acme/locations/global/conversationProfiles/support' },
 *   conversationId: 'call-0001',
 * });
 * if (isRight(request)) await conversationsClient.createConversation(request.right);
 * ```
 */
export const googleCreateConversationRequest = (
  input: CreateConversationRequestInput,
): E.Either<InvalidArgument, GoogleCreateConversationRequest> => {
  const encoded = encodeCreateConversationRequest(input);
  if (E.isLeft(encoded)) return encoded;
  const { parent, conversationId, body } = encoded.right;
  const conversation = Object.freeze(
    body.conversationStage === undefined
      ? { conversationProfile: body.conversationProfile }
      : { conversationProfile: body.conversationProfile, conversationStage: body.conversationStage },
  );
  return E.right(Object.freeze(conversationId === undefined ? { parent, conversation } : { parent, conversation, conversationId }));
};

const nameRequest = (name: string): E.Either<InvalidArgument, { readonly name: string }> =>
  typeof name === 'string' && ConversationNameCodec.is(name)
    ? E.right(Object.freeze({ name }))
    : E.left(
        invalidArgument([
          {
            path: 'name',
            message: `expected a conversation name like projects/{project}/conversations/{id} or projects/{project}/locations/{location}/conversations/{id}, got ${describe(name)}`,
          },
        ]),
      );

/**
 * A GetConversation request for Google's Node client, the name checked.
 *
 * @example
 * ```ts
 * googleGetConversationRequest('projects/acme/conversations/c-42'); // right({ name: 'projects/acme/conversations/c-42' })
 * ```
 */
export const googleGetConversationRequest = (name: string): E.Either<InvalidArgument, GoogleGetConversationRequest> => nameRequest(name);

/**
 * A CompleteConversation request for Google's Node client, the name checked.
 *
 * @example
 * ```ts
 * googleCompleteConversationRequest('projects/acme/conversations/c-42'); // right({ name: 'projects/acme/conversations/c-42' })
 * ```
 */
export const googleCompleteConversationRequest = (name: string): E.Either<InvalidArgument, GoogleCompleteConversationRequest> =>
  nameRequest(name);

/**
 * A ListConversations request for Google's Node client (one page: pass it with `{ autoPaginate:
 * false }`, or use `listConversationsAsync`), each argument checked.
 *
 * @example
 * ```ts
 * googleListConversationsRequest({ parent: 'projects/acme', pageSize: 1000, lifecycleState: 'COMPLETED' });
 * // right({ parent: 'projects/acme', pageSize: 1000, filter: 'lifecycle_state = "COMPLETED"' })
 * ```
 */
export const googleListConversationsRequest = (
  input: GoogleListConversationsRequestInput,
): E.Either<InvalidArgument, GoogleListConversationsRequest> => readListRequest(input);
