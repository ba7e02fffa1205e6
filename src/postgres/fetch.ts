import { createRequire } from 'node:module';
import * as E from 'fp-ts/lib/Either.js';
import { type Conversation, type ConversationName, fromGoogleConversation, type GoogleConversation } from './core.js';
import { causeText, isMissingModule, missingPackage, type StoreError, storeError } from './errors.js';

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
 */
export type FetchConversation = (name: ConversationName) => Promise<E.Either<FetchError, FetchResult>>;

/** Options of {@link googleFetchConversation}. */
export interface GoogleFetchOptions {
  /** `HOST:PORT` of the Conversations API (default: Google's, `dialogflow.googleapis.com:443`). */
  readonly endpoint?: string | undefined;
  /** Plain text gRPC, without credentials: for an emulator. */
  readonly insecure?: boolean | undefined;
  /** How long one GetConversation may take (default 10 s); Pub/Sub's push deadline is 10 s by default. */
  readonly timeoutMs?: number | undefined;
}

// gRPC codes worth trying again: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL,
// UNAVAILABLE, and CANCELLED, which a call gets when its connection drops (the server restarted).
// (The client's own retries are off, so the code is the server's, not google-gax's summary.)
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 4, 8, 10, 13, 14]);
const NOT_FOUND = 5;

const CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

/** The part of Google's `ConversationsClient` this adapter calls. */
interface ConversationsClientLike {
  getConversation(request: { name: string }, options: { timeout: number; retry: { retryCodes: number[] } }): Promise<unknown[]>;
  close(): Promise<void>;
}

/** A GetConversation through Google's client, with a way to close its channel. */
export interface ClosableFetchConversation {
  readonly fetch: FetchConversation;
  readonly close: () => Promise<void>;
}

/** The gRPC status code of a failed call, when it has one. */
const grpcCode = (cause: unknown): number | undefined => {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
};

/** Maps the outcome of one `getConversation` call onto the port. */
export const fromGetConversationCall = async (
  name: ConversationName,
  call: () => Promise<unknown[]>,
): Promise<E.Either<FetchError, FetchResult>> => {
  let response: unknown;
  try {
    [response] = await call();
  } catch (cause) {
    const code = grpcCode(cause);
    if (code === NOT_FOUND) return E.right({ found: false });
    const what = code === undefined ? 'failed' : `${code} ${CODE_NAMES[code] ?? 'error'}`;
    return E.left({
      transient: code === undefined || TRANSIENT_CODES.has(code),
      message: `GetConversation ${name}: ${what}: ${causeText(cause)}`,
    });
  }
  if (typeof response !== 'object' || response === null) {
    return E.left({ transient: false, message: `GetConversation ${name}: the response is not a conversation` });
  }
  const decoded = fromGoogleConversation(response as GoogleConversation);
  if (E.isLeft(decoded)) {
    return E.left({
      transient: false,
      message: `GetConversation ${name} gave a conversation this library cannot read: ${decoded.left.message.split('\n').join('; ')}`,
    });
  }
  return E.right({ found: true, conversation: decoded.right });
};

/** `HOST:PORT` split, or why not; IPv6 hosts in brackets (`[::1]:50051`). */
export const parseEndpoint = (endpoint: string): E.Either<string, { readonly host: string; readonly port: number }> => {
  const colon = endpoint.lastIndexOf(':');
  const rawHost = colon < 0 ? '' : endpoint.slice(0, colon);
  const host = rawHost.startsWith('[') && rawHost.endsWith(']') ? rawHost.slice(1, -1) : rawHost;
  const portText = colon < 0 ? '' : endpoint.slice(colon + 1);
  const digits = portText.length >= 1 && portText.length <= 5 && [...portText].every((c) => c >= '0' && c <= '9');
  const port = digits ? Number(portText) : Number.NaN;
  if (host === '' || !(port >= 1 && port <= 65535)) return E.left(`expected HOST:PORT, got ${JSON.stringify(endpoint)}`);
  return E.right({ host, port });
};

/**
 * GetConversation through Google's Node client (`@google-cloud/dialogflow`, an optional peer,
 * loaded now), on Google's endpoint with Application Default Credentials, or on `endpoint`
 * (`--insecure`: plain text, for an emulator). NOT_FOUND is `found: false`; DEADLINE_EXCEEDED,
 * RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE and CANCELLED are transient; any other error
 * is not. The client's own retries are off: Pub/Sub's redelivery is the retry. Never throws.
 */
export const googleFetchConversation = async (options?: GoogleFetchOptions): Promise<E.Either<StoreError, ClosableFetchConversation>> => {
  let address: { host: string; port: number } | undefined;
  if (options?.endpoint !== undefined) {
    const parsed = parseEndpoint(options.endpoint);
    if (E.isLeft(parsed)) return E.left(storeError('invalid', `the Dialogflow endpoint: ${parsed.left}`));
    address = parsed.right;
  }
  if (options?.insecure === true && address === undefined) {
    return E.left(storeError('invalid', 'an insecure connection needs an endpoint (HOST:PORT of an emulator)'));
  }
  let module: { ConversationsClient?: new (options: Record<string, unknown>) => ConversationsClientLike };
  let entry: string;
  try {
    entry = import.meta.resolve('@google-cloud/dialogflow');
    module = (await import('@google-cloud/dialogflow')) as unknown as typeof module;
  } catch (cause) {
    if (isMissingModule(cause)) return E.left(missingPackage('@google-cloud/dialogflow', 'GetConversation'));
    return E.left(storeError('unavailable', `could not load @google-cloud/dialogflow: ${causeText(cause)}`));
  }
  const Client = module.ConversationsClient;
  if (Client === undefined) return E.left(storeError('unavailable', '@google-cloud/dialogflow has no ConversationsClient'));
  const settings: Record<string, unknown> = {};
  if (address !== undefined) {
    settings.apiEndpoint = address.host;
    settings.port = address.port;
  }
  if (options?.insecure === true) {
    try {
      // The credentials must come from the very grpc-js the client uses (it checks with instanceof):
      // the one google-gax, its dependency, resolves to.
      const gax = createRequire(new URL(entry))('google-gax') as { grpc: { credentials: { createInsecure(): unknown } } };
      settings.sslCreds = gax.grpc.credentials.createInsecure();
      // Said explicitly, so that the client does not ask a GCE metadata server which universe it is in.
      settings.universeDomain = 'googleapis.com';
    } catch (cause) {
      return E.left(storeError('unavailable', `could not load google-gax beside @google-cloud/dialogflow: ${causeText(cause)}`));
    }
  }
  let client: ConversationsClientLike;
  try {
    client = new Client(settings);
  } catch (cause) {
    return E.left(storeError('invalid', `could not make a ConversationsClient: ${causeText(cause)}`));
  }
  const timeout = options?.timeoutMs ?? 10_000;
  return E.right({
    fetch: (name) => fromGetConversationCall(name, () => client.getConversation({ name }, { timeout, retry: { retryCodes: [] } })),
    close: async () => {
      try {
        await client.close();
      } catch {
        // Closing a channel that never opened: nothing to release.
      }
    },
  });
};
