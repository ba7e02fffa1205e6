import type * as t from 'io-ts';
import { type ConversationName, conversationNameKind } from './conversation-name.js';
import { type ConversationProfileName, conversationProfileNameKind } from './conversation-profile-name.js';
import { type ConversationStage, type ConversationStageEnum, conversationStageEnum } from './conversation-stage.js';
import { type FieldPlan, type MessagePlan, messagePlan } from './descriptor.js';
import { type IssueSink, type Path, stepInto } from './issue.js';
import { defineEntry, type JsonObject, type JsonValue } from './json-value.js';
import { type LifecycleStateEnum, lifecycleStateEnum } from './lifecycle-state.js';
import { keepUnknownField, readMessageObject, type UnknownFields, writeUnknownFields } from './message.js';
import { type ConversationPhoneNumber, readPhoneNumber } from './phone-number.js';
import { type FieldReader, isDefaultValue, readField, readFieldValues } from './protojson.js';
import { codecFromReader, INVALID, type Invalid } from './reader.js';
import { isTimestamp, readTimestamp, type Timestamp } from './well-known-types.js';

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

const readName = conversationNameKind.read;
const readProfile = conversationProfileNameKind.read;

/** The fields the aggregate models, by JSON name, in field-number order; every other field is kept verbatim. */
export const MODELLED_FIELDS = [
  'name',
  'lifecycleState',
  'conversationProfile',
  'phoneNumber',
  'startTime',
  'endTime',
  'conversationStage',
] as const;

let plans: { readonly conversation: MessagePlan; readonly phoneNumber: MessagePlan } | undefined;

/** The engine's plans of the two messages, made on first use. */
const conversationPlans = (): { readonly conversation: MessagePlan; readonly phoneNumber: MessagePlan } => {
  plans ??= {
    conversation: messagePlan('google.cloud.dialogflow.v2.Conversation'),
    phoneNumber: messagePlan('google.cloud.dialogflow.v2.ConversationPhoneNumber'),
  };
  return plans;
};

/** @internal Both spellings of the modelled fields' names: kept fields cannot use them. */
export const modelledFieldNames = (): ReadonlySet<string> =>
  new Set(
    conversationPlans()
      .conversation.fields.filter((f: FieldPlan) => (MODELLED_FIELDS as ReadonlyArray<string>).includes(f.jsonName))
      .flatMap((f: FieldPlan) => [f.jsonName, f.protoName]),
  );

/**
 * One `Conversation` object as read: each field decoded, `undefined` when absent (or `null`), or
 * {@link INVALID} when rejected (the problem is in the sink). Enums are kept as read (a name, or the
 * number of a value newer than this library), and a default that was spelled out (`""`,
 * `*_UNSPECIFIED`) is kept, so callers can tell "absent" from "unspecified".
 */
export interface ConversationFieldsRead {
  readonly name: ConversationName | '' | Invalid | undefined;
  readonly lifecycleState: LifecycleStateEnum | number | Invalid | undefined;
  readonly conversationProfile: ConversationProfileName | '' | Invalid | undefined;
  readonly phoneNumber: ConversationPhoneNumber | Invalid | undefined;
  readonly startTime: Timestamp | Invalid | undefined;
  readonly endTime: Timestamp | Invalid | undefined;
  readonly conversationStage: ConversationStageEnum | number | Invalid | undefined;
  /** The kept fields in canonical order; `undefined` when none. */
  readonly unknownFields: UnknownFields | undefined;
  /** Whether any field, kept ones included, was rejected. */
  readonly invalid: boolean;
}

/**
 * @internal Reads the fields of a `Conversation` object: both spellings of every name (the last
 * occurrence wins), `null` as absent, unknown fields kept verbatim (deeply frozen), every problem
 * recorded. Own properties only. Returns {@link INVALID} only when the value is not an object.
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
  return readCommonShape(source, issues, here, owned, issues.length) ?? readByKey(source, issues, here, owned);
};

/** A resource name field: `""` is the string default; anything else must be a name of its kind. */
const nameReader =
  <N extends string>(
    read: (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined) => N | Invalid,
  ): FieldReader =>
  (value, issues, parent, key) =>
    value === '' ? '' : read(value, issues, parent, key);

const readNameField = nameReader(readName);
const readProfileField = nameReader(readProfile);

let readers: ReadonlyMap<FieldPlan, FieldReader> | undefined;

/** The engine reads names as strings; their kind is the Conversation's own rule. */
const nameReaders = (): ReadonlyMap<FieldPlan, FieldReader> => {
  if (readers === undefined) {
    const plan = conversationPlans().conversation;
    readers = new Map([
      [plan.byKey.get('name') as FieldPlan, readNameField],
      [plan.byKey.get('conversationProfile') as FieldPlan, readProfileField],
    ]);
  }
  return readers;
};

let modelled: ReadonlyArray<boolean> | undefined;

