import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { ConversationName } from '../wire/conversation-name.js';
import type { ConversationProfileName } from '../wire/conversation-profile-name.js';
import {
  type ConversationJson,
  readConversationFields,
  stringifyConversationJson,
  writeConversation,
} from '../wire/conversation-resource.js';
import { type ConversationStage, isConversationStage } from '../wire/conversation-stage.js';
import { type DecodeError, decodeError, invalidJson, unreadableInput, versionProblem } from '../wire/decode-error.js';
import { causeText, describe, type IssueSink, type Path, stepInto } from '../wire/issue.js';
import { isLifecycleState, type LifecycleState } from '../wire/lifecycle-state.js';
import type { ConversationPhoneNumber } from '../wire/phone-number.js';
import { codecFromReader, INVALID, type Invalid, pathAt } from '../wire/reader.js';
import type { Timestamp } from '../wire/well-known-types.js';
import { type Conversation, makeConversation } from './conversation.js';
import { startingStage } from './rules.js';

/** Options for decoding a conversation. */
export interface DecodeOptions {
  /** The version to give the decoded aggregate (default 0), e.g. the one your store holds. */
  readonly version?: number;
  /**
   * Whether the conversation profile has a Dialogflow virtual agent (`automatedAgentConfig`): a
   * boolean, or a function of the profile's name for a backend with several profiles. Dialogflow
   * leaves `conversationStage` out of a resource when it is at its default, which means the stage
   * the profile starts in: `VIRTUAL_AGENT_STAGE` with a virtual agent, `HUMAN_ASSIST_STAGE`
   * without. Without this option a profile is taken to have none.
   */
  readonly virtualAgent?: boolean | ((conversationProfile: ConversationProfileName) => boolean) | undefined;
}

/** Reports a field every Conversation returned by Dialogflow has, when it is absent or at its default. */
const requireField = (
  value: unknown,
  json: string,
  path: Path,
  issues: IssueSink,
  isValid: (v: unknown) => boolean,
  expected: string,
): void => {
  if (value === INVALID) return; // already reported
  if (value === undefined) issues.push({ path: pathAt(path, json), message: 'missing: every Conversation returned by Dialogflow has it' });
  else if (!isValid(value)) issues.push({ path: pathAt(path, json), message: `expected ${expected}, got ${describe(value)}` });
};

const isName = (v: unknown): boolean => v !== '';

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
  readonly virtualAgent?: DecodeOptions['virtualAgent'];
}

/** Whether the profile has a virtual agent, as the caller said; `undefined` when not said (or the function failed). */
/** Whether the profile has a virtual agent, by the option; a problem of the option is an issue at `options.virtualAgent`. */
const virtualAgentOf = (
  option: DecodeOptions['virtualAgent'],
  profile: ConversationProfileName,
  issues: IssueSink,
): boolean | undefined | Invalid => {
  if (typeof option !== 'function') return option;
  let answer: unknown;
  try {
    answer = option(profile);
  } catch (cause) {
    issues.push({ path: '', message: `options.virtualAgent threw for ${profile}: ${causeText(cause)}` });
    return INVALID;
  }
  if (typeof answer === 'boolean') return answer;
  issues.push({ path: '', message: `options.virtualAgent: expected a boolean for ${profile}, got ${describe(answer)}` });
  return INVALID;
};

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
  const stageOmitted = read.conversationStage === undefined || read.conversationStage === 'CONVERSATION_STAGE_UNSPECIFIED';
  if (
    read.name === undefined ||
    read.name === '' ||
    !isLifecycleState(read.lifecycleState) ||
    read.conversationProfile === undefined ||
    read.conversationProfile === '' ||
    read.startTime === undefined ||
    (!stageOmitted && !isConversationStage(read.conversationStage))
  ) {
    const before = issues.length;
    const at = stepInto(parent, key);
    if (options.nameRequired) requireField(read.name, 'name', at, issues, isName, 'a conversation name');
    requireField(read.lifecycleState, 'lifecycleState', at, issues, isLifecycleState, 'IN_PROGRESS or COMPLETED');
    requireField(read.conversationProfile, 'conversationProfile', at, issues, isName, 'a conversation profile name');
    requireField(read.startTime, 'startTime', at, issues, () => true, 'a timestamp');
    if (!stageOmitted)
      requireField(
        read.conversationStage,
        'conversationStage',
        at,
        issues,
        isConversationStage,
        'VIRTUAL_AGENT_STAGE or HUMAN_ASSIST_STAGE',
      );
    invalid ||= issues.length !== before;
  }
  if (invalid) return INVALID;
  const profile = read.conversationProfile as ConversationProfileName;
  const virtualAgent = options.virtualAgent === undefined ? undefined : virtualAgentOf(options.virtualAgent, profile, issues);
  if (virtualAgent === INVALID) return INVALID;
  return makeConversation(
    {
      name: read.name === '' ? undefined : (read.name as ConversationName | undefined),
      lifecycleState: read.lifecycleState as LifecycleState,
      conversationProfile: profile,
      phoneNumber: read.phoneNumber as ConversationPhoneNumber | undefined,
      startTime: read.startTime as Timestamp,
      endTime: read.endTime as Timestamp | undefined,
      // Left out (or at its default): the stage the profile starts in, as the machine chooses it.
      conversationStage: stageOmitted ? startingStage({ virtualAgent }) : (read.conversationStage as ConversationStage),
      conversationStageInferred: stageOmitted ? true : undefined,
      unknownFields: read.unknownFields,
      virtualAgent,
    },
    options.version,
  );
};

