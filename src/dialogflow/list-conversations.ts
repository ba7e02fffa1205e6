import * as E from 'fp-ts/lib/Either.js';
import { type DecodeOptions, type ReadConversationOptions, readConversation, readDecodeOptions } from '../conversation/codec.js';
import type { Conversation } from '../conversation/conversation.js';
import { type InvalidArgument, invalidArgument, unreadableArgument } from '../conversation/errors.js';
import { type DecodeError, decodeError, invalidJson, unreadableInput } from '../wire/decode-error.js';
import { causeText, describe, type IssueSink, stepInto } from '../wire/issue.js';
import { readMessageObject, readString } from '../wire/message.js';
import { INVALID, type Invalid } from '../wire/reader.js';
import { parentKind } from './parent.js';

/** One page of a ListConversations response, decoded. */
export interface ListConversationsPage {
  /** The items that are valid conversations, in order. */
  readonly conversations: ReadonlyArray<Conversation>;
  /** The items that are not, each with its index in the page and its problems (`conversations[3].startTime`). */
  readonly invalid: ReadonlyArray<{ readonly index: number; readonly error: DecodeError }>;
  /** The token of the next page; absent on the last page. */
  readonly nextPageToken?: string | undefined;
}

const readPage = (value: unknown, issues: IssueSink, options: ReadConversationOptions): ListConversationsPage | Invalid => {
  const body = readMessageObject('ListConversationsResponse', value, issues, '', undefined, 0);
  if (body === INVALID) return INVALID;
  let items: ReadonlyArray<unknown> = [];
  let itemsKey = 'conversations';
  let nextPageToken: string | Invalid | undefined;
  for (const k of Object.keys(body)) {
    const item = body[k];
    if (k === 'conversations') {
      if (item === null) items = [];
      else if (Array.isArray(item)) items = item;
      else issues.push({ path: k, message: `expected an array of conversations, got ${describe(item)}` });
      itemsKey = k;
    } else if (k === 'nextPageToken' || k === 'next_page_token') {
      nextPageToken = item === null ? undefined : readString(item, issues, '', k);
    }
    // Other fields of the envelope are the API's to add; a page is still a page.
  }
  if (issues.length > 0) return INVALID;
  const conversations: Conversation[] = [];
  const invalid: { index: number; error: DecodeError }[] = [];
  const parent = stepInto('', itemsKey);
  for (let i = 0; i < items.length; i++) {
    // Each item has its own problems: an invalid one does not sink the page.
    const itemIssues: IssueSink = [];
    let c: Conversation | Invalid;
    try {
      c = readConversation(items[i], itemIssues, parent, i, options);
    } catch (cause) {
      itemIssues.push({
        path: `${itemsKey}[${i}]`,
        message: `could not read the item: ${causeText(cause)}`,
      });
      c = INVALID;
    }
    if (c === INVALID) invalid.push(Object.freeze({ index: i, error: decodeError(itemIssues) }));
    else conversations.push(c);
  }
  return Object.freeze({
    conversations: Object.freeze(conversations),
    invalid: Object.freeze(invalid),
    nextPageToken: nextPageToken === '' ? undefined : (nextPageToken as string | undefined),
  });
};

const decodePage = (json: unknown, owned: boolean, options: DecodeOptions | undefined): E.Either<DecodeError, ListConversationsPage> => {
  // The same options as decodeConversation's, read the same way (a page's items are conversations).
  const reading = readDecodeOptions(owned, options, true);
  if (typeof reading === 'string') return E.left(decodeError([{ path: '', message: reading }]));
  const issues: IssueSink = [];
  let page: ListConversationsPage | Invalid;
  try {
    page = readPage(json, issues, reading);
  } catch (cause) {
    issues.push(unreadableInput(cause));
    page = INVALID;
  }
  return page === INVALID ? E.left(decodeError(issues)) : E.right(page);
};

/**
 * Decodes a ListConversations response (`{ conversations: [...], nextPageToken }`) in one call. A
 * malformed envelope is an error; an invalid item does not sink the page: the valid conversations
 * come back, and each invalid item apart, with its index and its problems (paths such as
 * `conversations[3].startTime`). The options are `decodeConversation`'s, for every item: its
 * `version` (default 0), and `virtualAgent` for the stage of those Dialogflow sent without one. Never throws.
 *
 * @example
 * ```ts
 * const page = decodeListConversationsResponse(await response.json());
 * if (isRight(page)) {
 *   page.right.conversations; // the valid ones
 *   page.right.invalid;       // [{ index: 3, error: { errors: [{ path: 'conversations[3].startTime', ... }] } }]
 * }
 * ```
 */
export const decodeListConversationsResponse = (json: unknown, options?: DecodeOptions): E.Either<DecodeError, ListConversationsPage> =>
  decodePage(json, false, options);

/**
 * Parses and decodes a ListConversations response from its JSON text: the fast path for hydrating
 * conversations by the thousand (the objects `JSON.parse` makes are frozen in place, not copied).
 *
 * @example
 * ```ts
 * const page = parseListConversationsResponse(await response.text());
 * ```
 */
