import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { type ConversationName, conversationNameKind } from '../wire/conversation-name.js';
import { type DecodeError, decodeError } from '../wire/decode-error.js';
import { type FieldPlan, type MessagePlan, messagePlan } from '../wire/descriptor.js';
import { describe, type IssueSink, type Path, stepInto } from '../wire/issue.js';
import { defineEntry, type JsonObject, type JsonValue } from '../wire/json-value.js';
import type { UnknownFields } from '../wire/message.js';
import { type FieldReader, readField, readProtoJson } from '../wire/protojson.js';
import { codecFromReader, INVALID, type Invalid, pathAt, runReader } from '../wire/reader.js';
import type { Timestamp } from '../wire/well-known-types.js';
import { type NotificationType, notificationTypeEnum } from './notification-type.js';

/** How a notification reached the backend: the Pub/Sub message around it. */
export interface PubSubDelivery {
  /** Pub/Sub's ID of the message: the same for every redelivery of it. */
  readonly messageId: string;
  /** When Pub/Sub received the message from Dialogflow (canonical RFC 3339). */
  readonly publishTime: Timestamp;
  /** The message's attributes (empty when it has none). */
  readonly attributes: Readonly<Record<string, string>>;
  /** The ordering key, when the subscription orders messages. */
  readonly orderingKey?: string | undefined;
  /** The push subscription's name (`projects/{p}/subscriptions/{s}`). */
  readonly subscription?: string | undefined;
  /** Which delivery attempt this is, when the subscription has a dead-letter policy. */
  readonly deliveryAttempt?: number | undefined;
}

/**
 * A `ConversationEvent.Type` newer than this library, as it came: its name in JSON, its number in
 * protobuf. Google adds types (`NEW_RECOGNITION_RESULT` is recent); such a notification is kept and
 * changes nothing.
 */
export type NewerNotificationType = (string & Record<never, never>) | number;

/**
 * A Dialogflow `ConversationEvent` (a conversation profile's notification topic), decoded. Its
 * payloads are kept whole, checked against their proto types (v2beta1's, a superset of v2's) and in
 * canonical ProtoJSON, so a notification decoded from JSON and the same one decoded from protobuf
 * bytes are equal.
 */
export interface ConversationEventNotification {
  readonly kind: 'ConversationEvent';
  /** The conversation it is about. */
  readonly conversation: ConversationName;
  /** What it reports: `TYPE_UNSPECIFIED` when absent; a type newer than this library as it came. */
  readonly type: NotificationType | NewerNotificationType;
  /** `error_status`, a `google.rpc.Status` (`{ code, message, details }`): set for `UNRECOVERABLE_ERROR`. */
  readonly errorStatus?: JsonObject | undefined;
  /** `new_message_payload`, a `Message`: set for `NEW_MESSAGE`. */
  readonly newMessagePayload?: JsonObject | undefined;
  /** `new_recognition_result_payload`, a `StreamingRecognitionResult`: set for `NEW_RECOGNITION_RESULT`. */
  readonly newRecognitionResultPayload?: JsonObject | undefined;
  /** Fields of `ConversationEvent` newer than this library, kept verbatim. */
  readonly unknownFields?: UnknownFields | undefined;
  /** The Pub/Sub message it came in, when decoded from a push delivery or a pulled message. */
  readonly delivery?: PubSubDelivery | undefined;
}

/**
 * A Dialogflow `HumanAgentAssistantEvent` (a conversation profile's suggestion topic): suggestions
 * for a participant of the conversation, kept whole in canonical ProtoJSON. It changes no state.
 */
export interface SuggestionNotification {
  readonly kind: 'HumanAgentAssistantEvent';
  readonly conversation: ConversationName;
  /** The participant the suggestions are for (`projects/{p}/conversations/{c}/participants/{id}`). */
  readonly participant?: string | undefined;
  /** The `SuggestionResult`s: articles, FAQ answers, smart replies, generator suggestions, errors. */
  readonly suggestionResults?: ReadonlyArray<JsonObject> | undefined;
  readonly unknownFields?: UnknownFields | undefined;
  readonly delivery?: PubSubDelivery | undefined;
}

/** What Dialogflow publishes to a conversation profile's topics, decoded. */
export type Notification = ConversationEventNotification | SuggestionNotification;

/** The message a notification is: the topic it came from decides it. */
export type NotificationMessage = Notification['kind'];

