import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { ConversationStage, LifecycleState } from '../../machines/conversation.machine.js';
import type { ConversationName } from '../wire/conversation-name.js';
import type { ConversationProfileName } from '../wire/conversation-profile-name.js';
import { type ConversationJson, readConversationFields, writeConversation } from '../wire/conversation-resource.js';
import { type DecodeError, decodeError, invalidJson, unreadableInput, versionProblem } from '../wire/decode-error.js';
import { describe, type IssueSink, type Path, stepInto } from '../wire/issue.js';
import type { ConversationPhoneNumber } from '../wire/phone-number.js';
import { codecFromReader, INVALID, type Invalid, pathAt } from '../wire/reader.js';
import type { Timestamp } from '../wire/timestamp.js';
import { type Conversation, makeConversation } from './conversation.js';

/** Options for decoding a conversation. */
export interface DecodeOptions {
  /** The version to give the decoded aggregate (default 0), e.g. the one your store holds. */
  readonly version?: number;
}

/** Reports a field every Conversation returned by Dialogflow has, when it is absent or unspecified. */
const requireField = (value: unknown, json: string, path: Path, issues: IssueSink, unset: unknown, expected: string): void => {
  if (value === INVALID) return; // already reported
  if (value === undefined) issues.push({ path: pathAt(path, json), message: 'missing: every Conversation returned by Dialogflow has it' });
  else if (value === unset) issues.push({ path: pathAt(path, json), message: `expected ${expected}, got ${describe(value)}` });
};

/** @internal How to read a conversation. */
export interface ReadConversationOptions {
  /** The value is fresh from JSON.parse: freeze it in place instead of copying it. */
  readonly owned: boolean;
  readonly version: number;
  /**
   * Whether `name` is required, as it is on every conversation Dialogflow returns. Snapshots of a
   * conversation created locally, before Dialogflow named it, have none.
   */
  readonly nameRequired: boolean;
}

/** @internal Reads a conversation returned by Dialogflow into an aggregate, recording every problem. */
export const readConversation = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  options: ReadConversationOptions,
): Conversation | Invalid => {
  const read = readConversationFields(value, issues, parent, key, options.owned);
  if (read === INVALID) return INVALID;
  let invalid = read.invalid;
  if (
    read.name === undefined ||
    read.name === '' ||
    read.lifecycleState === undefined ||
    read.lifecycleState === 'LIFECYCLE_STATE_UNSPECIFIED' ||
    read.conversationProfile === undefined ||
    read.conversationProfile === '' ||
    read.startTime === undefined ||
    read.conversationStage === undefined ||
    read.conversationStage === 'CONVERSATION_STAGE_UNSPECIFIED'
  ) {
    const before = issues.length;
    const at = stepInto(parent, key);
    if (options.nameRequired) requireField(read.name, 'name', at, issues, '', 'a conversation name');
    requireField(read.lifecycleState, 'lifecycleState', at, issues, 'LIFECYCLE_STATE_UNSPECIFIED', 'IN_PROGRESS or COMPLETED');
    requireField(read.conversationProfile, 'conversationProfile', at, issues, '', 'a conversation profile name');
    requireField(read.startTime, 'startTime', at, issues, undefined, 'a timestamp');
    requireField(
      read.conversationStage,
      'conversationStage',
      at,
      issues,
      'CONVERSATION_STAGE_UNSPECIFIED',
      'VIRTUAL_AGENT_STAGE or HUMAN_ASSIST_STAGE',
    );
    invalid ||= issues.length !== before;
  }
  if (invalid) return INVALID;
  return makeConversation(
    {
      name: read.name === '' ? undefined : (read.name as ConversationName | undefined),
      lifecycleState: read.lifecycleState as LifecycleState,
      conversationProfile: read.conversationProfile as ConversationProfileName,
      phoneNumber: read.phoneNumber as ConversationPhoneNumber | undefined,
      startTime: read.startTime as Timestamp,
      endTime: read.endTime as Timestamp | undefined,
      conversationStage: read.conversationStage as ConversationStage,
      unknownFields: read.unknownFields,
    },
    options.version,
  );
};

/** Reading options for the common cases, made once: decoding is a hot path. */
const SERVER_OWNED: ReadConversationOptions = { owned: true, version: 0, nameRequired: true };
const SERVER_CALLERS: ReadConversationOptions = { owned: false, version: 0, nameRequired: true };