/** Reading options for the common cases, made once: decoding is a hot path. */
const SERVER_OWNED: ReadConversationOptions = { owned: true, version: 0, nameRequired: true };
const SERVER_CALLERS: ReadConversationOptions = { owned: false, version: 0, nameRequired: true };

/**
 * @internal The reading options of the decoders' options, or the problem with them (a value of the
 * wrong type, a hostile object): every decoder of conversations (one, or a page of them) reads them here.
 */
export const readDecodeOptions = (
  owned: boolean,
  options: DecodeOptions | undefined,
  nameRequired: boolean,
): ReadConversationOptions | string => {
  if (options === undefined) return owned ? SERVER_OWNED : SERVER_CALLERS;
  if (typeof options !== 'object' || options === null) return `options: expected an object, got ${describe(options)}`;
  let version: unknown;
  let virtualAgent: unknown;
  try {
    ({ version, virtualAgent } = options);
  } catch (cause) {
    return `options: could not read them: ${causeText(cause)}`;
  }
  if (version === undefined) version = 0;
  const badVersion = versionProblem(version);
  if (badVersion !== undefined) return `version: ${badVersion}`;
  if (virtualAgent !== undefined && typeof virtualAgent !== 'boolean' && typeof virtualAgent !== 'function') {
    return `options.virtualAgent: expected a boolean or a function of the conversation profile, got ${describe(virtualAgent)}`;
  }
  return version === 0 && nameRequired && virtualAgent === undefined
    ? owned
      ? SERVER_OWNED
      : SERVER_CALLERS
    : { owned, version: version as number, nameRequired, virtualAgent: virtualAgent as DecodeOptions['virtualAgent'] };
};

/** @internal Decodes with the given options, which are checked here. */
export const decodeWith = (
  json: unknown,
  owned: boolean,
  options: DecodeOptions | undefined,
  nameRequired = true,
): E.Either<DecodeError, Conversation> => {
  const reading = readDecodeOptions(owned, options, nameRequired);
  if (typeof reading === 'string') return E.left(decodeError([{ path: '', message: reading }]));
  const issues: IssueSink = [];
  let value: Conversation | Invalid;
  try {
    value = readConversation(json, issues, '', undefined, reading);
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
  if (typeof text !== 'string') return E.left(decodeError([{ path: '', message: `expected JSON text, got ${describe(text)}` }]));
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
 * Never throws: given what is not a conversation and cannot be read as one (possible only through a
 * cast or from JavaScript), it returns `undefined`.
 *
 * @example
 * ```ts
 * encodeConversation(conversation); // { name: '...', lifecycleState: 'IN_PROGRESS', ... }
 * ```
 */
export const encodeConversation = (conversation: Conversation): ConversationJson => {
  if (typeof conversation !== 'object' || conversation === null) return undefined as unknown as ConversationJson;
  try {
    return writeConversation(conversation);
  } catch {
    return undefined as unknown as ConversationJson;
  }
};

/**
 * The conversation as canonical ProtoJSON text. Never throws: given what is not a conversation and
 * cannot be read as one (possible only through a cast or from JavaScript), it returns `undefined`.
 *
 * @example
 * ```ts
 * stringifyConversation(conversation); // '{"name":"projects/p/conversations/c","lifecycleState":"IN_PROGRESS",...}'
 * ```
 */
export const stringifyConversation = (conversation: Conversation): string => {
  if (typeof conversation !== 'object' || conversation === null) return undefined as unknown as string;
  try {
    return stringifyConversationJson(conversation);
  } catch {
    return undefined as unknown as string;
  }
};

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
  encodeConversation,
);