/** A notification as canonical ProtoJSON: a `ConversationEvent` or a `HumanAgentAssistantEvent`. */
export interface NotificationJson {
  readonly conversation: string;
  readonly type?: NotificationType | NewerNotificationType;
  readonly errorStatus?: JsonObject;
  readonly newMessagePayload?: JsonObject;
  readonly newRecognitionResultPayload?: JsonObject;
  readonly participant?: string;
  readonly suggestionResults?: ReadonlyArray<JsonObject>;
  readonly [unknownField: string]: JsonValue | undefined;
}

/** @internal The full names of the two messages (v2beta1's: a superset of v2's, see the descriptor). */
export const MESSAGE_TYPES: Readonly<Record<NotificationMessage, string>> = {
  ConversationEvent: 'google.cloud.dialogflow.v2beta1.ConversationEvent',
  HumanAgentAssistantEvent: 'google.cloud.dialogflow.v2beta1.HumanAgentAssistantEvent',
};

const MODELLED: Readonly<Record<NotificationMessage, ReadonlySet<string>>> = {
  ConversationEvent: new Set(['conversation', 'type', 'errorStatus', 'newMessagePayload', 'newRecognitionResultPayload']),
  HumanAgentAssistantEvent: new Set(['conversation', 'participant', 'suggestionResults']),
};

/** Keys only a `ConversationEvent` has, and keys only a `HumanAgentAssistantEvent` has, in either spelling. */
const EVENT_ONLY = [
  'type',
  'errorStatus',
  'error_status',
  'newMessagePayload',
  'new_message_payload',
  'newRecognitionResultPayload',
  'new_recognition_result_payload',
];
const SUGGESTION_ONLY = ['participant', 'suggestionResults', 'suggestion_results'];

/**
 * @internal Which message a JSON notification is, told by its keys: a `HumanAgentAssistantEvent` has
 * a participant or suggestions and none of a `ConversationEvent`'s own fields; anything else is a
 * `ConversationEvent` (`{ conversation }` alone is one of type `TYPE_UNSPECIFIED`).
 */
export const messageOfJson = (json: Readonly<Record<string, unknown>>): NotificationMessage => {
  let suggestion = false;
  for (const k of Object.keys(json)) {
    if (EVENT_ONLY.includes(k)) return 'ConversationEvent';
    if (SUGGESTION_ONLY.includes(k)) suggestion = true;
  }
  return suggestion ? 'HumanAgentAssistantEvent' : 'ConversationEvent';
};

let plans: Readonly<Record<NotificationMessage, MessagePlan>> | undefined;

/** @internal The engine's plans of the two messages, made on first use. */
export const notificationPlans = (): Readonly<Record<NotificationMessage, MessagePlan>> => {
  plans ??= {
    ConversationEvent: messagePlan(MESSAGE_TYPES.ConversationEvent),
    HumanAgentAssistantEvent: messagePlan(MESSAGE_TYPES.HumanAgentAssistantEvent),
  };
  return plans;
};

/** A type this library names, or one newer than it as it came: a name or an int32, never anything else. */
const readType: FieldReader = (value, issues, parent, key) => {
  if (typeof value === 'string' && value !== '' && !notificationTypeEnum().names.includes(value as NotificationType)) {
    // A name in exact enum spelling (capitals, digits, `_`); anything else is not a type at all.
    let ok = true;
    for (let i = 0; i < value.length && ok; i++) {
      const c = value.charCodeAt(i);
      ok = (c >= 65 && c <= 90) || (c >= 48 && c <= 57 && i > 0) || c === 95;
    }
    if (ok) return value;
  }
  return notificationTypeEnum().readOpen(value, issues, parent, key);
};

/** A conversation's name: the engine reads a string, its kind is the notification's own rule. */
const readConversation: FieldReader = (value, issues, parent, key) => conversationNameKind.read(value, issues, parent, key);

let fieldReaders: Readonly<Record<NotificationMessage, ReadonlyMap<FieldPlan, FieldReader>>> | undefined;
const readersOf = (kind: NotificationMessage): ReadonlyMap<FieldPlan, FieldReader> => {
  if (fieldReaders === undefined) {
    const { ConversationEvent, HumanAgentAssistantEvent } = notificationPlans();
    fieldReaders = {
      ConversationEvent: new Map([
        [ConversationEvent.byKey.get('conversation') as FieldPlan, readConversation],
        [ConversationEvent.byKey.get('type') as FieldPlan, readType],
      ]),
      HumanAgentAssistantEvent: new Map([[HumanAgentAssistantEvent.byKey.get('conversation') as FieldPlan, readConversation]]),
    };
  }
  return fieldReaders[kind];
};