/** By field index: whether the aggregate models the field (its value is not kept). */
const modelledByIndex = (): ReadonlyArray<boolean> => {
  modelled ??= conversationPlans().conversation.fields.map((f) => (MODELLED_FIELDS as ReadonlyArray<string>).includes(f.jsonName));
  return modelled;
};

/**
 * The kept fields in canonical order: the known ones the aggregate does not model, in field order,
 * defaults left out; then the unknown ones, as they came. `undefined` when there are none, or when
 * the conversation had a problem.
 */
const keptFields = (
  values: ReadonlyArray<JsonValue | Invalid | undefined> | undefined,
  unknown: Readonly<Record<string, JsonValue>> | undefined,
  invalid: boolean,
): UnknownFields | undefined => {
  if (invalid) return undefined;
  let kept: Record<string, JsonValue> | undefined;
  if (values !== undefined) {
    const fields = conversationPlans().conversation.fields;
    const isModelled = modelledByIndex();
    for (let i = 0; i < fields.length; i++) {
      const v = values[i];
      const field = fields[i] as FieldPlan;
      if (isModelled[i] === true || v === undefined || v === INVALID || isDefaultValue(field, v)) continue;
      kept ??= {};
      kept[field.jsonName] = v;
    }
  }
  if (unknown !== undefined) {
    kept ??= {};
    const keys = Object.keys(unknown);
    for (let n = 0; n < keys.length; n++) defineEntry(kept, keys[n] as string, unknown[keys[n] as string]);
  }
  return kept === undefined ? undefined : Object.freeze(kept);
};

/**
 * @internal Reads a `Conversation` object with the one ProtoJSON engine (`protojson.ts`), each
 * field on its own, so every problem is reported at once; the kept fields are assembled in
 * canonical order. The reference the readers below agree with (`test/fast-paths.test.ts`).
 */
export const readWithEngine = (
  source: Readonly<Record<string, unknown>>,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  owned: boolean,
): ConversationFieldsRead => {
  const before = issues.length;
  const plan = conversationPlans().conversation;
  const here = stepInto(parent, key);
  const { values, unknown } = readFieldValues(plan, source, issues, here, 0, owned, undefined, nameReaders());
  const value = (jsonName: string): unknown => values[(plan.byKey.get(jsonName) as FieldPlan).index];
  const invalid = issues.length !== before;
  return {
    name: value('name') as ConversationName | '' | Invalid | undefined,
    lifecycleState: value('lifecycleState') as LifecycleStateEnum | number | Invalid | undefined,
    conversationProfile: value('conversationProfile') as ConversationProfileName | '' | Invalid | undefined,
    phoneNumber: value('phoneNumber') as ConversationPhoneNumber | Invalid | undefined,
    startTime: value('startTime') as Timestamp | Invalid | undefined,
    endTime: value('endTime') as Timestamp | Invalid | undefined,
    conversationStage: value('conversationStage') as ConversationStageEnum | number | Invalid | undefined,
    unknownFields: keptFields(values, unknown, invalid),
    invalid,
  };
};

/**
 * Any `Conversation` object but the common shape: key by key, in the source's order, as the
 * engine's `readFieldValues` reads them (the same property reads, in the same order, so a hostile
 * object fails the same way), but the seven modelled fields, by either spelling, go straight to
 * their readers (the engine's own: the same values, the same problems), and only the other keys
 * to the engine, field by field.
 */
const readByKey = (source: Readonly<Record<string, unknown>>, issues: IssueSink, here: Path, owned: boolean): ConversationFieldsRead => {
  const before = issues.length;
  const plan = conversationPlans().conversation;
  let name: unknown;
  let lifecycleState: unknown;
  let conversationProfile: unknown;
  let phoneNumber: unknown;
  let startTime: unknown;
  let endTime: unknown;
  let conversationStage: unknown;
  let values: Array<JsonValue | Invalid | undefined> | undefined;
  let unknown: Record<string, JsonValue> | undefined;
  const keys = Object.keys(source);
  for (let n = 0; n < keys.length; n++) {
    const k = keys[n] as string;
    const item = source[k];
    switch (k) {
      case 'name':
        name = item === null ? undefined : readNameField(item, issues, here, k);
        break;
      case 'lifecycleState':
      case 'lifecycle_state':
        lifecycleState = item === null ? undefined : lifecycleStateEnum().readOpen(item, issues, here, k);
        break;
      case 'conversationProfile':
      case 'conversation_profile':
        conversationProfile = item === null ? undefined : readProfileField(item, issues, here, k);
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
        conversationStage = item === null ? undefined : conversationStageEnum().readOpen(item, issues, here, k);
        break;
      default: {
        const field = plan.byKey.get(k);
        if (field === undefined) unknown = keepUnknownField(unknown, k, item, issues, here, 0, owned);
        else {
          values ??= new Array<JsonValue | Invalid | undefined>(plan.fields.length);
          values[field.index] = readField(field, item, issues, here, k, 0, owned);
        }
      }
    }
  }
  const invalid = issues.length !== before;
  return {
    name: name as ConversationName | '' | Invalid | undefined,
    lifecycleState: lifecycleState as LifecycleStateEnum | number | Invalid | undefined,
    conversationProfile: conversationProfile as ConversationProfileName | '' | Invalid | undefined,
    phoneNumber: phoneNumber as ConversationPhoneNumber | Invalid | undefined,
    startTime: startTime as Timestamp | Invalid | undefined,
    endTime: endTime as Timestamp | Invalid | undefined,
    conversationStage: conversationStage as ConversationStageEnum | number | Invalid | undefined,
    unknownFields: keptFields(values, unknown, invalid),
    invalid,
  };
};

