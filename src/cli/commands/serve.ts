import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { type ClosableDialogflowGateway, openDialogflowGateway } from '../../dialogflow/index.js';
import { storeErrorOfSetup } from '../../postgres/fetch.js';
import {
  type ConversationStore,
  fetchConversationThrough,
  httpEventsPublisher,
  isServerUrl,
  openStore,
  type PushAuthenticator,
  pushAuthenticator,
  type Relay,
  type StoreError,
  serviceListener,
  startRelay,
} from '../../postgres/index.js';
import { parseCommandArgs, wholeNumberOption } from '../args.js';
import type { Command } from '../command.js';
import { type CliIo, EXIT, UsageError } from '../io.js';

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 8080;
/** How long SIGTERM waits for pushes in flight before closing their connections anyway. */
const DRAIN_MS = 30_000;
/** How long one GetConversation may take: Pub/Sub's push deadline is 10 s by default. */
const GET_CONVERSATION_TIMEOUT_MS = 10_000;

const help = `Usage: dialogflow-conversation serve [options]

Keeps Dialogflow conversations in PostgreSQL from Pub/Sub push notifications, exactly once,
however many instances run on one database: each push is decoded (JSON or protobuf), its
conversation loaded (or fetched once with GetConversation), the notification applied, and the
change saved with a compare-and-set on its version, its domain events in an outbox in the same
transaction. Pub/Sub is answered 204 (acknowledged: applied, a duplicate, or can never apply)
or 503 (redelivered: the database or Dialogflow is unavailable). One line per push on stderr
says what happened and why.

Endpoints:
  POST /pubsub/push             a Pub/Sub push delivery (401 or 403 when it fails authentication)
  GET  /v2/{conversation name}  {"conversation": <canonical ProtoJSON>, "version": N}, 404 when unknown
  GET  /healthz                 200 while the database answers, with the outbox's backlog

Options:
  --host HOST                       the address to listen on (default ${DEFAULT_HOST})
  --port PORT                       the port (default ${DEFAULT_PORT}; 0 for a free one)
  --database URL|PATH               postgres://... for a PostgreSQL server, or a PGlite directory that
                                    survives restarts (default: PGlite in memory, gone on exit)
  --dialogflow-endpoint HOST:PORT   GetConversation there (default: Google's, with Application
                                    Default Credentials)
  --insecure                        plain text gRPC without credentials: for an emulator
  --events-to URL                   POST the domain events there as {"events": [...]} batches,
                                    retried with backoff until a 2xx (default: they stay in the outbox)
  --audience AUD                    push authentication: the audience of the push subscription
  --service-account EMAIL           push authentication: the service account it pushes as
  --jwks FILE                       verify tokens with this JWK Set rather than Google's published keys
  --no-auth                         accept pushes without authentication (behind your own gateway)
  -h, --help                        print this help

Authentication is required unless --no-auth is given. It prints "listening on HOST:PORT" when
ready. SIGTERM (or Ctrl-C) stops taking requests, finishes those in flight and the relay's
batch, and exits 0.

Exit status: 0 once stopped; 1 when the database cannot be opened or the port is taken; 2 on a
usage error.

Examples:
  dialogflow-conversation serve --no-auth
  dialogflow-conversation serve --database postgres://app@db/contact_center \\
    --audience https://events.example.com/pubsub/push \\
    --service-account dialogflow-push@acme.iam.gserviceaccount.com \\
    --events-to http://127.0.0.1:9000/dialogflow-events
  dialogflow-conversation serve --no-auth --dialogflow-endpoint 127.0.0.1:50051 --insecure

See docs/recipes.md for the schema, the outbox, the acknowledgement table and running many instances.
`;

const text = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** The command could not start or keep running (exit 1), as opposed to being called wrongly (2). */
class ServeFailure extends Error {}

/** A missing optional package is a usage error (install it); anything else is the command failing. */
const failure = (error: StoreError): Error =>
  error.kind === 'missing-package' ? new UsageError(`serve: ${error.message}`) : new ServeFailure(error.message);

const authenticatorFor = async (
  io: CliIo,
  values: Readonly<Record<string, string | boolean | undefined>>,
): Promise<PushAuthenticator | 'none'> => {
  const audience = text(values.audience);
  const serviceAccount = text(values['service-account']);
  const jwks = text(values.jwks);
  if (values['no-auth'] === true) {
    if (audience !== undefined || serviceAccount !== undefined || jwks !== undefined) {
      throw new UsageError('serve: --no-auth turns authentication off: leave out --audience, --service-account and --jwks');
    }
    return 'none';
  }
  if (audience === undefined || serviceAccount === undefined) {
    throw new UsageError(
      "serve: pushes must be authenticated: give --audience AUD and --service-account EMAIL (Pub/Sub's push authentication), or --no-auth",
    );
  }
  let keys: { keys: ReadonlyArray<Record<string, unknown>> } | undefined;
  if (jwks !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(resolve(io.cwd, jwks), 'utf8'));
    } catch (cause) {
      throw new UsageError(`serve: --jwks ${jwks}: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`);
    }
    const list = (parsed as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(list)) throw new UsageError(`serve: --jwks ${jwks}: expected a JWK Set, {"keys": [...]}`);
    keys = { keys: list as Array<Record<string, unknown>> };
  }
  const made = await pushAuthenticator({ audience, serviceAccount, keys });
  if (isLeft(made)) throw made.left.kind === 'missing-package' ? failure(made.left) : new UsageError(`serve: ${made.left.message}`);
  return made.right;
};

const eventsUrl = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`serve: --events-to takes an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`serve: --events-to takes an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  return url.toString();
};