const keptFields = (event: JsonObject, message: NotificationMessage): UnknownFields | undefined => {
  let unknown: Record<string, JsonValue> | undefined;
  for (const k of Object.keys(event)) {
    if (MODELLED[message].has(k)) continue;
    unknown ??= {};
    defineEntry(unknown, k, event[k]);
  }
  return unknown === undefined ? undefined : Object.freeze(unknown);
};

/**
 * @internal Reads a notification in ProtoJSON, as `message` (or as its keys say): the payloads are
 * checked against their proto types and made canonical; `conversation` must name a conversation;
 * a `ConversationEvent.Type` newer than this library is kept as it came.
 */
export const readNotification = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  delivery: PubSubDelivery | undefined,
  message?: NotificationMessage,
  owned = false,
): Notification | Invalid => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({
      path: pathAt(parent, key),
      message: `expected a ConversationEvent or a HumanAgentAssistantEvent object, got ${describe(value)}`,
    });
    return INVALID;
  }
  const common = readCommonShape(value as Readonly<Record<string, unknown>>, message, issues, parent, key, owned, delivery);
  if (common !== undefined) return common;
  const kind = message ?? messageOfJson(value as Readonly<Record<string, unknown>>);
  const json = readProtoJson(notificationPlans()[kind], value, issues, parent, key, 0, owned, readersOf(kind));
  if (json === INVALID) return INVALID;
  const event = json as JsonObject;
  // The engine's reader of the conversation has checked its name.
  return event.conversation === undefined ? missingConversation(kind, issues, parent, key) : assemble(event, kind, delivery);
};

const missingConversation = (kind: NotificationMessage, issues: IssueSink, parent: Path, key: string | number | undefined): Invalid => {
  issues.push({ path: pathAt(stepInto(parent, key), 'conversation'), message: `missing: every ${kind} names its conversation` });
  return INVALID;
};

/**
 * @internal The notification of an event already in canonical ProtoJSON (as the protobuf reader,
 * `proto-reader.ts`, makes it): nothing is read again but the conversation's name, a string whose
 * kind the proto does not state.
 */
export const notificationOfCanonical = (
  event: JsonObject,
  kind: NotificationMessage,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  delivery: PubSubDelivery | undefined,
): Notification | Invalid => {
  if (event.conversation === undefined) return missingConversation(kind, issues, parent, key);
  if (readConversation(event.conversation, issues, stepInto(parent, key), 'conversation') === INVALID) return INVALID;
  return assemble(event, kind, delivery);
};

/** The notification of a canonical event whose conversation is a conversation's name. */
const assemble = (event: JsonObject, kind: NotificationMessage, delivery: PubSubDelivery | undefined): Notification => {
  const conversation = event.conversation as ConversationName;
  if (kind === 'HumanAgentAssistantEvent') {
    return Object.freeze({
      kind,
      conversation,
      participant: event.participant as string | undefined,
      suggestionResults: event.suggestionResults as ReadonlyArray<JsonObject> | undefined,
      unknownFields: keptFields(event, kind),
      delivery,
    });
  }
  return Object.freeze({
    kind,
    conversation,
    type: (event.type ?? 'TYPE_UNSPECIFIED') as NotificationType | NewerNotificationType,
    errorStatus: event.errorStatus as JsonObject | undefined,
    newMessagePayload: event.newMessagePayload as JsonObject | undefined,
    newRecognitionResultPayload: event.newRecognitionResultPayload as JsonObject | undefined,
    unknownFields: keptFields(event, kind),
    delivery,
  });
};

/** The payload fields of a `ConversationEvent`, by JSON name: at most one is set (a oneof, and `errorStatus` goes alone). */
const PAYLOADS: ReadonlySet<string> = new Set(['errorStatus', 'newMessagePayload', 'newRecognitionResultPayload']);

