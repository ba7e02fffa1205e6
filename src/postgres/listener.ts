import type { IncomingMessage, ServerResponse } from 'node:http';
import * as E from 'fp-ts/lib/Either.js';
import type { PushAuthenticator } from './auth.js';
import { ConversationNameCodec, describe, stringifyConversation } from './core.js';
import { causeText, quietLog } from './errors.js';
import type { PushOutcome } from './outcome.js';
import type { ConversationStore } from './store.js';

/** A Node request listener: `http.createServer(listener)`, or a route of Express (`app.post(path, listener)`). */
export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/** Options of {@link pushListener}. */
export interface PushListenerOptions {
  /** Pub/Sub's push authentication (`pushAuthenticator`), or `'none'` to accept any push (behind your own check). */
  readonly authenticate: PushAuthenticator | 'none';
  /** One line per push: its status and the reason (default: none). */
  readonly log?: ((line: string) => void) | undefined;
  /** Called with every outcome (to wake the relay, to count). */
  readonly onOutcome?: ((outcome: PushOutcome) => void) | undefined;
  /**
   * The largest body accepted (default 16 MiB: a Pub/Sub message holds at most 10 MB, about
   * 13.4 MB in base64). A larger one is answered 413: it is not from Pub/Sub.
   */
  readonly maxBodyBytes?: number | undefined;
}

const DEFAULT_MAX_BODY = 16 * 2 ** 20;

/** Answers, unless an answer went out already; a response that cannot be written (not a response, a closed socket) is left. */
const send = (response: ServerResponse, status: number, body?: string, headers: Readonly<Record<string, string>> = {}): void => {
  try {
    if (response.headersSent) return;
    if (body === undefined) response.writeHead(status, headers).end();
    else response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(`${body}\n`);
  } catch {
    // Nothing to tell: there is no one to answer. Pub/Sub redelivers what was not acknowledged.
  }
};

const sendJson = (response: ServerResponse, status: number, json: string): void => {
  try {
    if (response.headersSent) return;
    response.writeHead(status, { 'content-type': 'application/json' }).end(json);
  } catch {
    // As in send.
  }
};

/** The listener's options, read once; or why they cannot be (the listener then answers 500, and Pub/Sub redelivers). */
interface ListenerSettings {
  readonly authenticate: PushListenerOptions['authenticate'];
  readonly limit: number;
  readonly log: (line: string) => void;
  readonly onOutcome: PushListenerOptions['onOutcome'];
  readonly pushPath: string;
}

const readListenerOptions = (options: ServiceListenerOptions): ListenerSettings | { readonly problem: string } => {
  if (typeof options !== 'object' || options === null) {
    return { problem: `the listener needs its options (authenticate: a pushAuthenticator or 'none'), got ${describe(options)}` };
  }
  try {
    const { authenticate, maxBodyBytes, log, onOutcome, pushPath } = options;
    if (authenticate !== 'none' && typeof authenticate !== 'function') {
      return { problem: `authenticate: expected a pushAuthenticator or 'none', got ${describe(authenticate)}` };
    }
    const limit = maxBodyBytes ?? DEFAULT_MAX_BODY;
    if (typeof limit !== 'number' || !(limit >= 0)) return { problem: `maxBodyBytes: expected a number of bytes, got ${describe(limit)}` };
    return { authenticate, limit, log: quietLog(log), onOutcome, pushPath: typeof pushPath === 'string' ? pushPath : '/pubsub/push' };
  } catch (cause) {
    return { problem: `could not read the listener's options: ${causeText(cause)}` };
  }
};

/** The body, or `undefined` when it is larger than `limit`. */
const readBody = (request: IncomingMessage, limit: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });

/** A body a framework already read (Express's `json()`, `raw()` or `text()`), when there is one. */
const parsedBody = (request: IncomingMessage): { readonly body: unknown } | undefined => {
  const body = (request as { body?: unknown }).body;
  return body === undefined ? undefined : { body };
};

/** A listener whose options are unusable: it answers every request 500 saying why (Pub/Sub redelivers meanwhile). */
const misconfigured =
  (problem: string): RequestListener =>
  (request, response) => {
    try {
      request.resume();
    } catch {
      // Not a request: nothing to drain.
    }
    send(response, 500, `the push endpoint is misconfigured: ${problem}`);
  };

/**
 * The push endpoint as a request listener: `POST` with a Pub/Sub push body. It checks the push's
 * authentication, hands the body to the store, and answers what Pub/Sub must do: 204 acknowledges
 * (applied, a duplicate, or can never apply), 503 has it redelivered (the database or Dialogflow
 * is unavailable, or still contended), 401 or 403 refuses a push that fails authentication, 405
 * anything but `POST`, 413 a body larger than Pub/Sub sends. Works inside any Node HTTP server
 * and in Express, with or without a body parser before it. Never throws: with options it cannot use
 * (no `authenticate`, a getter that throws), it answers every request 500 saying why, and Pub/Sub
 * keeps the pushes for when it is fixed.
 *
 * @example
 * ```ts
 * app.post('/pubsub/push', pushListener(store, { authenticate, log: console.log }));
 * ```
 */
