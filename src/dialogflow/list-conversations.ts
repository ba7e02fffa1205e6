import * as E from 'fp-ts/lib/Either.js';
import { type DecodeOptions, readConversation } from '../conversation/codec.js';
import type { Conversation } from '../conversation/conversation.js';
import { type InvalidArgument, invalidArgument } from '../conversation/errors.js';
import { type DecodeError, decodeError, invalidJson, unreadableInput, versionProblem } from '../wire/decode-error.js';
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

const readPage = (value: unknown, issues: IssueSink, owned: boolean, version: number): ListConversationsPage | Invalid => {
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
  const options = { owned, version, nameRequired: true };
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
  const version = options?.version ?? 0;
  const badVersion = versionProblem(version);
  if (badVersion !== undefined) return E.left(decodeError([{ path: '', message: `version: ${badVersion}` }]));
  const issues: IssueSink = [];
  let page: ListConversationsPage | Invalid;
  try {
    page = readPage(json, issues, owned, version);
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
 * `conversations[3].startTime`). Every conversation gets `options.version` (default 0). Never throws.
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
  /** Only conversations in this state. */
  readonly lifecycleState?: 'IN_PROGRESS' | 'COMPLETED' | undefined;
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
export const encodeListConversationsRequest = (input: ListConversationsRequestInput): E.Either<InvalidArgument, string> => {
  const issues: IssueSink = [];
  parentKind.read(input.parent, issues, '', 'parent');
  const query: string[] = [];
  if (input.pageSize !== undefined) {
    if (!Number.isInteger(input.pageSize) || input.pageSize < 1 || input.pageSize > 1000) {
      issues.push({ path: 'pageSize', message: `expected a whole number from 1 to 1000, got ${describe(input.pageSize)}` });
    } else query.push(`pageSize=${input.pageSize}`);
  }
  if (input.pageToken !== undefined) {
    if (typeof input.pageToken !== 'string')
      issues.push({ path: 'pageToken', message: `expected a string, got ${describe(input.pageToken)}` });
    else if (input.pageToken !== '') query.push(`pageToken=${encodeURIComponent(input.pageToken)}`);
  }
  if (input.lifecycleState !== undefined) {
    const filter = lifecycleStateFilter(input.lifecycleState);
    if (E.isLeft(filter)) issues.push(...filter.left.errors);
    else query.push(`filter=${encodeURIComponent(filter.right)}`);
  }
  if (issues.length > 0) return E.left(invalidArgument(issues));
  return E.right(`v2/${input.parent}/conversations${query.length === 0 ? '' : `?${query.join('&')}`}`);
};
