import * as E from 'fp-ts/lib/Either.js';
import { decodeBase64Ascii, decodeBase64Transient } from '../wire/base64.js';
import { type DecodeError, decodeError, invalidJson } from '../wire/decode-error.js';
import { describe, type IssueSink, type Path, pathAt, stepInto } from '../wire/issue.js';
import type { JsonObject } from '../wire/json-value.js';
import { readMessageObject, readString } from '../wire/message.js';
import { delimited, isMalformed, type Malformed, malformed, readProtoBytes, skip, varint32, Wire } from '../wire/proto-reader.js';
import { INVALID, type Invalid, runReader } from '../wire/reader.js';
import { REMEMBERED_LENGTH } from '../wire/resource-name.js';
import { readTimestamp, type Timestamp } from '../wire/well-known-types.js';
import {
  type Notification,
  type NotificationMessage,
  notificationOfCanonical,
  notificationPlans,
  type PubSubDelivery,
  readNotification,
} from './notification.js';

/**
 * The formats a conversation profile can publish notifications in (`NotificationConfig.MessageFormat`):
 * `PROTO`, serialized protobuf (the default), or `JSON`, ProtoJSON text.
 */
export type NotificationFormat = 'JSON' | 'PROTO';

/** Options for decoding a notification's bytes. */
export interface NotificationDataOptions {
  /**
   * The format the conversation profile publishes in, when you know it. By default it is detected:
   * bytes that are UTF-8 text whose first non-blank character is `{` and that parse as JSON are
   * JSON; anything else is protobuf. (A serialized `ConversationEvent` never starts that way: `{`
   * would be field 15, which it does not have.)
   */
  readonly format?: NotificationFormat | undefined;
  /**
   * The message the notifications are: `ConversationEvent` (a profile's notification topic) or
   * `HumanAgentAssistantEvent` (its suggestion topic), when you know it. By default it is told from
   * the data: in JSON by its keys, in protobuf by its fields (a `HumanAgentAssistantEvent`'s field 3
   * is a participant's name, a `ConversationEvent`'s a `google.rpc.Status`).
   */
  readonly message?: NotificationMessage | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether the first character that is not JSON whitespace is `{`. */
const startsAnObject = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123) return true;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return false;
};

/**
 * @internal Whether the bytes may be the UTF-8 text of a JSON object: after a byte order mark (which the
 * decoder drops) and JSON whitespace, a `{`. What decoding then checking the text would say of its
 * first character, without decoding bytes that are protobuf (they are often valid UTF-8, every
 * byte of them decoded for nothing).
 */
export const mayBeJsonObject = (bytes: Uint8Array): boolean => {
  let i = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 123) return true;
    if (b !== 32 && b !== 9 && b !== 10 && b !== 13) return false;
  }
  return false;
};

/** The bytes as a JSON object, when they are one; `undefined` when they do not look like JSON. */
const parseJsonData = (bytes: Uint8Array): { readonly json: unknown } | { readonly problem: string } | undefined => {
  if (!mayBeJsonObject(bytes)) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  if (!startsAnObject(text)) return undefined;
  try {
    return { json: JSON.parse(text) };
  } catch (cause) {
    return { problem: invalidJson(cause) };
  }
};

const PROJECTS = new TextEncoder().encode('projects/');

/**
 * Which message serialized bytes are, told by their top-level fields: a `ConversationEvent` has a
 * type (2), a message (4) or a status (3, not text); a `HumanAgentAssistantEvent` has a participant
 * (3, a name) or suggestions (5) without a type. A problem when the bytes are not protobuf.
 */
const messageOfBytes = (bytes: Uint8Array): NotificationMessage | { readonly problem: string } => {
  const w = new Wire(bytes, 0, bytes.length);
  let suggestion = false;
  let results = false;
  while (w.pos < w.len) {
    const tag = varint32(w);
    if (w.problem !== undefined) break;
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) return { problem: `field number 0 at offset ${w.pos}` };
    if (field === 2 || field === 4) return 'ConversationEvent';
    if (field === 3 && wire === 2) {
      const length = delimited(w);
      if (w.problem !== undefined) break;
      // A name (`projects/…/participants/…`) is text; a google.rpc.Status's first byte is a tag.
      const at = w.pos;
      const isName = length >= PROJECTS.length && PROJECTS.every((b, i) => bytes[at + i] === b);
      if (!isName) return 'ConversationEvent';
      suggestion = true;
      w.pos = at + length;
      continue;
    }
    if (field === 5 && wire === 2) results = true;
    skip(w, wire, 0);
  }
  if (w.problem !== undefined) return { problem: w.problem };
  return suggestion || results ? 'HumanAgentAssistantEvent' : 'ConversationEvent';
};