export const parseListConversationsResponse = (text: string, options?: DecodeOptions): E.Either<DecodeError, ListConversationsPage> => {
  if (typeof text !== 'string') return E.left(decodeError([{ path: '', message: `expected JSON text, got ${describe(text)}` }]));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return E.left(decodeError([{ path: '', message: invalidJson(cause) }]));
  }
  return decodePage(json, true, options);
};

/**
 * The AIP-160 `filter` of ListConversations for a lifecycle state, the only field it filters on:
 * `lifecycle_state = "COMPLETED"`.
 *
 * @example
 * ```ts
 * lifecycleStateFilter('COMPLETED'); // right('lifecycle_state = "COMPLETED"')
 * lifecycleStateFilter('DONE');      // left(InvalidArgument)
 * ```
 */
export const lifecycleStateFilter = (lifecycleState: 'IN_PROGRESS' | 'COMPLETED'): E.Either<InvalidArgument, string> =>
  lifecycleState === 'IN_PROGRESS' || lifecycleState === 'COMPLETED'
    ? E.right(`lifecycle_state = "${lifecycleState}"`)
    : E.left(invalidArgument([{ path: 'lifecycleState', message: `expected IN_PROGRESS or COMPLETED, got ${describe(lifecycleState)}` }]));

/** What to list: a ListConversations request. */
export interface ListConversationsRequestInput {
  /** `projects/{project}` or `projects/{project}/locations/{location}`. */
  readonly parent: string;
  /** At most 1000; the server's default is 100. */
  readonly pageSize?: number | undefined;
  /** The `nextPageToken` of the previous page. */
  readonly pageToken?: string | undefined;
  /** Only conversations in this state (the filter `lifecycle_state = "STATE"`). */
  readonly lifecycleState?: 'IN_PROGRESS' | 'COMPLETED' | undefined;
  /** An AIP-160 filter, sent as it is (the server checks it); not with `lifecycleState`. */
  readonly filter?: string | undefined;
}

/**
 * Builds the URL path and query of a ListConversations request (`v2/{parent}/conversations?...`,
 * to append to the API's base URL), checking every argument.
 *
 * @example
 * ```ts
 * encodeListConversationsRequest({ parent: 'projects/acme/locations/global', pageSize: 1000, lifecycleState: 'COMPLETED' });
 * // right('v2/projects/acme/locations/global/conversations?pageSize=1000&filter=lifecycle_state%20%3D%20%22COMPLETED%22')
 * ```
 */
export const encodeListConversationsRequest = (input: ListConversationsRequestInput): E.Either<InvalidArgument, string> =>
  E.map((request: ListRequest) => {
    const query: string[] = [];
    if (request.pageSize !== undefined) query.push(`pageSize=${request.pageSize}`);
    if (request.pageToken !== undefined) query.push(`pageToken=${encodeURIComponent(request.pageToken)}`);
    if (request.filter !== undefined) query.push(`filter=${encodeURIComponent(request.filter)}`);
    return `v2/${request.parent}/conversations${query.length === 0 ? '' : `?${query.join('&')}`}`;
  })(readListRequest(input));

/** A ListConversations request's fields, checked: what both the REST and the Node client's requests carry. */
interface ListRequest {
  readonly parent: string;
  readonly pageSize?: number;
  readonly pageToken?: string;
  readonly filter?: string;
}

/**
 * @internal Checks the arguments of a ListConversations request, for REST and for Google's Node
 * client alike: the parent, a page size from 1 to 1000, a page token, and a lifecycle state or a
 * filter (not both). An empty token or filter is the same as none.
 */
export const readListRequest = (input: ListConversationsRequestInput): E.Either<InvalidArgument, ListRequest> => {
  try {
    return checkListRequest(input);
  } catch (cause) {
    return E.left(unreadableArgument(cause));
  }
};

const checkListRequest = (input: ListConversationsRequestInput): E.Either<InvalidArgument, ListRequest> => {
  const issues: IssueSink = [];
  const given = input ?? ({} as Partial<ListConversationsRequestInput>);
  const { parent, pageSize, pageToken, lifecycleState, filter } = given;
  parentKind.read(parent, issues, '', 'parent');
  const request: { parent: string; pageSize?: number; pageToken?: string; filter?: string } = { parent: parent as string };
  if (pageSize !== undefined) {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      issues.push({ path: 'pageSize', message: `expected a whole number from 1 to 1000, got ${describe(pageSize)}` });
    } else request.pageSize = pageSize;
  }
  if (pageToken !== undefined) {
    if (typeof pageToken !== 'string') issues.push({ path: 'pageToken', message: `expected a string, got ${describe(pageToken)}` });
    else if (pageToken !== '') request.pageToken = pageToken;
  }
  if (lifecycleState !== undefined && filter !== undefined) {
    issues.push({ path: 'filter', message: 'give a filter or a lifecycleState, not both' });
  } else if (lifecycleState !== undefined) {
    const built = lifecycleStateFilter(lifecycleState);
    if (E.isLeft(built)) issues.push(...built.left.errors);
    else request.filter = built.right;
  } else if (filter !== undefined) {
    if (typeof filter !== 'string') issues.push({ path: 'filter', message: `expected a string, got ${describe(filter)}` });
    else if (filter !== '') request.filter = filter;
  }
  return issues.length > 0 ? E.left(invalidArgument(issues)) : E.right(Object.freeze(request));
};
