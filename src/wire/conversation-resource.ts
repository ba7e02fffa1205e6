import type * as t from 'io-ts';
import { type ConversationName, conversationNameKind } from './conversation-name.js';
import { type ConversationProfileName, conversationProfileNameKind } from './conversation-profile-name.js';
import { type ConversationStage, type ConversationStageEnum, conversationStageEnum } from './conversation-stage.js';
import { type IssueSink, type Path, stepInto } from './issue.js';
import { isEmptyObject, type JsonObject, type JsonValue, readJsonObject } from './json-value.js';
import { type LifecycleStateEnum, lifecycleStateEnum } from './lifecycle-state.js';
import { keepUnknownField, readMessageObject, type UnknownFields, writeUnknownFields } from './message.js';
import { type ConversationPhoneNumber, readPhoneNumber } from './phone-number.js';
import { codecFromReader, INVALID, type Invalid } from './reader.js';
import { isTimestamp, readTimestamp, type Timestamp } from './timestamp.js';

/**
 * A `Conversation` as canonical ProtoJSON: lowerCamelCase names, enum names, defaults left out,
 * timestamps in UTC, and any fields this library does not model, as they came.
 */
export interface ConversationJson {
  readonly name?: string;
  readonly lifecycleState?: 'IN_PROGRESS' | 'COMPLETED';
  readonly conversationProfile?: string;
  readonly phoneNumber?: ConversationPhoneNumber;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly conversationStage?: ConversationStage;
  readonly telephonyConnectionInfo?: JsonObject;
  readonly initialConversationProfile?: JsonObject;
  readonly ingestedContextReferences?: JsonObject;
  readonly initialGeneratorContexts?: JsonObject;
  readonly [unknownField: string]: JsonValue | ConversationPhoneNumber | undefined;
}

/**
 * A `Conversation` message with every field optional, as in a create request body or a partial
 * response. Fields at their default are absent. Fields this library keeps but does not model
 * (`telephonyConnectionInfo`, `initialConversationProfile`, `ingestedContextReferences`,
 * `initialGeneratorContexts`, and anything newer) are in `unknownFields` under their JSON names.
 */
export interface ConversationResource {
  readonly name?: ConversationName | undefined;
  readonly lifecycleState?: 'IN_PROGRESS' | 'COMPLETED' | undefined;
  readonly conversationProfile?: ConversationProfileName | undefined;
  readonly phoneNumber?: ConversationPhoneNumber | undefined;
  readonly startTime?: Timestamp | undefined;
  readonly endTime?: Timestamp | undefined;
  readonly conversationStage?: ConversationStage | undefined;
  readonly unknownFields?: UnknownFields | undefined;
}

// A resource name field also accepts `""`, the string default (not set).
const readName = conversationNameKind.read;
const readProfile = conversationProfileNameKind.read;

/** The fields of `Conversation`, by proto field number, for docs and tests: output follows this order. */
export const CONVERSATION_FIELDS = [
  { number: 1, json: 'name', proto: 'name' },
  { number: 2, json: 'lifecycleState', proto: 'lifecycle_state' },
  { number: 3, json: 'conversationProfile', proto: 'conversation_profile' },
  { number: 4, json: 'phoneNumber', proto: 'phone_number' },
  { number: 5, json: 'startTime', proto: 'start_time' },
  { number: 6, json: 'endTime', proto: 'end_time' },
  { number: 7, json: 'conversationStage', proto: 'conversation_stage' },
  { number: 10, json: 'telephonyConnectionInfo', proto: 'telephony_connection_info', kept: 'message' },
  { number: 15, json: 'initialConversationProfile', proto: 'initial_conversation_profile', kept: 'message' },
  { number: 17, json: 'ingestedContextReferences', proto: 'ingested_context_references', kept: 'map' },
  { number: 18, json: 'initialGeneratorContexts', proto: 'initial_generator_contexts', kept: 'map' },
] as const;

/**
 * One `Conversation` object as read: each field decoded, `undefined` when absent (or `null`), or
 * {@link INVALID} when rejected (the problem is in the sink). Defaults are kept as read (`""`,
 * `*_UNSPECIFIED`), so callers can tell "absent" from "unspecified".
 */