/** Whether bytes are UTF-8 text with no control character but whitespace: what a person would have published by hand. */
const textOf = (bytes: Uint8Array): string | undefined => {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return undefined;
  }
  return text;
};

/** What to say of bytes that are no notification: that they are text, when they are (Pub/Sub's own samples publish text). */
const notANotification = (bytes: Uint8Array, detail: string): string => {
  const text = textOf(bytes);
  return text === undefined
    ? detail
    : `not a Dialogflow notification (a ConversationEvent or a HumanAgentAssistantEvent, as JSON or protobuf): it is text, ${describe(text)}`;
};

/**
 * Reads serialized protobuf bytes, in one pass, into the notification the JSON format would have
 * given: its canonical ProtoJSON, made into the notification without being read again.
 * {@link Malformed} (its problem recorded) when the bytes are no serialized notification.
 */
const readProtoData = (
  bytes: Uint8Array,
  message: NotificationMessage | undefined,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  delivery: PubSubDelivery | undefined,
): Notification | Invalid | Malformed => {
  const kind = message ?? messageOfBytes(bytes);
  if (typeof kind !== 'string') {
    const problem = notANotification(bytes, `not a serialized ConversationEvent: ${kind.problem}`);
    issues.push({ path: pathAt(parent, key), message: problem });
    return malformed(problem);
  }
  const json = readProtoBytes(notificationPlans()[kind], bytes, issues, parent, key);
  if (isMalformed(json)) {
    issues.push({ path: pathAt(parent, key), message: notANotification(bytes, json.malformed) });
    return json;
  }
  if (json === INVALID) return INVALID;
  return notificationOfCanonical(json as JsonObject, kind, issues, parent, key, delivery);
};

/** @internal Reads a notification's bytes, in either format, into a notification. */
export const readNotificationData = (
  bytes: Uint8Array,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  delivery: PubSubDelivery | undefined,
  options: NotificationDataOptions | undefined,
): Notification | Invalid => {
  const format = options?.format;
  if (format !== 'PROTO') {
    const parsed = parseJsonData(bytes);
    // Parsed here, so owned: what is kept as it came is frozen in place, not copied.
    if (parsed !== undefined && 'json' in parsed)
      return readNotification(parsed.json, issues, parent, key, delivery, options?.message, true);
    if (format === 'JSON') {
      issues.push({
        path: pathAt(parent, key),
        message: parsed === undefined ? notANotification(bytes, 'expected a JSON object (format JSON)') : parsed.problem,
      });
      return INVALID;
    }
    if (parsed !== undefined) {
      // It looked like JSON but is not: say so, unless it is protobuf after all.
      const before = issues.length;
      const read = readProtoData(bytes, options?.message, issues, parent, key, delivery);
      if (isMalformed(read)) {
        issues.splice(before, issues.length - before, {
          path: pathAt(parent, key),
          message: `neither JSON (${parsed.problem}) nor a serialized ConversationEvent or HumanAgentAssistantEvent`,
        });
        return INVALID;
      }
      return read;
    }
  }
  const before = issues.length;
  const notification = readProtoData(bytes, options?.message, issues, parent, key, delivery);
  if (isMalformed(notification)) return INVALID;
  // Bytes that happen to parse as protobuf but name no conversation are most likely not a notification at all.
  if (notification === INVALID && textOf(bytes) !== undefined) {
    issues.splice(before, issues.length - before, { path: pathAt(parent, key), message: notANotification(bytes, '') });
  }
  return notification;
};

