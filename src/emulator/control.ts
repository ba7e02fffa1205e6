import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as E from 'fp-ts/lib/Either.js';
import { type Conversation, decodeConversation, encodeConversation } from './core.js';
import { type CallLog, type Fault, type Faults, faultEffect, readFault, statusName } from './faults.js';
import type { PushPublisher } from './push.js';
import type { EmulatedConversations, EmulatorEvent, RpcStatus } from './service.js';

/** HTTP statuses of gRPC codes, as Google's JSON APIs answer them. */
const HTTP_STATUS: Readonly<Record<number, number>> = { 3: 400, 5: 404, 6: 409, 9: 400, 13: 500 };

const MAX_BODY = 64 * 1024;
const WAIT_LIMIT_MS = 60_000;

/** The routes, as `GET /` lists them. */
const ROUTES = [
  'GET  /clock                       the emulated time: {"now"}',
  'POST /clock:advance               {"seconds": N}: move the clock; auto-completes (24 h) and purges (30 days)',
  'GET  /conversations               every conversation, as ProtoJSON (no faults apply)',
  'POST /conversations               a Conversation in ProtoJSON: one that exists already (not notified)',
  'GET  /v2/{conversation}           one conversation, as ProtoJSON',
  'POST /v2/{conversation}:handoff   the virtual agent hands off (HUMAN_INTERVENTION_NEEDED)',
  'POST /v2/{conversation}:error     an unrecoverable error ({"code", "message"}, optional: UNRECOVERABLE_ERROR)',
  'POST /faults                      {"rpc", "code", "delayMs", "times", "message"}: the next calls of rpc wait, fail, or both',
  'GET  /faults                      the faults still to come; DELETE /faults clears them',
  'GET  /calls                       every call received: {"at", "rpc", "target", "code", "faulted"}; DELETE /calls clears them',
  'GET  /pushes                      what the pushes did; POST /pushes:wait waits until none is pending',
];

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

const ok = (body: unknown): Reply => ({ status: 200, body });

const failure = (code: number, message: string): Reply => ({
  status: HTTP_STATUS[code] ?? 400,
  body: { error: { code: HTTP_STATUS[code] ?? 400, status: statusName(code), message } },
});

const fromStatus = (s: RpcStatus): Reply => failure(s.code, s.message);

const conversationJson = (c: Conversation): unknown => ({
  ...encodeConversation(c),
  version: c.version,
  unrecoverableErrors: c.unrecoverableErrors ?? [],
});

const readBody = async (request: IncomingMessage): Promise<E.Either<string, unknown>> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return E.left(`the body is over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return E.right({});
  try {
    const json: unknown = JSON.parse(text);
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? E.right(json) : E.left('the body must be a JSON object');
  } catch (cause) {
    return E.left(`the body is not JSON: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
};

export interface ControlOptions {
  readonly service: EmulatedConversations;
  readonly faults: Faults;
  readonly calls: CallLog;
  readonly publisher: PushPublisher;
  readonly host: string;
  readonly port: number;
  readonly log: (event: EmulatorEvent) => void;
  readonly now: () => EmulatorEvent['at'];
}

export interface RunningControl {
  readonly port: number;
  /** Adds a checked fault, and logs it (as `POST /faults` does). */
  addFault(fault: Fault): void;
  close(): Promise<void>;
}

/**
 * The control API: over HTTP, what only Dialogflow's own agent does (a handoff, a telephony error),
 * time (the clock), faults to inject in the RPCs, and what the pushes did. JSON in and out; errors as
 * Google's JSON APIs give them (`{ error: { code, status, message } }`).
 */