export const pushListener = (store: Pick<ConversationStore, 'handlePush'>, options: PushListenerOptions): RequestListener => {
  const settings = readListenerOptions(options);
  return 'problem' in settings ? misconfigured(settings.problem) : pushListenerWith(store, settings);
};

/** The push endpoint, its options read (once, by the listener that has it). */
const pushListenerWith = (store: Pick<ConversationStore, 'handlePush'>, settings: ListenerSettings): RequestListener => {
  const { authenticate, limit, log, onOutcome } = settings;
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') {
      request.resume();
      send(response, 405, 'the push endpoint takes POST', { allow: 'POST' });
      return;
    }
    if (authenticate !== 'none') {
      const auth = await authenticate(request.headers.authorization);
      if (!auth.ok) {
        request.resume();
        log(`push refused ${auth.status}: ${auth.reason}`);
        send(response, auth.status, auth.reason, auth.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
        return;
      }
    }
    const already = parsedBody(request);
    let body: unknown;
    if (already !== undefined) body = already.body;
    else {
      const read = await readBody(request, limit);
      if (read === undefined) {
        log(`push refused 413: the body is larger than ${limit} bytes, more than Pub/Sub sends`);
        send(response, 413, `the body is larger than ${limit} bytes`);
        return;
      }
      body = read;
    }
    const outcome = await store.handlePush(body);
    log(`push ${outcome.status} ${outcome.reason}`);
    if (outcome.ack) send(response, 204, undefined, { 'x-push-outcome': outcome.kind });
    else send(response, 503, outcome.reason, { 'x-push-outcome': outcome.kind });
    try {
      onOutcome?.(outcome);
    } catch (cause) {
      // The push is answered already; a failing observer must not change that.
      log(`push: onOutcome failed: ${causeText(cause)}`);
    }
  };
  return (request, response) => {
    handle(request, response).catch((cause: unknown) => {
      // Only the connection can fail here (the store answers every push): Pub/Sub redelivers.
      log(`push 503 failed: ${causeText(cause)}`);
      send(response, 503, 'the push could not be read');
    });
  };
};

/** Options of {@link serviceListener}. */
export interface ServiceListenerOptions extends PushListenerOptions {
  /** The path of the push endpoint (default `/pubsub/push`). */
  readonly pushPath?: string | undefined;
}

const V2 = '/v2/';

/**
 * The whole service `serve` runs, as one request listener: `POST /pubsub/push` (see
 * {@link pushListener}); `GET /v2/{conversation name}`, with or without a location, giving
 * `{"conversation": <canonical ProtoJSON>, "version": N}` (404 when unknown); `GET /healthz`, 200
 * while the database answers (`ok: N event(s) in the outbox`), 503 otherwise.
 */
export const serviceListener = (store: ConversationStore, options: ServiceListenerOptions): RequestListener => {
  const settings = readListenerOptions(options);
  if ('problem' in settings) return misconfigured(settings.problem);
  const push = pushListenerWith(store, settings);
  const { pushPath } = settings;
  const getConversation = async (path: string, response: ServerResponse): Promise<void> => {
    let name: string;
    try {
      name = decodeURIComponent(path.slice(V2.length));
    } catch {
      sendJson(response, 400, JSON.stringify({ error: 'the path is not valid percent-encoding' }));
      return;
    }
    if (E.isLeft(ConversationNameCodec.decode(name))) {
      sendJson(response, 400, JSON.stringify({ error: `not a conversation name: ${name}` }));
      return;
    }
    const loaded = await store.load(name);
    if (E.isLeft(loaded)) sendJson(response, 503, JSON.stringify({ error: loaded.left.message }));
    else if (loaded.right === undefined) sendJson(response, 404, JSON.stringify({ error: `no conversation ${name} in the store` }));
    else sendJson(response, 200, `{"conversation":${stringifyConversation(loaded.right)},"version":${loaded.right.version}}`);
  };
  const health = async (response: ServerResponse): Promise<void> => {
    // Counting the outbox proves the database answers, and says how far the relay is behind.
    const pending = await store.pendingEvents();
    if (E.isLeft(pending)) send(response, 503, pending.left.message);
    else send(response, 200, `ok: ${pending.right} event(s) in the outbox`);
  };
  return (request, response) => {
    try {
      route(request, response);
    } catch (cause) {
      // Only what is not a request gets here: answered if it can be, never thrown at the server.
      send(response, 500, causeText(cause));
    }
  };
  function route(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const isGet = request.method === 'GET' || request.method === 'HEAD';
    if (path === pushPath) {
      push(request, response);
      return;
    }
    request.resume();
    if (path === '/healthz' || path.startsWith(V2)) {
      if (!isGet) {
        send(response, 405, `${path} takes GET`, { allow: 'GET, HEAD' });
        return;
      }
      const work = path === '/healthz' ? health(response) : getConversation(path, response);
      work.catch((cause: unknown) => send(response, 500, causeText(cause)));
      return;
    }
    send(response, 404, `nothing at ${path}: POST ${pushPath}, GET /v2/{conversation name}, GET /healthz`);
  }
};