/**
 * Decodes a notification from the bytes Dialogflow published (a Pub/Sub message's data, as a pull
 * subscriber gets it): serialized protobuf or JSON, detected unless `options.format` says which.
 * The result is the same notification whatever the format. Never throws.
 *
 * @example
 * ```ts
 * subscription.on('message', (message) => {
 *   const notification = decodeNotificationData(message.data);
 * });
 * ```
 */
export const decodeNotificationData = (bytes: Uint8Array, options?: NotificationDataOptions): E.Either<DecodeError, Notification> => {
  if (!isBytes(bytes)) return E.left(decodeError([{ path: '', message: `expected bytes, got ${describe(bytes)}` }]));
  const { value, issues } = runReader((_, sink, parent, key) => readNotificationData(bytes, sink, parent, key, undefined, options), bytes);
  return value === INVALID ? E.left(decodeError(issues)) : E.right(value);
};

/** Whether a value is a Uint8Array (a Buffer included); false for a proxy, which `instanceof` would ask. */
const isBytes = (u: unknown): u is Uint8Array => {
  try {
    return u instanceof Uint8Array;
  } catch {
    return false;
  }
};

/** The last subscription name found valid: a push endpoint hears from one subscription, or a few. */
let lastSubscription: string | undefined;

/**
 * @internal `projects/{project}/subscriptions/{id}`: four parts, none empty, checked by where its
 * `/`s are (no regular expression on input, nothing split).
 */
export const isSubscriptionName = (name: string): boolean => {
  if (name === lastSubscription) return true;
  if (!name.startsWith('projects/')) return false;
  const slash = name.indexOf('/', 9);
  if (slash <= 9 || !name.startsWith('subscriptions/', slash + 1)) return false;
  const id = slash + 15;
  if (id >= name.length || name.indexOf('/', id) !== -1) return false;
  // A hostile name of megabytes is checked, not kept.
  if (name.length <= REMEMBERED_LENGTH) lastSubscription = name;
  return true;
};

/** @internal What a message without attributes has: none (one frozen object for all). */
export const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

/** @internal A Pub/Sub message's attributes: an object of strings. */
export const readAttributes = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string,
): Readonly<Record<string, string>> | Invalid => {
  const source = readMessageObject('attributes', value, issues, parent, key, 1);
  if (source === INVALID) return INVALID;
  const keys = Object.keys(source);
  if (keys.length === 0) return NO_ATTRIBUTES;
  const out: Record<string, string> = {};
  let ok = true;
  for (const k of keys) {
    const v = readString(source[k], issues, stepInto(parent, key), k);
    if (v === INVALID) ok = false;
    else Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return ok ? Object.freeze(out) : INVALID;
};

/** @internal The delivery, frozen, with Pub/Sub's defaults as absent (an empty ordering key: none). */
export const makeDelivery = (d: PubSubDelivery): PubSubDelivery =>
  Object.freeze({
    messageId: d.messageId,
    publishTime: d.publishTime,
    attributes: d.attributes,
    orderingKey: d.orderingKey === '' ? undefined : d.orderingKey,
    subscription: d.subscription,
    deliveryAttempt: d.deliveryAttempt,
  });

/**
 * The JSON object that base64 data is, when it is the common case: standard, padded base64 of ASCII
 * text that starts with `{` (its first character is then `e`) and parses. What the byte path
 * (`readNotificationData`) would parse from the same data, without its UTF-8 decoding; `undefined`
 * for any other data, which takes that path.
 */
const asciiJsonOf = (data: string): unknown => {
  if (data.charCodeAt(0) !== 101) return undefined;
  const text = decodeBase64Ascii(data);
  if (text === undefined || text.charCodeAt(0) !== 123) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // the byte path says why, or reads it as protobuf
  }
};

/** A message's data decoded: JSON parsed at once (see {@link asciiJsonOf}), else its bytes, or why it is not base64. */
type DecodedData = { readonly json: unknown } | Uint8Array | { readonly problem: string };

const decodeData = (data: string, options: NotificationDataOptions | undefined): DecodedData => {
  const json = options?.format === 'PROTO' ? undefined : asciiJsonOf(data);
  return json === undefined ? decodeBase64Transient(data) : { json };
};

