import * as E from 'fp-ts/lib/Either.js';
import { ConversationNameCodec, type ConversationStage, type DecodeIssue, type InvalidArgument, type LifecycleState } from './core.js';
import { type CreateConversationRequestInput, encodeCreateConversationRequest } from './create-conversation.js';
import { lifecycleStateFilter } from './list-conversations.js';
import { parentKind } from './parent.js';

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

/** @internal A short rendering of a value for messages: strings quoted and cut, the rest by kind. */
export const shown = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
};

/** @internal An `InvalidArgument` of this module's own checks. */
export const invalidRequest = (errors: ReadonlyArray<DecodeIssue>): InvalidArgument =>
  Object.freeze({
    type: 'InvalidArgument' as const,
    message: errors.map((e) => (e.path === '' ? e.message : `${e.path}: ${e.message}`)).join('\n'),
    errors: Object.freeze(errors.map((e) => Object.freeze({ path: e.path, message: e.message }))),
  });

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
  ConversationNameCodec.is(name)
    ? E.right(Object.freeze({ name }))
    : E.left(
        invalidRequest([
          {
            path: 'name',
            message: `expected a conversation name like projects/{project}/conversations/{id} or projects/{project}/locations/{location}/conversations/{id}, got ${shown(name)}`,
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
): E.Either<InvalidArgument, GoogleListConversationsRequest> => {
  const issues: DecodeIssue[] = [];
  parentKind.read(input?.parent, issues, '', 'parent');
  const request: { parent: string; pageSize?: number; pageToken?: string; filter?: string } = { parent: input?.parent };
  const { pageSize, pageToken, lifecycleState, filter } = input ?? {};
  if (pageSize !== undefined) {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      issues.push({ path: 'pageSize', message: `expected a whole number from 1 to 1000, got ${shown(pageSize)}` });
    } else request.pageSize = pageSize;
  }
  if (pageToken !== undefined) {
    if (typeof pageToken !== 'string') issues.push({ path: 'pageToken', message: `expected a string, got ${shown(pageToken)}` });
    else if (pageToken !== '') request.pageToken = pageToken;
  }
  if (lifecycleState !== undefined && filter !== undefined) {
    issues.push({ path: 'filter', message: 'give a filter or a lifecycleState, not both' });
  } else if (lifecycleState !== undefined) {
    const built = lifecycleStateFilter(lifecycleState);
    if (E.isLeft(built)) issues.push(...built.left.errors);
    else request.filter = built.right;
  } else if (filter !== undefined) {
    if (typeof filter !== 'string') issues.push({ path: 'filter', message: `expected a string, got ${shown(filter)}` });
    else if (filter !== '') request.filter = filter;
  }
  return issues.length > 0 ? E.left(invalidRequest(issues)) : E.right(Object.freeze(request));
};