/**
 * The common shapes of the two messages, read by name rather than through the engine: a plain
 * object, lowerCamelCase, its keys in field order, nothing else, `conversation` first (a
 * conversation's name), then
 * - for a `ConversationEvent`: `type` (a type this library names, by name or number, not
 *   `TYPE_UNSPECIFIED`) and at most one payload;
 * - for a `HumanAgentAssistantEvent`: `participant` (not empty), `suggestionResults` (not empty),
 *   or both.
 *
 * What each shape has says which message it is, as its keys would (`messageOfJson`). The payload
 * and the results are read by the engine as the engine reads them in the message. `undefined` for
 * anything else, or a payload the engine refuses: the whole notification then takes the engine,
 * which reports every problem (`test/fast-paths.test.ts` checks that the two agree).
 */
const readCommonShape = (
  source: Readonly<Record<string, unknown>>,
  message: NotificationMessage | undefined,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  owned: boolean,
  delivery: PubSubDelivery | undefined,
): Notification | undefined => {
  if (Object.getPrototypeOf(source) !== Object.prototype) return undefined;
  const keys = Object.keys(source);
  if (keys.length < 2 || keys.length > 3 || keys[0] !== 'conversation') return undefined;
  const conversation = source.conversation;
  if (!conversationNameKind.is(conversation)) return undefined;
  if (keys[1] === 'type') {
    return message === 'HumanAgentAssistantEvent'
      ? undefined
      : readCommonEvent(source, keys, conversation, issues, parent, key, owned, delivery);
  }
  return message === 'ConversationEvent'
    ? undefined
    : readCommonSuggestion(source, keys, conversation, issues, parent, key, owned, delivery);
};

/** A field of a notification, read as the engine reads it in the message; `undefined`, its problems dropped, when the engine refuses it. */
const readPart = (
  field: FieldPlan,
  item: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  owned: boolean,
): JsonValue | undefined => {
  const before = issues.length;
  const read: JsonValue | Invalid | undefined = readField(field, item, issues, stepInto(parent, key), field.jsonName, 0, owned);
  if (read !== INVALID && read !== undefined && issues.length === before) return read;
  issues.length = before;
  return undefined;
};

const readCommonEvent = (
  source: Readonly<Record<string, unknown>>,
  keys: ReadonlyArray<string>,
  conversation: ConversationName,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  owned: boolean,
  delivery: PubSubDelivery | undefined,
): ConversationEventNotification | undefined => {
  const types = notificationTypeEnum();
  // A name, or the number protobuf carries (which the engine turns into its name).
  const type = typeof source.type === 'number' ? types.nameOf.get(source.type) : source.type;
  if (typeof type !== 'string' || type === 'TYPE_UNSPECIFIED' || !types.names.includes(type as NotificationType)) return undefined;
  let payload: JsonValue | undefined;
  const payloadKey = keys[2];
  if (payloadKey !== undefined) {
    if (!PAYLOADS.has(payloadKey)) return undefined;
    const item = source[payloadKey];
    if (item === null || item === undefined) return undefined;
    payload = readPart(notificationPlans().ConversationEvent.byKey.get(payloadKey) as FieldPlan, item, issues, parent, key, owned);
    if (payload === undefined) return undefined;
  }
  return Object.freeze({
    kind: 'ConversationEvent',
    conversation,
    type: type as NotificationType,
    errorStatus: payloadKey === 'errorStatus' ? (payload as JsonObject) : undefined,
    newMessagePayload: payloadKey === 'newMessagePayload' ? (payload as JsonObject) : undefined,
    newRecognitionResultPayload: payloadKey === 'newRecognitionResultPayload' ? (payload as JsonObject) : undefined,
    unknownFields: undefined,
    delivery,
  });
};

let suggestionResultsField: FieldPlan | undefined;

const readCommonSuggestion = (
  source: Readonly<Record<string, unknown>>,
  keys: ReadonlyArray<string>,
  conversation: ConversationName,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  owned: boolean,
  delivery: PubSubDelivery | undefined,
): SuggestionNotification | undefined => {
  let participant: string | undefined;
  let at = 1;
  if (keys[at] === 'participant') {
    const item = source.participant;
    if (typeof item !== 'string' || item === '') return undefined;
    participant = item;
    at++;
  }
  let suggestionResults: ReadonlyArray<JsonObject> | undefined;
  if (keys[at] === 'suggestionResults') {
    const item = source.suggestionResults;
    if (!Array.isArray(item) || item.length === 0) return undefined;
    suggestionResultsField ??= notificationPlans().HumanAgentAssistantEvent.byKey.get('suggestionResults') as FieldPlan;
    suggestionResults = readPart(suggestionResultsField, item, issues, parent, key, owned) as ReadonlyArray<JsonObject> | undefined;
    if (suggestionResults === undefined) return undefined;
    at++;
  }
  if (at !== keys.length) return undefined;
  return Object.freeze({
    kind: 'HumanAgentAssistantEvent',
    conversation,
    participant,
    suggestionResults,
    unknownFields: undefined,
    delivery,
  });
};

