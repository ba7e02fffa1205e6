import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { type ConversationName, conversationNameKind } from '../wire/conversation-name.js';
import { type DecodeError, decodeError } from '../wire/decode-error.js';
import { messagePlan } from '../wire/descriptor.js';
import { type IssueSink, type Path, stepInto } from '../wire/issue.js';
import type { JsonObject, JsonValue } from '../wire/json-value.js';
import type { UnknownFields } from '../wire/message.js';
import { readProtoJson } from '../wire/protojson.js';
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
 * A Dialogflow `ConversationEvent` notification, decoded. Its payloads are kept whole, checked
 * against their proto types and in canonical ProtoJSON, so a notification decoded from JSON and the
 * same one decoded from protobuf bytes are equal.
 */
export interface Notification {
  /** The conversation it is about. */
  readonly conversation: ConversationName;
  readonly type: NotificationType;
  /** `error_status`, a `google.rpc.Status` (`{ code, message, details }`): set for `UNRECOVERABLE_ERROR`. */
  readonly errorStatus?: JsonObject | undefined;
  /** `new_message_payload`, a `google.cloud.dialogflow.v2.Message`: set for `NEW_MESSAGE`. */
  readonly newMessagePayload?: JsonObject | undefined;
  /** `new_recognition_result_payload`, a `StreamingRecognitionResult`: set for `NEW_RECOGNITION_RESULT`. */
  readonly newRecognitionResultPayload?: JsonObject | undefined;
  /** Fields of `ConversationEvent` newer than this library, kept verbatim. */
  readonly unknownFields?: UnknownFields | undefined;
  /** The Pub/Sub message it came in, when decoded from a push delivery. */
  readonly delivery?: PubSubDelivery | undefined;
}

/** `ConversationEvent` as canonical ProtoJSON. */
export interface NotificationJson {
  readonly conversation: string;
  readonly type?: NotificationType;
  readonly errorStatus?: JsonObject;
  readonly newMessagePayload?: JsonObject;
  readonly newRecognitionResultPayload?: JsonObject;
  readonly [unknownField: string]: JsonValue | undefined;
}

const EVENT_TYPE = 'google.cloud.dialogflow.v2.ConversationEvent';
const MODELLED = new Set(['conversation', 'type', 'errorStatus', 'newMessagePayload', 'newRecognitionResultPayload']);

/**
 * @internal Reads a `ConversationEvent` in ProtoJSON: the payloads are checked against their
 * proto types and made canonical; `conversation` must name a conversation, and `type` must be one
 * this library knows (a newer type is an error, not a silent no-op).
 */
export const readNotification = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  delivery: PubSubDelivery | undefined,
): Notification | Invalid => {
  const json = readProtoJson(messagePlan(EVENT_TYPE), value, issues, parent, key, 0);
  if (json === INVALID) return INVALID;
  const event = json as JsonObject;
  const here = stepInto(parent, key);
  const before = issues.length;
  if (event.conversation === undefined) {
    issues.push({ path: pathAt(here, 'conversation'), message: 'missing: every ConversationEvent names its conversation' });
  }
  const conversation =
    event.conversation === undefined ? INVALID : conversationNameKind.read(event.conversation, issues, here, 'conversation');
  const type = event.type === undefined ? 'TYPE_UNSPECIFIED' : notificationTypeEnum().read(event.type, issues, here, 'type');
  if (issues.length !== before || conversation === INVALID || type === INVALID) return INVALID;
  let unknownFields: Record<string, JsonValue> | undefined;
  for (const k of Object.keys(event)) {
    if (MODELLED.has(k)) continue;
    unknownFields ??= {};
    Object.defineProperty(unknownFields, k, { value: event[k], enumerable: true, writable: true, configurable: true });
  }
  return Object.freeze({
    conversation,
    type,
    errorStatus: event.errorStatus as JsonObject | undefined,
    newMessagePayload: event.newMessagePayload as JsonObject | undefined,
    newRecognitionResultPayload: event.newRecognitionResultPayload as JsonObject | undefined,
    unknownFields: unknownFields === undefined ? undefined : Object.freeze(unknownFields),
    delivery,
  });
};

/**
 * Decodes a `ConversationEvent` notification in ProtoJSON (a parsed object: the format `JSON` of a
 * conversation profile's notification config). Same rules as the conversation codecs: both name
 * spellings, enum names or numbers, `null` as absent, unknown fields kept, every problem with its
 * path; never throws. Payloads are checked against their proto types and kept in canonical form.
 *
 * @example
 * ```ts
 * decodeNotification({ conversation: 'projects/p/conversations/c', type: 'CONVERSATION_FINISHED' });
 * // right({ conversation: 'projects/p/conversations/c', type: 'CONVERSATION_FINISHED', ... })
 * ```
 */
export const decodeNotification = (json: unknown): E.Either<DecodeError, Notification> => {
  const { value, issues } = runReader((u, sink, parent, key) => readNotification(u, sink, parent, key, undefined), json);
  return value === INVALID ? E.left(decodeError(issues)) : E.right(value);
};

/**
 * The notification as canonical ProtoJSON (a `ConversationEvent`; the Pub/Sub delivery is not part
 * of it).
 *
 * @example
 * ```ts
 * encodeNotification(notification); // { conversation: 'projects/p/conversations/c', type: 'NEW_MESSAGE', newMessagePayload: {...} }
 * ```
 */
export const encodeNotification = (n: Notification): NotificationJson => {
  const out: Record<string, JsonValue> = { conversation: n.conversation };
  if (n.type !== 'TYPE_UNSPECIFIED') out.type = n.type;
  if (n.errorStatus !== undefined) out.errorStatus = n.errorStatus;
  if (n.newMessagePayload !== undefined) out.newMessagePayload = n.newMessagePayload;
  if (n.newRecognitionResultPayload !== undefined) out.newRecognitionResultPayload = n.newRecognitionResultPayload;
  if (n.unknownFields !== undefined) {
    for (const k of Object.keys(n.unknownFields)) {
      Object.defineProperty(out, k, { value: n.unknownFields[k], enumerable: true, writable: true, configurable: true });
    }
  }
  return out as NotificationJson;
};

const isNotification = (u: unknown): u is Notification =>
  typeof u === 'object' &&
  u !== null &&
  conversationNameKind.is((u as Notification).conversation) &&
  typeof (u as Notification).type === 'string' &&
  notificationTypeEnum().names.includes((u as Notification).type);

export interface NotificationCodec extends t.Type<Notification, NotificationJson, unknown> {}

/**
 * io-ts codec for a `ConversationEvent` in ProtoJSON: decodes as {@link decodeNotification} does,
 * encodes canonical ProtoJSON.
 *
 * @example
 * ```ts
 * t.array(NotificationCodec).decode(batch);
 * ```
 */
export const NotificationCodec: NotificationCodec = codecFromReader<Notification, NotificationJson>(
  'ConversationEvent',
  isNotification,
  (value, issues, parent, key) => readNotification(value, issues, parent, key, undefined),
  encodeNotification,
);
