import * as E from 'fp-ts/lib/Either.js';
import { causeText, describe, quietLog, storeError } from './errors.js';
import type { OutboxEvent } from './outcome.js';
import type { ConversationStore, PublishEvents, RelayOptions } from './store.js';

/** Options of {@link startRelay}. */
export interface RelayLoopOptions extends RelayOptions {
  readonly publish: PublishEvents;
  /** How long to wait when the outbox is empty before looking again (default 250 ms); `wake()` looks at once. */
  readonly idleMs?: number | undefined;
  /** Where failures go, one line each. */
  readonly log?: ((line: string) => void) | undefined;
}

/** A relay running in the background: {@link startRelay}. */
export interface Relay {
  /** Look at the outbox now (after a push queued events, say) rather than at the next tick. */
  wake(): void;
  /** Stops after the batch in flight, if any, is published or given back. */
  stop(): Promise<void>;
}

/**
 * Publishes the store's outbox in the background, at least once, in version order per
 * conversation: as many relays as instances, none waiting for another, none publishing what
 * another is publishing. A batch is marked sent only once `publish` resolved; a failed one is
 * retried with a backoff that doubles each time.
 *
 * @example
 * ```ts
 * const relay = startRelay(store, { publish: httpEventsPublisher('https://events.internal/dialogflow') });
 * process.on('SIGTERM', () => void relay.stop());
 * ```
 */
export const startRelay = (store: Pick<ConversationStore, 'relayOnce'>, options: RelayLoopOptions): Relay => {
  let idleMs = 250;
  let log = quietLog(undefined);
  try {
    const idle = options?.idleMs;
    if (typeof idle === 'number' && idle >= 0 && idle < 2 ** 31) idleMs = idle;
    log = quietLog(options?.log);
  } catch {
    // Unreadable options: every round fails below, saying so where it can.
  }
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (woken || stopped) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        wakeUp = undefined;
        resolve();
      }, ms);
      wakeUp = () => {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      };
    });
  const loop = (async () => {
    while (!stopped) {
      let round: Awaited<ReturnType<typeof store.relayOnce>>;
      try {
        round = await store.relayOnce(options.publish, options);
      } catch (cause) {
        // Not the store's own failures (those are a Left): a store or options that cannot be used. The outbox keeps the events.
        round = E.left(storeError('invalid', `could not run a round: ${causeText(cause)}`));
      }
      if (E.isLeft(round)) {
        log(`relay: ${round.left.message}`);
        await pause(idleMs * 4);
      } else if (round.right.error !== undefined) {
        log(`relay: publishing ${round.right.failed} event(s) failed, retried later: ${round.right.error}`);
        await pause(idleMs);
      } else if (round.right.published === 0) {
        await pause(idleMs);
      }
      woken = false;
    }
  })();
  return {
    wake: () => {
      woken = true;
      wakeUp?.();
    },
    stop: async () => {
      stopped = true;
      wakeUp?.();
      await loop;
    },
  };
};

/** Options of {@link httpEventsPublisher}. */
export interface HttpPublisherOptions {
  /** How long one POST may take (default 10 s). */
  readonly timeoutMs?: number | undefined;
  /** Extra request headers (an API key, say). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * A {@link PublishEvents} that POSTs each batch to `url` as `{"events": [...]}`: published when the
 * answer is a 2xx. Its promise rejects otherwise (that is how a publisher tells the relay to retry).
 *
 * @example
 * ```ts
 * startRelay(store, { publish: httpEventsPublisher('http://127.0.0.1:9000/events') });
 * ```
 */
export const httpEventsPublisher =
  (url: string, options?: HttpPublisherOptions): PublishEvents =>
  async (events: ReadonlyArray<OutboxEvent>): Promise<void> => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options?.headers },
        body: JSON.stringify({ events }),
        signal: AbortSignal.timeout(options?.timeoutMs ?? 10_000),
      });
    } catch (cause) {
      throw new Error(`POST ${typeof url === 'string' ? url : describe(url)}: ${causeText((cause as { cause?: unknown }).cause ?? cause)}`);
    }
    // Read the body so that the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status > 299) throw new Error(`POST ${url}: ${response.status} ${response.statusText}`);
  };