/** Options for decoding a notification in ProtoJSON. */
export interface DecodeNotificationOptions {
  /**
   * The message the notification is, when you know it (a subscription carries one topic): by
   * default it is told by its keys (see {@link Notification}).
   */
  readonly message?: NotificationMessage | undefined;
}

/**
 * Decodes a notification in ProtoJSON (a parsed object: the format `JSON` of a conversation
 * profile's notification config): a `ConversationEvent`, or a `HumanAgentAssistantEvent` from a
 * suggestion topic. Same rules as the conversation codecs: both name spellings, enum names or
 * numbers, `null` as absent, unknown fields kept, every problem with its path; never throws.
 * Payloads are checked against their proto types and kept in canonical form.
 *
 * @example
 * ```ts
 * decodeNotification({ conversation: 'projects/p/conversations/c', type: 'CONVERSATION_FINISHED' });
 * // right({ kind: 'ConversationEvent', conversation: 'projects/p/conversations/c', type: 'CONVERSATION_FINISHED', ... })
 * ```
 */
export const decodeNotification = (json: unknown, options?: DecodeNotificationOptions): E.Either<DecodeError, Notification> => {
  const { value, issues } = runReader((u, sink, parent, key) => readNotification(u, sink, parent, key, undefined, options?.message), json);
  return value === INVALID ? E.left(decodeError(issues)) : E.right(value);
};

/**
 * The notification as canonical ProtoJSON (the Pub/Sub delivery is not part of it). Never throws:
 * given what is not a notification and cannot be read as one (possible only through a cast or
 * from JavaScript), it returns `undefined`.
 *
 * @example
 * ```ts
 * encodeNotification(notification); // { conversation: 'projects/p/conversations/c', type: 'NEW_MESSAGE', newMessagePayload: {...} }
 * ```
 */
export const encodeNotification = (n: Notification): NotificationJson => {
  if (typeof n !== 'object' || n === null) return undefined as unknown as NotificationJson;
  try {
    return writeNotification(n);
  } catch {
    return undefined as unknown as NotificationJson;
  }
};

const writeNotification = (n: Notification): NotificationJson => {
  const out: Record<string, JsonValue> = { conversation: n.conversation };
  if (n.kind === 'HumanAgentAssistantEvent') {
    if (n.participant !== undefined) out.participant = n.participant;
    if (n.suggestionResults !== undefined) out.suggestionResults = n.suggestionResults;
  } else {
    if (n.type !== 'TYPE_UNSPECIFIED' && n.type !== 0) out.type = n.type;
    if (n.errorStatus !== undefined) out.errorStatus = n.errorStatus;
    if (n.newMessagePayload !== undefined) out.newMessagePayload = n.newMessagePayload;
    if (n.newRecognitionResultPayload !== undefined) out.newRecognitionResultPayload = n.newRecognitionResultPayload;
  }
  if (n.unknownFields !== undefined) for (const k of Object.keys(n.unknownFields)) defineEntry(out, k, n.unknownFields[k]);
  return out as NotificationJson;
};

const isNotification = (u: unknown): u is Notification => {
  if (typeof u !== 'object' || u === null) return false;
  const n = u as Notification;
  if (!conversationNameKind.is(n.conversation)) return false;
  if (n.kind === 'HumanAgentAssistantEvent') return true;
  return n.kind === 'ConversationEvent' && (typeof n.type === 'string' || typeof n.type === 'number');
};

export interface NotificationCodec extends t.Type<Notification, NotificationJson, unknown> {}

/**
 * io-ts codec for a notification in ProtoJSON: decodes as {@link decodeNotification} does (the
 * message told by its keys), encodes canonical ProtoJSON.
 *
 * @example
 * ```ts
 * t.array(NotificationCodec).decode(batch);
 * ```
 */
export const NotificationCodec: NotificationCodec = codecFromReader<Notification, NotificationJson>(
  'Notification',
  isNotification,
  (value, issues, parent, key) => readNotification(value, issues, parent, key, undefined),
  encodeNotification,
);