/** The notification of decoded data, at `message.{key}`. */
const readDecodedData = (
  data: Exclude<DecodedData, { readonly problem: string }>,
  issues: IssueSink,
  key: string,
  delivery: PubSubDelivery,
  options: NotificationDataOptions | undefined,
): Notification | Invalid =>
  data instanceof Uint8Array
    ? readNotificationData(data, issues, IN_MESSAGE, key, delivery, options)
    : // Parsed here, so owned: what is kept as it came is frozen in place, not copied.
      readNotification(data.json, issues, IN_MESSAGE, key, delivery, options?.message, true);

/** Where the message's fields are: one path for every push. */
const IN_MESSAGE: Path = stepInto('', 'message');

/** A field given in both spellings, as Pub/Sub's pushes do (`messageId` and `message_id`): the one value, or {@link INVALID} when they differ. */
const bothSpellings = (camel: unknown, snake: unknown): unknown => (snake === undefined || snake === camel ? camel : INVALID);

/**
 * The common shape of a pushed message, read by name: a plain object whose keys are the fields
 * below and nothing else, `data` (not empty), `messageId` (not empty) and `publishTime` by their
 * camelCase names, each snake_case copy Pub/Sub adds equal to it, attributes and an ordering key or
 * not, and no `null`; the data ASCII JSON or base64 that decodes. `undefined` for anything else, its
 * problems dropped: the message then takes the loop below it, key by key, which reports every
 * problem (`test/fast-paths.test.ts` checks that the two agree).
 */
const readCommonMessage = (
  message: Readonly<Record<string, unknown>>,
  issues: IssueSink,
  subscription: string | undefined,
  deliveryAttempt: number | undefined,
  options: NotificationDataOptions | undefined,
): Notification | Invalid | undefined => {
  if (Object.getPrototypeOf(message) !== Object.prototype) return undefined;
  const data = message.data;
  const messageId = bothSpellings(message.messageId, message.message_id);
  const publishTime = bothSpellings(message.publishTime, message.publish_time);
  const orderingKey = bothSpellings(message.orderingKey, message.ordering_key);
  const attributes = message.attributes;
  if (typeof data !== 'string' || data === '' || typeof messageId !== 'string' || messageId === '' || typeof publishTime !== 'string')
    return undefined;
  if ((orderingKey !== undefined && typeof orderingKey !== 'string') || attributes === null) return undefined;
  const fields =
    3 +
    (message.message_id === undefined ? 0 : 1) +
    (message.publish_time === undefined ? 0 : 1) +
    (message.orderingKey === undefined ? 0 : 1) +
    (message.ordering_key === undefined ? 0 : 1) +
    (attributes === undefined ? 0 : 1);
  // Only own, enumerable keys count, as in the loop; any other key takes it.
  if (Object.keys(message).length !== fields) return undefined;
  const before = issues.length;
  const time = readTimestamp(publishTime, issues, IN_MESSAGE, 'publishTime');
  const read = attributes === undefined ? NO_ATTRIBUTES : readAttributes(attributes, issues, IN_MESSAGE, 'attributes');
  const decoded = issues.length === before ? decodeData(data, options) : undefined;
  if (time === INVALID || read === INVALID || decoded === undefined || 'problem' in decoded) {
    issues.length = before;
    return undefined;
  }
  const delivery = makeDelivery({ messageId, publishTime: time, attributes: read, orderingKey, subscription, deliveryAttempt });
  return readDecodedData(decoded, issues, 'data', delivery, options);
};