export interface ConversationFieldsRead {
  readonly name: ConversationName | '' | Invalid | undefined;
  readonly lifecycleState: LifecycleStateEnum | Invalid | undefined;
  readonly conversationProfile: ConversationProfileName | '' | Invalid | undefined;
  readonly phoneNumber: ConversationPhoneNumber | Invalid | undefined;
  readonly startTime: Timestamp | Invalid | undefined;
  readonly endTime: Timestamp | Invalid | undefined;
  readonly conversationStage: ConversationStageEnum | Invalid | undefined;
  /** The kept fields in canonical order (see {@link keptFields}); `undefined` when none. */
  readonly unknownFields: UnknownFields | undefined;
  /** Whether any field, kept ones included, was rejected. */
  readonly invalid: boolean;
}

/**
 * @internal Reads the fields of a `Conversation` object. Accepts both spellings of every name (the
 * last occurrence wins), treats `null` as absent, keeps unknown fields verbatim (deeply frozen),
 * and records every problem. Returns {@link INVALID} only when the value is not an object.
 */
export const readConversationFields = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  owned: boolean,
): ConversationFieldsRead | Invalid => {
  const source = readMessageObject('Conversation', value, issues, parent, key, 0);
  if (source === INVALID) return INVALID;
  const here = stepInto(parent, key);
  return readCommonShape(source, issues, here, owned, issues.length) ?? readAnyShape(source, issues, here, owned);
};

/**
 * @internal Reads a `Conversation` object key by key: both spellings, `null`s, kept fields. Every
 * input goes through here unless it has the common shape (see `readCommonShape`).
 */
export const readAnyShape = (source: Record<string, unknown>, issues: IssueSink, here: Path, owned: boolean): ConversationFieldsRead => {
  const before = issues.length;
  let name: ConversationName | '' | Invalid | undefined;
  let lifecycleState: LifecycleStateEnum | Invalid | undefined;
  let conversationProfile: ConversationProfileName | '' | Invalid | undefined;
  let phoneNumber: ConversationPhoneNumber | Invalid | undefined;
  let startTime: Timestamp | Invalid | undefined;
  let endTime: Timestamp | Invalid | undefined;
  let conversationStage: ConversationStageEnum | Invalid | undefined;
  let telephonyConnectionInfo: JsonObject | Invalid | undefined;
  let initialConversationProfile: JsonObject | Invalid | undefined;
  let ingestedContextReferences: JsonObject | Invalid | undefined;
  let initialGeneratorContexts: JsonObject | Invalid | undefined;
  let unknown: Record<string, JsonValue> | undefined;
  const keys = Object.keys(source);
  for (let n = 0; n < keys.length; n++) {
    const k = keys[n] as string;
    const item = source[k];
    switch (k) {
      case 'name':
        name = item === null ? undefined : item === '' ? '' : readName(item, issues, here, k);
        break;
      case 'lifecycleState':
      case 'lifecycle_state':
        lifecycleState = item === null ? undefined : lifecycleStateEnum.read(item, issues, here, k);
        break;
      case 'conversationProfile':
      case 'conversation_profile':
        conversationProfile = item === null ? undefined : item === '' ? '' : readProfile(item, issues, here, k);
        break;
      case 'phoneNumber':
      case 'phone_number':
        phoneNumber = item === null ? undefined : readPhoneNumber(item, issues, here, k, 1, owned);
        break;
      case 'startTime':
      case 'start_time':
        startTime = item === null ? undefined : readTimestamp(item, issues, here, k);
        break;
      case 'endTime':
      case 'end_time':
        endTime = item === null ? undefined : readTimestamp(item, issues, here, k);
        break;
      case 'conversationStage':
      case 'conversation_stage':
        conversationStage = item === null ? undefined : conversationStageEnum.read(item, issues, here, k);
        break;
      case 'telephonyConnectionInfo':
      case 'telephony_connection_info':
        telephonyConnectionInfo = item === null ? undefined : readJsonObject(item, issues, here, k, 1, owned);
        break;
      case 'initialConversationProfile':
      case 'initial_conversation_profile':
        initialConversationProfile = item === null ? undefined : readJsonObject(item, issues, here, k, 1, owned);
        break;
      case 'ingestedContextReferences':
      case 'ingested_context_references':
        ingestedContextReferences = item === null ? undefined : readJsonObject(item, issues, here, k, 1, owned);
        break;
      case 'initialGeneratorContexts':
      case 'initial_generator_contexts':
        initialGeneratorContexts = item === null ? undefined : readJsonObject(item, issues, here, k, 1, owned);
        break;
      default:
        unknown = keepUnknownField(unknown, k, item, issues, here, 0, owned);
    }
  }
  const invalid = issues.length !== before;
  return {
    name,
    lifecycleState,
    conversationProfile,
    phoneNumber,
    startTime,
    endTime,
    conversationStage,
    unknownFields: invalid
      ? undefined
      : keptFields(
          telephonyConnectionInfo as JsonObject | undefined,
          initialConversationProfile as JsonObject | undefined,
          ingestedContextReferences as JsonObject | undefined,
          initialGeneratorContexts as JsonObject | undefined,
          unknown,
        ),
    invalid,
  };
};