/**
 * The shape nearly every conversation from Dialogflow has: a plain object (from `JSON.parse`) with
 * only the seven modelled fields, in lowerCamelCase, none `null`. Read by name (inline-cached
 * property loads) rather than key by key, which is what makes decoding a typical response cheap.
 * Anything else (another key, a proto name, a `null`, another prototype, or an inherited enumerable
 * key from a polluted prototype, which makes the count differ) returns `undefined` and is read key
 * by key (`readByKey`); both read the same values with the engine's readers (`test/fast-paths.test.ts`
 * checks them against the engine).
 */
const readCommonShape = (
  source: Readonly<Record<string, unknown>>,
  issues: IssueSink,
  here: Path,
  owned: boolean,
  before: number,
): ConversationFieldsRead | undefined => {
  // Only own properties count: an object whose fields are inherited is not a conversation.
  if (Object.getPrototypeOf(source) !== Object.prototype) return undefined;
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
    conversationStage === null ||
    // Names that are not strings take the engine, which says so as it does for any string field.
    (name !== undefined && typeof name !== 'string') ||
    (conversationProfile !== undefined && typeof conversationProfile !== 'string')
  ) {
    return undefined;
  }
  const read: ConversationFieldsRead = {
    name: name === undefined ? undefined : name === '' ? '' : readName(name, issues, here, 'name'),
    lifecycleState:
      lifecycleState === undefined ? undefined : lifecycleStateEnum().readOpen(lifecycleState, issues, here, 'lifecycleState'),
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
      conversationStage === undefined ? undefined : conversationStageEnum().readOpen(conversationStage, issues, here, 'conversationStage'),
    unknownFields: undefined,
    invalid: issues.length !== before,
  };
  return read;
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
export const writeConversation = (
  c: ConversationResource & { readonly conversationStageInferred?: true | undefined },
): ConversationJson => {
  const out: Record<string, JsonValue | ConversationPhoneNumber> = {};
  if (c.name !== undefined && c.name !== '') out.name = c.name;
  if (c.lifecycleState !== undefined) out.lifecycleState = c.lifecycleState;
  if (c.conversationProfile !== undefined && c.conversationProfile !== '') out.conversationProfile = c.conversationProfile;
  if (c.phoneNumber !== undefined) out.phoneNumber = c.phoneNumber;
  if (c.startTime !== undefined) out.startTime = c.startTime;
  if (c.endTime !== undefined) out.endTime = c.endTime;
  // An inferred stage came in as the default, which ProtoJSON leaves out: it goes out the same way.
  if (c.conversationStage !== undefined && c.conversationStageInferred !== true) out.conversationStage = c.conversationStage;
  writeUnknownFields(out, c.unknownFields);
  return out as ConversationJson;
};

/** Whether JavaScript would move the key before the others in an object: an array index (`"10"`). */
const isIndexKey = (key: string): boolean => {
  const n = key.length;
  if (n === 0 || n > 10 || (n > 1 && key.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(key) < 4_294_967_295;
};

/**
 * @internal Canonical ProtoJSON text of a conversation. Kept fields come last, even those whose
 * names are array indexes (`"10"`), which a JavaScript object would put before `name`.
 */
export const stringifyConversationJson = (c: ConversationResource & { readonly conversationStageInferred?: true | undefined }): string => {
  const out = writeConversation(c);
  const kept = c.unknownFields;
  if (kept === undefined) return JSON.stringify(out);
  const keys = Object.keys(kept);
  let indexKeys = false;
  for (let i = 0; i < keys.length && !indexKeys; i++) indexKeys = isIndexKey(keys[i] as string);
  if (!indexKeys) return JSON.stringify(out);
  const parts: string[] = [];
  const field = (k: string, v: unknown): number => parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
  for (const k of Object.keys(out)) if (!Object.hasOwn(kept, k)) field(k, out[k]);
  // The kept fields as they came, but for index keys, which JavaScript moved first: they go last.
  for (const k of keys) if (!isIndexKey(k)) field(k, kept[k]);
  for (const k of keys) if (isIndexKey(k)) field(k, kept[k]);
  return `{${parts.join(',')}}`;
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
  // Anything but an object is no resource (the codec answers undefined for what it cannot write).
  (resource) =>
    typeof resource === 'object' && resource !== null ? writeConversation(resource) : (undefined as unknown as ConversationJson),
);