export const startControl = async (options: ControlOptions): Promise<E.Either<string, RunningControl>> => {
  const { service, faults, calls, publisher } = options;

  const addFault = (fault: Fault): void => {
    faults.add(fault);
    const which =
      fault.times === 'always' ? `${fault.rpc} calls, until the faults are cleared,` : `the next ${fault.times} ${fault.rpc} calls`;
    options.log({ at: options.now(), kind: 'control', message: `fault added: ${which} ${faultEffect(fault)}` });
  };

  const onConversation = (name: string, verb: string | undefined, method: string, body: Record<string, unknown>): Reply => {
    if (verb === undefined) {
      if (method !== 'GET') return failure(3, `use GET /v2/${name}, or POST /v2/${name}:handoff or :error`);
      const found = service.getConversation(name);
      return E.isLeft(found) ? fromStatus(found.left) : ok(conversationJson(found.right));
    }
    if (method !== 'POST') return failure(3, `use POST for :${verb}`);
    if (verb === 'handoff') {
      const handed = service.handOff(name);
      return E.isLeft(handed) ? fromStatus(handed.left) : ok(conversationJson(handed.right));
    }
    const { code = 9, message = 'the telephony configuration of the conversation profile is invalid (emulated)' } = body;
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 1 || code > 16)
      return failure(3, `code: expected a gRPC status code from 1 to 16, got ${JSON.stringify(code)}`);
    if (typeof message !== 'string') return failure(3, 'message: expected a string');
    const reported = service.reportError(name, { code, message });
    return E.isLeft(reported) ? fromStatus(reported.left) : ok(conversationJson(reported.right));
  };

  const route = async (method: string, path: string, request: IncomingMessage): Promise<Reply> => {
    const body = method === 'POST' ? await readBody(request) : E.right({});
    if (E.isLeft(body)) return failure(3, body.left);
    const json = body.right as Record<string, unknown>;
    if (path.startsWith('/v2/')) {
      const rest = path.slice(4);
      const colon = rest.lastIndexOf(':');
      const tail = colon === -1 ? '' : rest.slice(colon + 1);
      const verb = tail === 'handoff' || tail === 'error' ? tail : undefined;
      return onConversation(verb === undefined ? rest : rest.slice(0, colon), verb, method, json);
    }
    switch (`${method} ${path}`) {
      case 'GET /':
        return ok({ routes: ROUTES });
      case 'GET /clock':
        return ok({ now: options.now() });
      case 'POST /clock:advance': {
        const advanced = service.advance(json.seconds);
        return E.isLeft(advanced) ? fromStatus(advanced.left) : ok(advanced.right);
      }
      case 'GET /conversations':
        return ok({ conversations: service.all().map(conversationJson) });
      case 'POST /conversations': {
        const decoded = decodeConversation(json);
        if (E.isLeft(decoded))
          return failure(
            3,
            `expected a Conversation in ProtoJSON, as GetConversation returns it: ${decoded.left.message.split('\n').join('; ')}`,
          );
        const added = service.addConversation(decoded.right);
        return E.isLeft(added) ? fromStatus(added.left) : ok(conversationJson(added.right));
      }
      case 'POST /faults': {
        const fault = readFault(json);
        if (E.isLeft(fault)) return failure(3, fault.left);
        addFault(fault.right);
        return ok({ faults: faults.list() });
      }
      case 'GET /faults':
        return ok({ faults: faults.list() });
      case 'DELETE /faults':
        faults.clear();
        return ok({ faults: [] });
      case 'GET /calls':
        return ok({ calls: calls.list() });
      case 'DELETE /calls':
        calls.clear();
        return ok({ calls: [] });
      case 'GET /pushes':
        return ok(publisher.stats());
      case 'POST /pushes:wait': {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          publisher.idle().then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), WAIT_LIMIT_MS);
          }),
        ]);
        clearTimeout(timer);
        return timedOut ? failure(4, `pushes still pending after ${WAIT_LIMIT_MS / 1000} s`) : ok(publisher.stats());
      }
      default:
        return failure(5, `no route ${method} ${path}: GET / lists them`);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let reply: Reply;
    try {
      const url = new URL(request.url ?? '/', 'http://emulator');
      reply = await route(request.method ?? 'GET', decodeURIComponent(url.pathname), request);
    } catch (cause) {
      reply = failure(3, `bad request: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    response.writeHead(reply.status, { 'content-type': 'application/json' }).end(`${JSON.stringify(reply.body)}\n`);
  };

  const server: Server = createServer((request, response) => void handle(request, response));
  const listening = await new Promise<E.Either<string, number>>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      resolve(E.left(`cannot serve the control API on ${options.host}:${options.port}: ${error.code ?? error.message}`)),
    );
    server.listen(options.port, options.host, () => {
      const address = server.address();
      resolve(E.right(typeof address === 'object' && address !== null ? address.port : options.port));
    });
  });
  if (E.isLeft(listening)) return listening;
  return E.right({
    port: listening.right,
    addFault,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
};