/**
 * The shape nearly every conversation from Dialogflow has: only the seven modelled fields, in
 * lowerCamelCase, none `null`. Read by name (inline-cached property loads) rather than key by key
 * through the `switch` above, which is what makes decoding a typical response cheap. Anything else
 * (another key, a proto name, a `null`, or an inherited enumerable key from a polluted prototype,
 * which makes the count differ) returns `undefined` and takes the general path; both read the same
 * values with the same readers (`test/conversation-properties.test.ts` checks they agree).
 */
const readCommonShape = (
  source: Record<string, unknown>,
  issues: IssueSink,
  here: Path,
  owned: boolean,
  before: number,
): ConversationFieldsRead | undefined => {
  let keys = 0;
  for (const _ in source) keys++;
  const name = source.name;
  const lifecycleState = source.lifecycleState;
  const conversationProfile = source.conversationProfile;
  const phoneNumber = source.phoneNumber;
  const startTime = source.startTime;
  const endTime = source.endTime;
  const conversationStage = source.conversationStage;
  if (
    keys !==
      (name === undefined ? 0 : 1) +
        (lifecycleState === undefined ? 0 : 1) +
        (conversationProfile === undefined ? 0 : 1) +
        (phoneNumber === undefined ? 0 : 1) +
        (startTime === undefined ? 0 : 1) +
        (endTime === undefined ? 0 : 1) +
        (conversationStage === undefined ? 0 : 1) ||
    name === null ||
    lifecycleState === null ||
    conversationProfile === null ||
    phoneNumber === null ||
    startTime === null ||
    endTime === null ||
    conversationStage === null
  ) {
    return undefined;
  }
  const read: ConversationFieldsRead = {
    name: name === undefined ? undefined : name === '' ? '' : readName(name, issues, here, 'name'),
    lifecycleState: lifecycleState === undefined ? undefined : lifecycleStateEnum.read(lifecycleState, issues, here, 'lifecycleState'),
    conversationProfile:
      conversationProfile === undefined
        ? undefined
        : conversationProfile === ''
          ? ''
          : readProfile(conversationProfile, issues, here, 'conversationProfile'),
    phoneNumber: phoneNumber === undefined ? undefined : readPhoneNumber(phoneNumber, issues, here, 'phoneNumber', 1, owned),
    startTime: startTime === undefined ? undefined : readTimestamp(startTime, issues, here, 'startTime'),
    endTime: endTime === undefined ? undefined : readTimestamp(endTime, issues, here, 'endTime'),
    conversationStage:
      conversationStage === undefined ? undefined : conversationStageEnum.read(conversationStage, issues, here, 'conversationStage'),
    unknownFields: undefined,
    invalid: issues.length !== before,
  };
  return read;
};

/**
 * The kept fields in canonical order: the known-but-unmodelled ones by field number (messages when
 * present, maps when not empty: an empty map is the default), then the unknown ones as they came.
 */
