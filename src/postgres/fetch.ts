import * as E from 'fp-ts/lib/Either.js';
import { type DialogflowGateway, type GatewaySetupError, openDialogflowGateway } from '../dialogflow/index.js';
import type { Conversation, ConversationName } from './core.js';
import { causeText, describe, missingPackage, type StoreError, storeError } from './errors.js';

/** Why GetConversation failed: `transient` when trying again later may work (then Pub/Sub redelivers). */
export interface FetchError {
  readonly transient: boolean;
  readonly message: string;
}

/** What GetConversation found: the conversation, or that Dialogflow has no such conversation (NOT_FOUND). */
export type FetchResult = { readonly found: true; readonly conversation: Conversation } | { readonly found: false };

/**
 * GetConversation, as the store needs it for a notification about a conversation it does not have
 * yet. `found: false` means Dialogflow does not have it (purged 30 days after it finished, or
 * never created): such a notification is acknowledged, never redelivered. Resolves, never rejects.
 * {@link fetchConversationThrough} makes one of the gateway; any function of this type will do.
 */
export type FetchConversation = (name: ConversationName) => Promise<E.Either<FetchError, FetchResult>>;

/**
 * The store's GetConversation through the gateway's `get` (`dialogflow-conversation/dialogflow`):
 * NOT_FOUND is `found: false`; an error is `transient` as the gateway says (`TRANSIENT_GRPC_CODES`:
 * then Pub/Sub redelivers), with the gateway's message, which says the name, the code and whether
 * to retry. Give it the gateway your backend already has, so that one client serves both.
 *
 * @example
 * ```ts
 * const gateway = dialogflowGateway(new v2.ConversationsClient());
 * const store = await openStore({ database: process.env.DATABASE_URL, fetchConversation: fetchConversationThrough(gateway) });
 * ```
 */
export const fetchConversationThrough =
  (gateway: Pick<DialogflowGateway, 'get'>): FetchConversation =>
  async (name) => {
    try {
      const got = await gateway.get(name);
      if (E.isLeft(got)) return E.left(Object.freeze({ transient: got.left.transient, message: got.left.message }));
      return E.right(got.right);
    } catch (cause) {
      // A gateway of yours that throws: a bug to fix, meanwhile Pub/Sub keeps the notification.
      return E.left(
        Object.freeze({
          transient: true,
          message: `GetConversation ${typeof name === 'string' ? name : describe(name)}: the gateway threw: ${causeText(cause)}`,
        }),
      );
    }
  };

/** Options of {@link googleFetchConversation}. */
export interface GoogleFetchOptions {
  /** `HOST:PORT` of the Conversations API (default: Google's, `dialogflow.googleapis.com:443`). */
  readonly endpoint?: string | undefined;
  /** Plain text gRPC, without credentials: for an emulator. */
  readonly insecure?: boolean | undefined;
  /** How long one GetConversation may take (default 10 s); Pub/Sub's push deadline is 10 s by default. */
  readonly timeoutMs?: number | undefined;
}

/** A GetConversation through Google's client, with a way to close its channel. */
export interface ClosableFetchConversation {
  readonly fetch: FetchConversation;
  readonly close: () => Promise<void>;
}

/** @internal The store's words for why a gateway could not be opened (`GetConversation needs the optional package ...`). */
export const storeErrorOfSetup = (error: GatewaySetupError): StoreError => {
  if (error.kind === 'missing-package') return missingPackage(error.packageName ?? '@google-cloud/dialogflow', 'GetConversation');
  return storeError(error.kind === 'invalid-option' ? 'invalid' : 'unavailable', error.message);
};

/**
 * GetConversation through Google's Node client (`@google-cloud/dialogflow`, an optional peer,
 * loaded now): {@link fetchConversationThrough} a gateway that `openDialogflowGateway` opens on
 * Google's endpoint with Application Default Credentials, or on `endpoint` (`insecure`: plain text,
 * for an emulator). The client's own retries are off: Pub/Sub's redelivery is the retry. Never
 * throws.
 */
export const googleFetchConversation = async (options?: GoogleFetchOptions): Promise<E.Either<StoreError, ClosableFetchConversation>> => {
  let timeout: unknown;
  let endpoint: unknown;
  let insecure: unknown;
  try {
    ({ timeoutMs: timeout = 10_000, endpoint, insecure } = options ?? {});
  } catch (cause) {
    return E.left(storeError('invalid', `options: could not be read: ${causeText(cause)}`));
  }
  if (!(typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0)) {
    return E.left(storeError('invalid', `timeoutMs: expected a number of milliseconds above 0, got ${String(timeout)}`));
  }
  const opened = await openDialogflowGateway({
    endpoint: endpoint as string | undefined,
    insecure: insecure as boolean | undefined,
    callOptions: { timeout },
  });
  if (E.isLeft(opened)) return E.left(storeErrorOfSetup(opened.left));
  return E.right(Object.freeze({ fetch: fetchConversationThrough(opened.right), close: opened.right.close }));
};
