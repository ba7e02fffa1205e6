import * as E from 'fp-ts/lib/Either.js';
import {
  decodeNotification,
  decodePushDelivery,
  encodeNotification,
  type Notification,
  type NotificationFormat,
  parseConversationName,
} from './core.js';
import type { SeededRandom } from './random.js';
import type { EmulatorEvent, NotificationRequest } from './service.js';

/** How Pub/Sub's pushes are retried when the endpoint does not acknowledge them. */
export interface PushRetryOptions {
  /** The first wait, in milliseconds (default 100; Pub/Sub's is 10 s). */
  readonly initialDelayMs?: number | undefined;
  /** The longest wait (default 5000; Pub/Sub's is 600 s). */
  readonly maxDelayMs?: number | undefined;
  /** Attempts before giving up on a message (default 10; Pub/Sub keeps trying until the message's retention ends). */
  readonly maxAttempts?: number | undefined;
}

/** What Pub/Sub may do to deliveries, and the emulator does on purpose with `chaos`. */
export interface ChaosOptions {
  /** The chance that a message is delivered twice, with the same message ID (default 0.3). */
  readonly duplicate?: number | undefined;
  /** Each delivery waits up to this many milliseconds, so that later ones overtake it (default 250). */
  readonly reorderMs?: number | undefined;
}

/** What the pushes did so far. */
export interface PushStats {
  /** Notifications made (one per change Dialogflow notifies), pushed or not. */
  readonly published: number;
  /** HTTP requests made. */
  readonly attempts: number;
  /** Deliveries the endpoint acknowledged (a 102, 200, 201, 202 or 204). */
  readonly acknowledged: number;
  /** Attempts answered otherwise, or failed, and tried again. */
  readonly retried: number;
  /** Extra deliveries `chaos` made. */
  readonly duplicated: number;
  /** Deliveries given up after `maxAttempts`. */
  readonly gaveUp: number;
  /** Deliveries waiting or in flight. */
  readonly pending: number;
}

/** Statuses Pub/Sub takes as an acknowledgement. */
const ACKNOWLEDGED = new Set([102, 200, 201, 202, 204]);

interface Delivery {
  readonly body: string;
  readonly messageId: string;
  readonly what: string;
  readonly conversation: string;
  readonly copy: boolean;
  attempt: number;
  timer?: NodeJS.Timeout | undefined;
  abort?: AbortController | undefined;
}

export interface PublisherOptions {
  /** Where to push; none: notifications are made (and recorded) but not sent. */
  readonly url?: string | undefined;
  readonly format: NotificationFormat;
  readonly random: SeededRandom;
  readonly chaos?: ChaosOptions | undefined;
  readonly retry?: PushRetryOptions | undefined;
  /** A ConversationEvent, in ProtoJSON, as serialized protobuf (Google's own message type). */
  readonly encodeProto: (event: Readonly<Record<string, unknown>>) => Uint8Array;
  readonly log: (event: EmulatorEvent) => void;
  readonly now: () => string;
}

/**
 * Pub/Sub, as a push subscription sees it: each notification becomes a push body (`{ message: {
 * data, attributes, messageId, publishTime }, subscription }`, with the snake_case duplicates real
 * pushes carry), POSTed to the endpoint and retried with exponential backoff until acknowledged.
 * With chaos, deliveries are duplicated and reordered, as Pub/Sub may do: seeded, so a run repeats.
 */
export class PushPublisher {
  private readonly pending = new Set<Delivery>();
  private readonly waiters: Array<() => void> = [];
  private closed = false;
  private nextId: number;
  private counts = { published: 0, attempts: 0, acknowledged: 0, retried: 0, duplicated: 0, gaveUp: 0 };
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxAttempts: number;

  constructor(private readonly options: PublisherOptions) {
    // Message IDs are decimal, as Pub/Sub's; from the seed, then counting up, so they never repeat.
    this.nextId = 1_000_000_000_000_000 + options.random.int(8_000_000_000_000_000);
    this.initialDelayMs = options.retry?.initialDelayMs ?? 100;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 5000;
    this.maxAttempts = options.retry?.maxAttempts ?? 10;
  }