const keptFields = (
  telephonyConnectionInfo: JsonObject | undefined,
  initialConversationProfile: JsonObject | undefined,
  ingestedContextReferences: JsonObject | undefined,
  initialGeneratorContexts: JsonObject | undefined,
  unknown: Record<string, JsonValue> | undefined,
): UnknownFields | undefined => {
  const hasMaps =
    (ingestedContextReferences !== undefined && !isEmptyObject(ingestedContextReferences)) ||
    (initialGeneratorContexts !== undefined && !isEmptyObject(initialGeneratorContexts));
  if (telephonyConnectionInfo === undefined && initialConversationProfile === undefined && !hasMaps) {
    return unknown === undefined ? undefined : Object.freeze(unknown);
  }
  const kept: Record<string, JsonValue> = {};
  if (telephonyConnectionInfo !== undefined) kept.telephonyConnectionInfo = telephonyConnectionInfo;
  if (initialConversationProfile !== undefined) kept.initialConversationProfile = initialConversationProfile;
  if (ingestedContextReferences !== undefined && !isEmptyObject(ingestedContextReferences)) {
    kept.ingestedContextReferences = ingestedContextReferences;
  }
  if (initialGeneratorContexts !== undefined && !isEmptyObject(initialGeneratorContexts)) {
    kept.initialGeneratorContexts = initialGeneratorContexts;
  }
  writeUnknownFields(kept, unknown);
  return Object.freeze(kept);
};

/** @internal Reads a partial `Conversation` (all fields optional; defaults become absent). */
const readConversationResource = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
): ConversationResource | Invalid => {
  const read = readConversationFields(value, issues, parent, key, false);
  if (read === INVALID || read.invalid) return INVALID;
  return Object.freeze({
    name: read.name === '' ? undefined : (read.name as ConversationName | undefined),
    lifecycleState:
      read.lifecycleState === 'LIFECYCLE_STATE_UNSPECIFIED' ? undefined : (read.lifecycleState as 'IN_PROGRESS' | 'COMPLETED' | undefined),
    conversationProfile: read.conversationProfile === '' ? undefined : (read.conversationProfile as ConversationProfileName | undefined),
    phoneNumber: read.phoneNumber as ConversationPhoneNumber | undefined,
    startTime: read.startTime as Timestamp | undefined,
    endTime: read.endTime as Timestamp | undefined,
    conversationStage:
      read.conversationStage === 'CONVERSATION_STAGE_UNSPECIFIED' ? undefined : (read.conversationStage as ConversationStage | undefined),
    unknownFields: read.unknownFields,
  });
};

/**
 * Canonical ProtoJSON of a conversation (or of anything shaped like one, such as the aggregate):
 * field-number order, defaults left out, kept fields last.
 *
 * @internal
 */
export const writeConversation = (c: ConversationResource): ConversationJson => {
  const out: Record<string, JsonValue | ConversationPhoneNumber> = {};
  if (c.name !== undefined && c.name !== '') out.name = c.name;
  if (c.lifecycleState !== undefined) out.lifecycleState = c.lifecycleState;
  if (c.conversationProfile !== undefined && c.conversationProfile !== '') out.conversationProfile = c.conversationProfile;
  if (c.phoneNumber !== undefined) out.phoneNumber = c.phoneNumber;
  if (c.startTime !== undefined) out.startTime = c.startTime;
  if (c.endTime !== undefined) out.endTime = c.endTime;
  if (c.conversationStage !== undefined) out.conversationStage = c.conversationStage;
  writeUnknownFields(out, c.unknownFields);
  return out as ConversationJson;
};

const isConversationResource = (u: unknown): u is ConversationResource =>
  typeof u === 'object' &&
  u !== null &&
  !Array.isArray(u) &&
  ((u as ConversationResource).startTime === undefined || isTimestamp((u as ConversationResource).startTime));

export interface ConversationResourceCodec extends t.Type<ConversationResource, ConversationJson, unknown> {}

/**
 * io-ts codec for a `Conversation` message with every field optional (a create request's body, a
 * partial response), under ProtoJSON's rules. For a conversation returned by the server, decode the
 * aggregate instead (`decodeConversation`), which also requires what such a conversation always has.
 *
 * @example
 * ```ts
 * ConversationResourceCodec.decode({ conversation_profile: 'projects/p/conversationProfiles/support' });
 * ```
 */
export const ConversationResourceCodec: ConversationResourceCodec = codecFromReader<ConversationResource, ConversationJson>(
  'ConversationResource',
  isConversationResource,
  readConversationResource,
  writeConversation,
);
