/**
 * No public function of the integrations throws either (`/dialogflow`, `/postgres`, `/emulator`): each is called
 * with hostile values in every argument position and must return (or resolve), and what it returns
 * (a gateway, a listener, a relay, a fetcher) is used with hostile values in turn. Unusable options
 * are an error the result says (a `Left`, a 500 from a listener, a failed gateway call), never a throw.
 *
 * Not here: the publisher `httpEventsPublisher` makes rejects when a POST fails (that is how a
 * publisher tells the relay to retry).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hostileValues, thrown } from './support/hostile.js';

const entryPoints = {
  '/dialogflow': await import('../src/dialogflow/index.js'),
  '/postgres': await import('../src/postgres/index.js'),
  '/emulator': await import('../src/emulator/index.js'),
} as const;

/** What opens a database or a client when given nothing: only called with values that must be refused, and closed if opened. */
const OPENERS = new Set(['openDatabase', 'openStore', 'googleFetchConversation', 'openDialogflowGateway', 'migrate', 'startEmulator']);
const refusedByOpeners = new Set(['a Proxy whose every trap throws', 'a revoked Proxy', 'a bigint', 'a symbol', 'NaN']);

/** Closes what a call opened (a `Right` of something closable), so that the suite leaves nothing running. */
const closeOpened = async (result: unknown): Promise<void> => {
  const right = (result as { _tag?: unknown; right?: { close?: () => Promise<void> } } | undefined)?.right;
  if ((result as { _tag?: unknown } | undefined)?._tag === 'Right' && typeof right?.close === 'function') await right.close();
};

/** A macrotask later: the listener's and the relay's asynchronous paths have run (an unhandled rejection fails the run). */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

/** A response that records what the listener answered. */
const recordingResponse = (): ServerResponse & { status?: number } => {
  const response = {
    headersSent: false,
    status: undefined as number | undefined,
    writeHead(status: number) {
      response.status = status;
      return response;
    },
    end() {
      response.headersSent = true;
      return response;
    },
  };
  return response as unknown as ServerResponse & { status?: number };
};

/** Uses what a factory returned with hostile values: the gateway's operations, a listener, a relay, a fetcher. */
const useResult = async (name: string, result: unknown): Promise<void> => {
  if (name === 'dialogflowGateway') {
    const gateway = result as Record<string, (...args: unknown[]) => unknown>;
    for (const [, make] of hostileValues) {
      for (const operation of ['create', 'get', 'complete', 'refresh', 'sweep'] as const) await gateway[operation]?.(make(), make());
      const pages = gateway.list?.(make(), make()) as AsyncIterable<unknown>;
      let seen = 0;
      for await (const _ of pages) if (++seen > 2) break;
    }
  } else if (name === 'pushListener' || name === 'serviceListener') {
    const listener = result as (request: IncomingMessage, response: ServerResponse) => void;
    for (const [, make] of hostileValues) {
      listener(make() as IncomingMessage, make() as ServerResponse);
      listener(make() as IncomingMessage, recordingResponse());
    }
    await settle();
  } else if (name === 'startRelay') {
    const relay = result as { wake(): void; stop(): Promise<void> };
    relay.wake();
    await settle();
    await relay.stop();
  } else if (name === 'fetchConversationThrough') {
    const fetch = result as (name: unknown) => Promise<unknown>;
    for (const [, make] of hostileValues) await fetch(make());
  }
};

interface Callable {
  readonly entry: string;
  readonly name: string;
  readonly f: (...args: unknown[]) => unknown;
  readonly arity: number;
}

const isClass = (f: (...args: never) => unknown): boolean => /^class[\s{]/.test(Function.prototype.toString.call(f));

const callables = (): Callable[] =>
  Object.entries(entryPoints).flatMap(([entry, exports]) =>
    Object.entries(exports)
      .filter((e): e is [string, (...args: unknown[]) => unknown] => typeof e[1] === 'function' && !isClass(e[1]))
      .map(([name, f]) => ({ entry, name, f, arity: Math.max(f.length, 2) })),
  );

describe('no public function of the integrations throws', () => {
  const all = callables();

  it('finds the functions of both entry points', () => {
    const names = all.map((c) => `${c.entry} ${c.name}`);
    for (const expected of [
      '/dialogflow dialogflowGateway',
      '/dialogflow googleListConversationsRequest',
      '/dialogflow decodeListConversationsResponse',
      '/postgres pushListener',
      '/postgres serviceListener',
      '/postgres pushAuthenticator',
      '/postgres startRelay',
      '/postgres openStore',
      '/emulator startEmulator',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it.each(all.map((c) => [`${c.entry} ${c.name}`, c] as const))('%s, given hostile values anywhere', async (_, callable) => {
    const failures = new Map<string, string>();
    for (let position = 0; position < callable.arity; position++) {
      for (const [what, make] of hostileValues) {
        // What opens: its first argument only (given nothing, the others are not read), with values it must refuse.
        if (OPENERS.has(callable.name) && (position > 0 || !refusedByOpeners.has(what))) continue;
        const args = Array.from({ length: callable.arity }, (_, i) => (i === position ? make() : undefined));
        let result: unknown;
        const how = await thrown(async () => {
          result = await callable.f(...args);
          await closeOpened(result);
          await useResult(callable.name, result);
        });
        if (how !== undefined && !failures.has(how)) failures.set(how, `argument ${position + 1} ${what}`);
      }
    }
    const lines = [...failures].map(([how, example]) => `${how.slice(0, 200)} <- ${example}`);
    if (lines.length > 0) expect.fail(`${lines.length} ways to throw:\n${lines.join('\n')}`);
  });

  it('a listener whose options cannot be read answers 500 saying so (Pub/Sub redelivers), rather than throwing', async () => {
    const { pushListener, serviceListener } = entryPoints['/postgres'];
    const store = { handlePush: async () => ({}) } as unknown as Parameters<typeof pushListener>[0];
    for (const make of [pushListener, serviceListener] as const) {
      for (const options of [undefined, { authenticate: 'sometimes' }, hostileValues[0]?.[1]()]) {
        const response = recordingResponse();
        const request = { method: 'POST', url: '/pubsub/push', headers: {}, resume: () => undefined } as unknown as IncomingMessage;
        make(store as never, options as never)(request, response);
        await settle();
        expect(response.status).toBe(500);
      }
    }
  });

  it('a gateway whose options cannot be read fails each call, saying so', async () => {
    const { dialogflowGateway } = entryPoints['/dialogflow'];
    const client = { getConversation: async () => [{}] } as unknown as Parameters<typeof dialogflowGateway>[0];
    const gateway = dialogflowGateway(client, hostileValues[0]?.[1]() as never);
    const got = await gateway.get('projects/p/conversations/c');
    expect(got._tag).toBe('Left');
    expect(got._tag === 'Left' && got.left.message).toContain("the gateway's options could not be read");
  });
});