const readPush = (value: unknown, issues: IssueSink, options: NotificationDataOptions | undefined): Notification | Invalid => {
  const body = readMessageObject('Pub/Sub push', value, issues, '', undefined, 0);
  if (body === INVALID) return INVALID;
  const before = issues.length;
  let message: Record<string, unknown> | Invalid | undefined;
  const messageKey = 'message';
  let subscription: string | Invalid | undefined;
  let deliveryAttempt: number | undefined;
  for (const k of Object.keys(body)) {
    const item = body[k];
    if (item === null || item === undefined) continue;
    if (k === 'message') message = readMessageObject('PubsubMessage', item, issues, '', k, 1);
    else if (k === 'subscription') {
      subscription = readString(item, issues, '', k);
      if (subscription !== INVALID && !isSubscriptionName(subscription)) {
        issues.push({ path: k, message: `expected a subscription name like projects/{project}/subscriptions/{id}, got ${describe(item)}` });
      }
    } else if (k === 'deliveryAttempt' || k === 'delivery_attempt') {
      if (typeof item === 'number' && Number.isInteger(item) && item > 0) deliveryAttempt = item;
      else issues.push({ path: k, message: `expected a whole number ≥ 1, got ${describe(item)}` });
    }
    // Anything else in the envelope is Pub/Sub's, not the notification's: left alone.
  }
  if (message === undefined) issues.push({ path: messageKey, message: 'missing: a push delivery carries a message' });
  if (message === undefined || message === INVALID) return INVALID;
  if (issues.length === before) {
    const common = readCommonMessage(message, issues, subscription as string | undefined, deliveryAttempt, options);
    if (common !== undefined) return common;
  }
  let data: string | Invalid | undefined;
  let decoded: Exclude<DecodedData, { readonly problem: string }> | undefined;
  let dataKey = 'data';
  let attributes: Readonly<Record<string, string>> | Invalid = NO_ATTRIBUTES;
  let messageId: string | Invalid | undefined;
  let publishTime: Timestamp | Invalid | undefined;
  let orderingKey: string | Invalid | undefined;
  const at = IN_MESSAGE;
  for (const k of Object.keys(message)) {
    const item = message[k];
    if (item === null || item === undefined) continue;
    switch (k) {
      case 'data': {
        data = readString(item, issues, at, k);
        dataKey = k;
        if (data === INVALID) break;
        const read = decodeData(data, options);
        if (!('problem' in read)) decoded = read;
        else {
          issues.push({ path: pathAt(at, k), message: `expected the message data in base64, got ${describe(data)}: ${read.problem}` });
          data = INVALID;
        }
        break;
      }
      case 'attributes':
        attributes = readAttributes(item, issues, at, k);
        break;
      case 'messageId':
      case 'message_id':
        messageId = readString(item, issues, at, k);
        break;
      case 'publishTime':
      case 'publish_time':
        publishTime = readTimestamp(item, issues, at, k);
        break;
      case 'orderingKey':
      case 'ordering_key':
        orderingKey = readString(item, issues, at, k);
        break;
      default:
        break;
    }
  }
  if (data === undefined || data === '')
    issues.push({ path: pathAt(at, 'data'), message: 'missing: the notification is the message data' });
  if (messageId === undefined || messageId === '')
    issues.push({ path: pathAt(at, 'messageId'), message: 'missing: Pub/Sub gives every message an ID' });
  if (publishTime === undefined)
    issues.push({ path: pathAt(at, 'publishTime'), message: 'missing: Pub/Sub gives every message its publish time' });
  if (issues.length !== before) return INVALID;
  const delivery = makeDelivery({
    messageId: messageId as string,
    publishTime: publishTime as Timestamp,
    attributes: attributes as Readonly<Record<string, string>>,
    orderingKey: orderingKey as string | undefined,
    subscription: subscription as string | undefined,
    deliveryAttempt,
  });
  return readDecodedData(decoded as Exclude<DecodedData, { readonly problem: string }>, issues, dataKey, delivery, options);
};

/**
 * Decodes the body of a Pub/Sub push delivery of a Dialogflow notification:
 * `{ message: { data, attributes, messageId, publishTime }, subscription }`. The data (base64) is a
 * `ConversationEvent` as serialized protobuf (format `PROTO`, the default) or as JSON (format
 * `JSON`), detected (see {@link NotificationDataOptions}); the result is the same notification
 * either way, with the Pub/Sub message's ID, publish time, attributes and subscription in
 * `delivery`. Every problem is reported with its path (`message.publishTime`,
 * `message.data.conversation`, ...); never throws.
 *
 * @example
 * ```ts
 * const result = decodePushDelivery(JSON.parse(body));
 * if (isRight(result)) result.right.delivery?.messageId; // '2070443601311540'
 * ```
 */
export const decodePushDelivery = (json: unknown, options?: NotificationDataOptions): E.Either<DecodeError, Notification> => {
  const { value, issues } = runReader((u, sink) => readPush(u, sink, options), json);
  return value === INVALID ? E.left(decodeError(issues)) : E.right(value);
};
