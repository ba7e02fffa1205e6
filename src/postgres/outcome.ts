import type { ConversationDomainEvent, ConversationName, JsonValue } from './core.js';

/**
 * A domain event as the outbox holds it and the relay publishes it: `id` is the same on every
 * redelivery, one per conversation and version (`projects/{p}/conversations/{c}#{version}`), so a
 * consumer dedupes on it.
 */
export interface OutboxEvent {
  readonly id: string;
  /** The conversation's name, as Dialogflow gave it (with its location, when it has one). */
  readonly conversation: ConversationName;
  /** The version this change made: one more than the version before it. */
  readonly version: number;
  readonly type: ConversationDomainEvent['type'];
  /** The domain event's data, as JSON. */
  readonly data: JsonValue;
}

/**
 * What happened to a delivery:
 *
 * | kind          | ack | why |
 * | ------------- | --- | --- |
 * | `applied`     | yes | saved: the conversation changed (or was first stored), its events are in the outbox |
 * | `duplicate`   | yes | nothing new: a redelivery, or a fact already known |
 * | `undecodable` | yes | not a push, or not a notification: a redelivery would be the same |
 * | `gone`        | yes | Dialogflow has no such conversation (NOT_FOUND: purged, or never created) |
 * | `refused`     | yes | can never apply: GetConversation failed for good, or the notification contradicts the conversation |
 * | `unknown`     | yes | not in the store, and the store was given no GetConversation to fetch it |
 * | `unavailable` | no  | the database or Dialogflow did not answer: later |
 * | `unreadable`  | no  | the stored snapshot cannot be read (damaged, or written by a newer version of this library) |
 * | `contended`   | no  | other instances kept changing the conversation: later |
 */
export type PushOutcomeKind =
  | 'applied'
  | 'duplicate'
  | 'undecodable'
  | 'gone'
  | 'refused'
  | 'unknown'
  | 'unavailable'
  | 'unreadable'
  | 'contended';

/**
 * What Pub/Sub must do with a delivery, and why, for the log: `ack` (answer 204, or
 * `message.ack()`), or redeliver (answer 503, or `message.nack()`).
 */
export interface PushOutcome {
  readonly ack: boolean;
  /** The HTTP status to answer a push with: 204 acknowledges, 503 has Pub/Sub redeliver. */
  readonly status: 204 | 503;
  readonly kind: PushOutcomeKind;
  /** One line for a person: what, about which conversation and message, and why. */
  readonly reason: string;
  readonly messageId?: string | undefined;
  readonly conversation?: ConversationName | undefined;
  /** The conversation's version after the delivery, when it is stored. */
  readonly version?: number | undefined;
  /** The events the delivery queued in the outbox (`applied` only). */
  readonly events?: ReadonlyArray<OutboxEvent> | undefined;
}

const ACKED: ReadonlySet<PushOutcomeKind> = new Set(['applied', 'duplicate', 'undecodable', 'gone', 'refused', 'unknown']);

/** @internal */
export const outcome = (
  kind: PushOutcomeKind,
  reason: string,
  about: {
    readonly messageId?: string | undefined;
    readonly conversation?: ConversationName | undefined;
    readonly version?: number | undefined;
    readonly events?: ReadonlyArray<OutboxEvent> | undefined;
  } = {},
): PushOutcome => {
  const ack = ACKED.has(kind);
  return Object.freeze({
    ack,
    status: ack ? 204 : 503,
    kind,
    reason: `${about.messageId === undefined ? '' : `message ${about.messageId}: `}${kind}: ${reason}`,
    messageId: about.messageId,
    conversation: about.conversation,
    version: about.version,
    events: about.events,
  });
};