const listen = (server: Server, port: number, host: string): Promise<AddressInfo> =>
  new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise(server.address() as AddressInfo);
    });
  });

/** Resolves on SIGTERM or Ctrl-C: the command line's signal, whose reason names the signal. */
const stopSignal = (io: CliIo): { readonly stopped: Promise<string>; readonly dispose: () => void } => {
  let onAbort: (() => void) | undefined;
  const why = (): string => (typeof io.signal.reason === 'string' ? io.signal.reason : 'SIGINT');
  const stopped = new Promise<string>((resolvePromise) => {
    onAbort = () => resolvePromise(why());
    if (io.signal.aborted) resolvePromise(why());
    else io.signal.addEventListener('abort', onAbort, { once: true });
  });
  return {
    stopped,
    dispose: () => {
      if (onAbort !== undefined) io.signal.removeEventListener('abort', onAbort);
    },
  };
};

/** `serve`: the push endpoint, the conversations and the outbox relay, as a process. */
export const serve: Command = {
  name: 'serve',
  summary: 'keep conversations in PostgreSQL from Pub/Sub pushes: the push endpoint, GET /v2/{name}, the outbox relay',
  help,
  run: async (args, io) => {
    try {
      return await run(args, io);
    } catch (cause) {
      if (!(cause instanceof ServeFailure)) throw cause;
      io.stderr.write(`dialogflow-conversation: serve: ${cause.message}\n`);
      return EXIT.invalid;
    }
  },
};

const run = async (args: ReadonlyArray<string>, io: CliIo): Promise<number> => {
  const { values } = parseCommandArgs(
    'serve',
    args,
    {
      host: { type: 'string' },
      port: { type: 'string', short: 'p' },
      database: { type: 'string' },
      'dialogflow-endpoint': { type: 'string' },
      insecure: { type: 'boolean' },
      'events-to': { type: 'string' },
      audience: { type: 'string' },
      'service-account': { type: 'string' },
      jwks: { type: 'string' },
      'no-auth': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help === true) {
    io.stdout.write(help);
    return EXIT.ok;
  }
  const host = text(values.host) ?? DEFAULT_HOST;
  if (host === '') throw new UsageError('serve: --host takes an address, such as 127.0.0.1 or 0.0.0.0');
  const port = wholeNumberOption('serve', 'port', values.port, DEFAULT_PORT, 65535);
  const endpoint = text(values['dialogflow-endpoint']);
  if (values.insecure === true && endpoint === undefined) {
    throw new UsageError('serve: --insecure is for an emulator: give its --dialogflow-endpoint HOST:PORT');
  }
  const eventsTo = eventsUrl(text(values['events-to']));
  const authenticate = await authenticatorFor(io, values);
  const databaseOption = text(values.database);
  const database = databaseOption === undefined || isServerUrl(databaseOption) ? databaseOption : resolve(io.cwd, databaseOption);
  const log = (line: string): void => void io.stderr.write(`${line}\n`);

  // Bind first: a taken port fails at once, before any migration runs. Until the store is open,
  // requests are answered 503 (a push is redelivered); "listening on" is printed once it is.
  let listener: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const server = createServer((request, response) => {
    inFlight++;
    response.once('close', () => {
      if (--inFlight === 0) drained?.();
    });
    if (listener !== undefined) listener(request, response);
    else response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('starting\n');
  });
  let address: AddressInfo;
  try {
    address = await listen(server, port, host);
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    throw new ServeFailure(`cannot listen on ${host}:${port}: ${typeof code === 'string' ? code : String(cause)}`);
  }
  const signal = stopSignal(io);
  let dialogflow: ClosableDialogflowGateway | undefined;
  let store: ConversationStore | undefined;
  let relay: Relay | undefined;
  try {
    // The gateway, Google's client under it (its retries off: Pub/Sub's redelivery is the retry).
    const gateway = await openDialogflowGateway({
      endpoint,
      insecure: values.insecure === true,
      callOptions: { timeout: GET_CONVERSATION_TIMEOUT_MS },
    });
    if (isLeft(gateway)) {
      const why = storeErrorOfSetup(gateway.left);
      throw why.kind === 'invalid' ? new UsageError(`serve: ${why.message}`) : failure(why);
    }
    dialogflow = gateway.right;
    const opened = await openStore({ database, fetchConversation: fetchConversationThrough(dialogflow), databaseOptions: { log } });
    if (isLeft(opened)) throw failure(opened.left);
    store = opened.right;
    const started = eventsTo === undefined ? undefined : startRelay(store, { publish: httpEventsPublisher(eventsTo), log });
    relay = started;
    listener = serviceListener(store, {
      authenticate,
      log,
      onOutcome: (outcome) => {
        if (outcome.events !== undefined && outcome.events.length > 0) started?.wake();
      },
    });
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    io.stdout.write(`listening on ${shown}:${address.port}\n`);
    if (relay === undefined) log('serve: no --events-to: the domain events stay in the outbox table');
    const why = await signal.stopped;
    log(`serve: ${why}: draining ${inFlight} request(s) in flight`);
    // Stop taking connections; let the requests in flight finish (Pub/Sub redelivers what is cut).
    const closed = new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    if (inFlight > 0) {
      await new Promise<void>((resolvePromise) => {
        drained = resolvePromise;
        setTimeout(resolvePromise, DRAIN_MS).unref();
      });
    }
    server.closeAllConnections();
    await closed;
    await relay?.stop();
    log('serve: stopped');
    return EXIT.ok;
  } finally {
    signal.dispose();
    server.closeAllConnections();
    server.close();
    await relay?.stop();
    await store?.close();
    await dialogflow?.close();
  }
};