  /**
   * Makes the notification of a change: its Pub/Sub push body (in the configured format), checked
   * by this module's own decoder, which gives the notification back (delivery included). Sends it
   * when there is an endpoint.
   */
  publish(request: NotificationRequest): Notification | undefined {
    const event: Record<string, unknown> = { conversation: request.conversation, type: request.type };
    if (request.errorStatus !== undefined) event.errorStatus = { code: request.errorStatus.code, message: request.errorStatus.message };
    const canonical = decodeNotification(event);
    if (E.isLeft(canonical)) {
      this.log(request.at, request.conversation, `could not make the ${request.type} notification: ${canonical.left.message}`);
      return undefined;
    }
    const json = encodeNotification(canonical.right);
    const data = this.options.format === 'JSON' ? Buffer.from(JSON.stringify(json), 'utf8') : Buffer.from(this.options.encodeProto(json));
    const messageId = String(this.nextId++);
    const project = parseConversationName(canonical.right.conversation).project;
    const publishTime = request.at;
    const body = {
      message: {
        attributes: {},
        data: data.toString('base64'),
        messageId,
        message_id: messageId,
        publishTime,
        publish_time: publishTime,
      },
      subscription: `projects/${project}/subscriptions/dialogflow-conversation-emulator`,
    };
    const notification = decodePushDelivery(body, { format: this.options.format });
    if (E.isLeft(notification)) {
      this.log(request.at, request.conversation, `the push of ${request.type} does not decode: ${notification.left.message}`);
      return undefined;
    }
    this.counts.published++;
    const what = `${request.type} ${messageId}`;
    this.options.log(
      Object.freeze({
        at: request.at,
        kind: 'notification' as const,
        conversation: request.conversation,
        message: `published ${what} (${this.options.format})`,
        messageId,
      }),
    );
    if (this.options.url !== undefined && !this.closed) {
      const text = JSON.stringify(body);
      const chaos = this.options.chaos;
      const reorderMs = chaos?.reorderMs ?? 250;
      this.schedule(
        { body: text, messageId, what, conversation: request.conversation, copy: false, attempt: 0 },
        chaos === undefined ? 0 : this.options.random.int(reorderMs),
      );
      if (chaos !== undefined && this.options.random.chance(chaos.duplicate ?? 0.3)) {
        this.counts.duplicated++;
        this.schedule(
          { body: text, messageId, what, conversation: request.conversation, copy: true, attempt: 0 },
          this.options.random.int(2 * reorderMs),
        );
      }
    }
    return notification.right;
  }

  private log(at: string, conversation: string | undefined, message: string, messageId?: string): void {
    this.options.log(Object.freeze({ at: at as EmulatorEvent['at'], kind: 'push' as const, conversation, message, messageId }));
  }

  private schedule(delivery: Delivery, delayMs: number): void {
    this.pending.add(delivery);
    delivery.timer = setTimeout(() => void this.attempt(delivery), delayMs);
  }

  private async attempt(delivery: Delivery): Promise<void> {
    delivery.timer = undefined;
    if (this.closed) return;
    delivery.attempt++;
    this.counts.attempts++;
    const abort = new AbortController();
    delivery.abort = abort;
    const timeout = setTimeout(() => abort.abort(), 10_000);
    let outcome: string;
    let acknowledged = false;
    try {
      const response = await fetch(this.options.url as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: delivery.body,
        signal: abort.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      acknowledged = ACKNOWLEDGED.has(response.status);
      outcome = `${response.status}`;
    } catch (cause) {
      outcome = abort.signal.aborted
        ? 'no answer in 10 s'
        : `failed (${cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause)})`;
    } finally {
      clearTimeout(timeout);
      delivery.abort = undefined;
    }
    if (this.closed) return;
    const label = `${delivery.what}${delivery.copy ? ' (duplicate)' : ''}, attempt ${delivery.attempt}`;
    if (acknowledged) {
      this.counts.acknowledged++;
      this.log(this.options.now(), delivery.conversation, `${label}: ${outcome}, acknowledged`, delivery.messageId);
      this.settle(delivery);
    } else if (delivery.attempt >= this.maxAttempts) {
      this.counts.gaveUp++;
      this.log(
        this.options.now(),
        delivery.conversation,
        `${label}: ${outcome}; gave up after ${delivery.attempt} attempts`,
        delivery.messageId,
      );
      this.settle(delivery);
    } else {
      this.counts.retried++;
      const wait = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** (delivery.attempt - 1));
      this.log(
        this.options.now(),
        delivery.conversation,
        `${label}: ${outcome}, not acknowledged: again in ${wait} ms`,
        delivery.messageId,
      );
      this.pending.delete(delivery);
      this.schedule(delivery, wait);
    }
  }

  private settle(delivery: Delivery): void {
    this.pending.delete(delivery);
    if (this.pending.size === 0) for (const resolve of this.waiters.splice(0)) resolve();
  }

  /** Resolves once no delivery is waiting or in flight. */
  idle(): Promise<void> {
    if (this.pending.size === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stats(): PushStats {
    return Object.freeze({ ...this.counts, pending: this.pending.size });
  }

  /** Stops: no more deliveries, those in flight abandoned. */
  close(): void {
    this.closed = true;
    for (const delivery of this.pending) {
      if (delivery.timer !== undefined) clearTimeout(delivery.timer);
      delivery.abort?.abort();
    }
    this.pending.clear();
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
