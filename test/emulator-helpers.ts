import { createServer, type IncomingMessage, type Server } from 'node:http';
import { v2, v2beta1 } from '@google-cloud/dialogflow';
import * as grpc from '@grpc/grpc-js';
import { isLeft } from 'fp-ts/lib/Either.js';
import { type EmulatorEvent, type EmulatorOptions, type RunningEmulator, startEmulator } from '../src/emulator/index.js';
import { conversationKey, decodePushDelivery } from '../src/index.js';
import type { ConversationEventNotification } from '../src/notifications/index.js';

/** Google's own client, pointed at the emulator as the docs say. */
export const googleClient = (emulator: RunningEmulator): v2.ConversationsClient =>
  new v2.ConversationsClient({ ...emulator.clientOptions, sslCreds: grpc.credentials.createInsecure() });

/** Google's own v2beta1 client, pointed at the emulator the same way. */
export const googleBetaClient = (emulator: RunningEmulator): v2beta1.ConversationsClient =>
  new v2beta1.ConversationsClient({ ...emulator.clientOptions, sslCreds: grpc.credentials.createInsecure() });

/** The control API: one call, its status and JSON. */
export const control = async (
  emulator: RunningEmulator,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ readonly status: number; readonly json: Record<string, unknown> }> => {
  const response = await fetch(`${emulator.controlUrl}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

/** The next `times` calls of `rpc` fail with `code`. */
export const injectFault = async (emulator: RunningEmulator, rpc: string, code: number, times = 1): Promise<void> => {
  const { status, json } = await control(emulator, 'POST', '/faults', { rpc, code, times });
  if (status !== 200) throw new Error(`POST /faults: ${status} ${JSON.stringify(json)}`);
};

/** How many calls of `rpc` the emulator received for a conversation, its name spelt any way (with a location or not). */
export const callsFor = (emulator: RunningEmulator, rpc: string, conversation: string): number => {
  const key = conversationKey(conversation) ?? conversation;
  return emulator.calls().filter((c) => c.rpc === rpc && (conversationKey(c.target) ?? c.target) === key).length;
};

/** Moves the emulated clock; returns what it did. */
export const advance = async (emulator: RunningEmulator, seconds: number) => {
  const { status, json } = await control(emulator, 'POST', '/clock:advance', { seconds });
  if (status !== 200) throw new Error(`POST /clock:advance: ${status} ${JSON.stringify(json)}`);
  return json as { now: string; completed: string[]; purged: string[] };
};

/** One push as the receiver got it. */
export interface ReceivedPush {
  readonly body: Record<string, unknown>;
  readonly notification: ConversationEventNotification;
  /** The status the receiver answered. */
  readonly status: number;
}

/** A Pub/Sub push endpoint on 127.0.0.1: keeps what arrives, answers as told (204 by default). */
export interface PushReceiver {
  readonly url: string;
  readonly received: ReceivedPush[];
  /** How to answer a push: by default 204; return 500 to have it retried. */
  answer: (notification: ConversationEventNotification, arrival: number) => number;
  /** Resolves once `count` pushes were acknowledged. */
  acknowledged(count: number, timeoutMs?: number): Promise<ReceivedPush[]>;
  close(): Promise<void>;
}

const readBody = async (request: IncomingMessage): Promise<string> => {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
};

export const startPushReceiver = async (): Promise<PushReceiver> => {
  const received: ReceivedPush[] = [];
  const receiver: PushReceiver = {
    url: '',
    received,
    answer: () => 204,
    acknowledged: async (count, timeoutMs = 15_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const acked = received.filter((r) => r.status < 300);
        if (acked.length >= count) return acked;
        if (Date.now() > until)
          throw new Error(`${acked.length} pushes acknowledged, not ${count}: ${JSON.stringify(received.map((r) => r.notification.type))}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: async () => undefined,
  };
  const server: Server = createServer(async (request, response) => {
    const body = JSON.parse(await readBody(request)) as Record<string, unknown>;
    const decoded = decodePushDelivery(body);
    if (isLeft(decoded) || decoded.right.kind !== 'ConversationEvent') {
      response.writeHead(400).end();
      throw new Error(`the emulator pushed what is not a ConversationEvent: ${JSON.stringify(decoded)}`);
    }
    const status = receiver.answer(decoded.right, received.length);
    received.push({ body, notification: decoded.right, status });
    response.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/push`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
};

/** An emulator for a test, with its log kept. */
export const emulatorForTest = async (options: EmulatorOptions = {}): Promise<{ emulator: RunningEmulator; events: EmulatorEvent[] }> => {
  const events: EmulatorEvent[] = [];
  const emulator = await startedEmulator({ seed: 1, ...options, log: (e) => events.push(e) });
  return { emulator, events };
};

/** A running emulator; a test that cannot start one fails with the emulator's own error. */
export const startedEmulator = async (options: EmulatorOptions = {}): Promise<RunningEmulator> => {
  const started = await startEmulator(options);
  if (started._tag === 'Left') throw started.left;
  return started.right;
};

export const PROJECT = 'projects/acme';
export const GLOBAL = 'projects/acme/locations/global';
/** A profile the emulators of the tests give a virtual agent. */
export const VA_PROFILE = 'projects/acme/locations/global/conversationProfiles/support';
/** A profile without one. */
export const ASSIST_PROFILE = 'projects/acme/locations/global/conversationProfiles/assist-only';