const readOptions = (owned: boolean, version: number, nameRequired: boolean): ReadConversationOptions =>
  version === 0 && nameRequired ? (owned ? SERVER_OWNED : SERVER_CALLERS) : { owned, version, nameRequired };

/** @internal Decodes with the given reading options; `options.version` is checked here. */
export const decodeWith = (
  json: unknown,
  owned: boolean,
  options: DecodeOptions | undefined,
  nameRequired = true,
): E.Either<DecodeError, Conversation> => {
  const version = options?.version ?? 0;
  const badVersion = version === 0 ? undefined : versionProblem(version);
  if (badVersion !== undefined) return E.left(decodeError([{ path: '', message: `version: ${badVersion}` }]));
  const issues: IssueSink = [];
  let value: Conversation | Invalid;
  try {
    value = readConversation(json, issues, '', undefined, readOptions(owned, version, nameRequired));
  } catch (cause) {
    // Only hostile inputs get here (a getter or proxy that throws): report it, never rethrow.
    issues.push(unreadableInput(cause));
    value = INVALID;
  }
  return value === INVALID ? E.left(decodeError(issues)) : E.right(value);
};

/**
 * Decodes a Conversation (ProtoJSON, as a parsed object) returned by Dialogflow into an aggregate.
 * Never throws: every problem is in the `DecodeError`, with its path. Your object is not changed
 * (unknown fields are copied before they are frozen).
 *
 * @example
 * ```ts
 * const result = decodeConversation(await response.json());
 * if (isRight(result)) result.right.lifecycleState; // 'IN_PROGRESS'
 * else result.left.errors; // [{ path: 'startTime', message: '...' }]
 * ```
 */
export const decodeConversation = (json: unknown, options?: DecodeOptions): E.Either<DecodeError, Conversation> =>
  decodeWith(json, false, options);

/**
 * Parses and decodes a Conversation from JSON text (a GetConversation response body, say).
 *
 * @example
 * ```ts
 * parseConversation('{"name":"projects/p/conversations/c", ...}');
 * ```
 */
export const parseConversation = (text: string, options?: DecodeOptions): E.Either<DecodeError, Conversation> => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return E.left(decodeError([{ path: '', message: invalidJson(cause) }]));
  }
  return decodeWith(json, true, options);
};

/**
 * The conversation as canonical ProtoJSON: a fresh, JSON-safe object (its nested values are the
 * aggregate's own, frozen), fields in proto order,
 * defaults left out, timestamps in UTC, unknown fields as they came. Not the `version`.
 *
 * @example
 * ```ts
 * encodeConversation(conversation); // { name: '...', lifecycleState: 'IN_PROGRESS', ... }
 * ```
 */
export const encodeConversation = (conversation: Conversation): ConversationJson => writeConversation(conversation);

/**
 * The conversation as canonical ProtoJSON text.
 *
 * @example
 * ```ts
 * stringifyConversation(conversation); // '{"name":"projects/p/conversations/c","lifecycleState":"IN_PROGRESS",...}'
 * ```
 */
export const stringifyConversation = (conversation: Conversation): string => JSON.stringify(writeConversation(conversation));

const isConversation = (u: unknown): u is Conversation =>
  typeof u === 'object' &&
  u !== null &&
  Object.isFrozen(u) &&
  typeof (u as Conversation).version === 'number' &&
  typeof (u as Conversation).lifecycleState === 'string' &&
  typeof (u as Conversation).conversationStage === 'string';

export interface ConversationCodec extends t.Type<Conversation, ConversationJson, unknown> {}

/**
 * io-ts codec for a Conversation returned by Dialogflow: decodes into the aggregate (version 0),
 * encodes canonical ProtoJSON. Compose it with other io-ts codecs (a response envelope, say).
 *
 * @example
 * ```ts
 * t.type({ conversations: t.array(ConversationCodec) }).decode(page);
 * ```
 */
export const ConversationCodec: ConversationCodec = codecFromReader<Conversation, ConversationJson>(
  'Conversation',
  isConversation,
  (value, issues, parent, key) => readConversation(value, issues, parent, key, SERVER_CALLERS),
  writeConversation,
);
