import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayError } from '../src/dialogflow/index.js';
import type { RunningEmulator } from '../src/emulator/index.js';
import { type ConversationName, encodeConversation } from '../src/index.js';
import { type ClosableFetchConversation, fetchConversationThrough, googleFetchConversation } from '../src/postgres/index.js';
import { callsFor, startedEmulator } from './emulator-helpers.js';
import { left, right } from './helpers.js';
import { freePort } from './support/postgres-server.js';
import { EMULATOR_NOW, remoteConversation } from './support/pushes.js';

// GetConversation as the store makes it: the gateway's get, through Google's own client, over gRPC, against the emulator.

const name = (id: string) => `projects/acme/conversations/${id}` as ConversationName;

describe("GetConversation through the gateway and Google's client", () => {
  let emulator: RunningEmulator;
  let client: ClosableFetchConversation;
  const stored = remoteConversation('there', {
    phoneNumber: { countryCode: 1, phoneNumber: '+16502530000' },
    startTime: '2026-11-23T10:00:00.123456789Z',
    telephonyConnectionInfo: { dialedNumber: '+16502530000' },
  });

  beforeAll(async () => {
    emulator = await startedEmulator({ now: EMULATOR_NOW, conversations: [stored] });
    client = right(await googleFetchConversation({ endpoint: emulator.grpcAddress, insecure: true, timeoutMs: 3000 }));
  });
  afterAll(async () => {
    await client?.close();
    await emulator?.close();
  });

  it('finds a conversation, decoded at version 0 with every field and its nanoseconds', async () => {
    const found = right(await client.fetch(name('there')));
    expect(found.found).toBe(true);
    if (!found.found) return;
    expect(found.conversation.version).toBe(0);
    expect(encodeConversation(found.conversation)).toEqual(encodeConversation(stored));
    expect(callsFor(emulator, 'GetConversation', 'projects/acme/conversations/there')).toBe(1);
  });

  it('NOT_FOUND is found: false (purged, or never created)', async () => {
    expect(await client.fetch(name('purged'))).toEqual(E.right({ found: false }));
  });

  it('UNAVAILABLE, INTERNAL, RESOURCE_EXHAUSTED, ABORTED, DEADLINE_EXCEEDED, CANCELLED are transient; PERMISSION_DENIED, INVALID_ARGUMENT are not', async () => {
    const outcomes: Array<[number, boolean]> = [];
    for (const code of [14, 13, 8, 10, 4, 1, 7, 3]) {
      right(emulator.addFault({ rpc: 'GetConversation', code, times: 'always' }));
      const error = left(await client.fetch(name('there')));
      expect(error.message).toContain('get projects/acme/conversations/there: GetConversation failed: ');
      expect(error.message).toContain(`(${code}), ${error.transient ? 'transient: retry later' : 'permanent: do not retry'}]`);
      outcomes.push([code, error.transient]);
      emulator.clearFaults();
    }
    expect(outcomes).toEqual([
      [14, true],
      [13, true],
      [8, true],
      [10, true],
      [4, true],
      [1, true],
      [7, false],
      [3, false],
    ]);
    // The faults are gone: it answers again.
    expect(right(await client.fetch(name('there'))).found).toBe(true);
  });

  it('a GetConversation slower than timeoutMs is DEADLINE_EXCEEDED, transient, said at the timeout', async () => {
    right(emulator.addFault({ rpc: 'GetConversation', delayMs: 10_000 }));
    const started = Date.now();
    const error = left(await client.fetch(name('there')));
    expect(error.transient).toBe(true);
    expect(error.message).toContain('[DEADLINE_EXCEEDED (4), transient: retry later]');
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it('an endpoint that does not answer is transient, and says so quickly', async () => {
    const port = await freePort();
    const nobody = right(await googleFetchConversation({ endpoint: `127.0.0.1:${port}`, insecure: true, timeoutMs: 2000 }));
    const started = Date.now();
    const error = left(await nobody.fetch(name('there')));
    expect(error.transient).toBe(true);
    expect(error.message).toContain('get projects/acme/conversations/there: GetConversation failed');
    expect(Date.now() - started).toBeLessThan(5000);
    await nobody.close();
  });

  it('refuses an endpoint that is not HOST:PORT, and --insecure without one', async () => {
    expect(left(await googleFetchConversation({ endpoint: 'localhost' }))).toEqual({
      kind: 'invalid',
      message: 'the Dialogflow endpoint: expected HOST:PORT, got "localhost"',
    });
    expect(left(await googleFetchConversation({ insecure: true })).message).toBe(
      'an insecure connection needs an endpoint (HOST:PORT of an emulator)',
    );
    expect(left(await googleFetchConversation({ endpoint: '127.0.0.1:1', timeoutMs: 0 })).message).toBe(
      'timeoutMs: expected a number of milliseconds above 0, got 0',
    );
    const throwing = Object.defineProperty({}, 'timeoutMs', {
      get() {
        throw new Error('hostile');
      },
    });
    expect(left(await googleFetchConversation(throwing))).toEqual({ kind: 'invalid', message: 'options: could not be read: hostile' });
  });
});

describe("fetchConversationThrough: the store's GetConversation of any gateway", () => {
  const conversation = remoteConversation('any');
  const failed = (transient: boolean): GatewayError =>
    ({ type: 'RpcFailed', transient, message: `get ${name('any')}: GetConversation failed: x`, code: transient ? 14 : 7 }) as GatewayError;

  it('passes what the gateway found, NOT_FOUND as found: false, and its errors with their transient and message', async () => {
    expect(await fetchConversationThrough({ get: async () => E.right({ found: true, conversation }) })(name('any'))).toEqual(
      E.right({ found: true, conversation }),
    );
    expect(await fetchConversationThrough({ get: async () => E.right({ found: false }) })(name('any'))).toEqual(E.right({ found: false }));
    for (const transient of [true, false]) {
      expect(await fetchConversationThrough({ get: async () => E.left(failed(transient)) })(name('any'))).toEqual(
        E.left({ transient, message: `get ${name('any')}: GetConversation failed: x` }),
      );
    }
  });

  it('resolves, transient, when a gateway of yours throws or rejects: the notification waits for the fix', async () => {
    const throwing = fetchConversationThrough({
      get: () => {
        throw new Error('not a gateway');
      },
    });
    expect(await throwing(name('any'))).toEqual(
      E.left({ transient: true, message: `GetConversation ${name('any')}: the gateway threw: not a gateway` }),
    );
    const rejecting = fetchConversationThrough({ get: () => Promise.reject(new Error('lost')) });
    expect(left(await rejecting(name('any'))).transient).toBe(true);
  });
});
