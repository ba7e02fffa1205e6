import * as E from 'fp-ts/lib/Either.js';
import { type DecodeError, decodeError } from '../wire/decode-error.js';
import { describe, type IssueSink } from '../wire/issue.js';
import { isObject } from '../wire/json-value.js';
import { INVALID, type Invalid, runReader } from '../wire/reader.js';
import { readTimestamp, type Timestamp } from '../wire/well-known-types.js';
import type { Notification } from './notification.js';
import { makeDelivery, NO_ATTRIBUTES, type NotificationDataOptions, readAttributes, readNotificationData } from './push-delivery.js';

/**
 * A Pub/Sub message as a pull subscriber of Google's Node client (`@google-cloud/pubsub`) receives
 * it: its `Message`, whose fields are read here, nothing more (this library does not depend on it).
 */
export interface PulledMessage {
  /** The message ID (`Message.id`): the same for every redelivery. */
  readonly id: string;
  /** The bytes Dialogflow published (`Message.data`, a Buffer). */
  readonly data: Uint8Array;
  /**
   * When Pub/Sub received it (`Message.publishTime`): a `PreciseDate`, whose `toISOString()` keeps
   * the nanoseconds, a `Date`, or an RFC 3339 string.
   */
  readonly publishTime: { toISOString(): string } | string;
  readonly attributes?: Readonly<Record<string, string>> | undefined;
  /** `""` when the subscription does not order messages. */
  readonly orderingKey?: string | undefined;
  /** `0` when the subscription has no dead-letter policy. */
  readonly deliveryAttempt?: number | undefined;
}

/**
 * A PreciseDate or a Date as RFC 3339 (through its own `toISOString`), or the string itself;
 * `undefined` when it is neither, or when `toISOString` throws (an invalid Date does).
 */
const publishTimeText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (!isObject(value) || typeof value.toISOString !== 'function') return undefined;
  try {
    const text: unknown = (value.toISOString as () => unknown).call(value);
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
};

const readPulled = (value: unknown, issues: IssueSink, options: NotificationDataOptions | undefined): Notification | Invalid => {
  if (!isObject(value)) {
    issues.push({ path: '', message: `expected a Pub/Sub message { id, data, publishTime, ... }, got ${describe(value)}` });
    return INVALID;
  }
  const { id, data, publishTime, attributes, orderingKey, deliveryAttempt } = value;
  if (typeof id !== 'string' || id === '') issues.push({ path: 'id', message: `expected the message ID, got ${describe(id)}` });
  if (!(data instanceof Uint8Array)) issues.push({ path: 'data', message: `expected the message data as bytes, got ${describe(data)}` });
  const time = publishTimeText(publishTime);
  if (time === undefined) {
    issues.push({
      path: 'publishTime',
      message: `expected a PreciseDate, a valid Date or an RFC 3339 string, got ${describe(publishTime)}`,
    });
  }
  const publishedAt = time === undefined ? INVALID : readTimestamp(time, issues, '', 'publishTime');
  const attributesRead =
    attributes === undefined || attributes === null ? NO_ATTRIBUTES : readAttributes(attributes, issues, '', 'attributes');
  if (orderingKey !== undefined && orderingKey !== null && typeof orderingKey !== 'string') {
    issues.push({ path: 'orderingKey', message: `expected a string, got ${describe(orderingKey)}` });
  }
  const attempt = deliveryAttempt === undefined || deliveryAttempt === null || deliveryAttempt === 0 ? undefined : deliveryAttempt;
  if (attempt !== undefined && !(typeof attempt === 'number' && Number.isInteger(attempt) && attempt > 0)) {
    issues.push({ path: 'deliveryAttempt', message: `expected a whole number ≥ 0, got ${describe(attempt)}` });
  }
  if (issues.length > 0 || publishedAt === INVALID || attributesRead === INVALID) return INVALID;
  const delivery = makeDelivery({
    messageId: id as string,
    publishTime: publishedAt as Timestamp,
    attributes: attributesRead,
    orderingKey: typeof orderingKey === 'string' ? orderingKey : undefined,
    deliveryAttempt: attempt as number | undefined,
  });
  return readNotificationData(data as Uint8Array, issues, '', 'data', delivery, options);
};

/**
 * Decodes a notification from a Pub/Sub message a pull subscriber received with Google's Node
 * client (`subscription.on('message', ...)`): the data in either format, detected unless
 * `options.format` says which, and the message's ID, publish time (nanoseconds kept from its
 * `PreciseDate`), attributes, ordering key and delivery attempt in `delivery`, as
 * {@link decodePushDelivery} gives them for a push. Never throws.
 *
 * @example
 * ```ts
 * subscription.on('message', (message) => {
 *   const notification = decodePulledMessage(message);
 *   if (isRight(notification)) notification.right.delivery?.publishTime; // '2026-11-23T10:17:02.311207000Z'
 * });
 * ```
 */
export const decodePulledMessage = (message: PulledMessage, options?: NotificationDataOptions): E.Either<DecodeError, Notification> => {
  const { value, issues } = runReader((u, sink) => readPulled(u, sink, options), message);
  return value === INVALID ? E.left(decodeError(issues)) : E.right(value);
};
