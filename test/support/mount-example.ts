import { createServer, type Server } from 'node:http';
import { isLeft } from 'fp-ts/lib/Either.js';
import {
  type ConversationStore,
  type GoogleFetchOptions,
  googleFetchConversation,
  httpEventsPublisher,
  type JsonWebKeySet,
  openStore,
  pushAuthenticator,
  serviceListener,
  startRelay,
} from '../../src/postgres/index.js';

export interface PushServiceConfig {
  /** `postgres://…`, a PGlite directory, or nothing for PGlite in memory. */
  readonly database?: string;
  /** The push subscription's audience and service account. */
  readonly audience: string;
  readonly serviceAccount: string;
  /** Where the domain events go. */
  readonly eventsTo: string;
  readonly port: number;
  /** All interfaces by default. */
  readonly host?: string;
  /** Google's endpoint by default; an emulator's with `{ endpoint, insecure: true }`. */
  readonly dialogflow?: GoogleFetchOptions;
  /** Google's published keys by default. */
  readonly keys?: JsonWebKeySet;
}

/** The push endpoint, GET /v2/{name} and /healthz in a plain Node server, and the outbox relay beside it. */
export const startPushService = async (
  config: PushServiceConfig,
): Promise<{ server: Server; store: ConversationStore; stop: () => Promise<void> }> => {
  const dialogflow = await googleFetchConversation(config.dialogflow);
  if (isLeft(dialogflow)) throw new Error(dialogflow.left.message);
  const store = await openStore({ database: config.database, fetchConversation: dialogflow.right.fetch });
  if (isLeft(store)) throw new Error(store.left.message);
  const authenticate = await pushAuthenticator({ audience: config.audience, serviceAccount: config.serviceAccount, keys: config.keys });
  if (isLeft(authenticate)) throw new Error(authenticate.left.message);
  const relay = startRelay(store.right, { publish: httpEventsPublisher(config.eventsTo), log: console.error });
  const server = createServer(
    serviceListener(store.right, {
      authenticate: authenticate.right,
      log: console.log, // one line per push: its status and why
      onOutcome: (outcome) => {
        if (outcome.events?.length) relay.wake(); // publish at once rather than at the next tick
      },
    }),
  );
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const stop = async () => {
    await new Promise((resolve) => server.close(resolve)); // the pushes in flight finish first
    await relay.stop();
    await store.right.close();
    await dialogflow.right.close();
  };
  return { server, store: store.right, stop };
};
