import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConversationName, encodeConversation } from '../src/index.js';
import { type ClosableFetchConversation, googleFetchConversation } from '../src/postgres/index.js';
import { left, right } from './helpers.js';
import { type FakeDialogflow, startFakeDialogflow } from './support/dialogflow-grpc.js';
import { freePort } from './support/postgres-server.js';
import { remoteConversation } from './support/pushes.js';

// GetConversation through Google's own client, over gRPC, against a small server on the same .proto files.

const name = (id: string) => `projects/acme/conversations/${id}` as ConversationName;

describe("GetConversation through Google's client", () => {
  let dialogflow: FakeDialogflow;
  let client: ClosableFetchConversation;
  const stored = remoteConversation('there', {
    phoneNumber: { countryCode: 1, phoneNumber: '+16502530000' },
    startTime: '2026-11-23T10:00:00.123456789Z',
    telephonyConnectionInfo: { dialedNumber: '+16502530000' },
  });

  beforeAll(async () => {
    dialogflow = await startFakeDialogflow([stored]);
    client = right(await googleFetchConversation({ endpoint: dialogflow.endpoint, insecure: true, timeoutMs: 3000 }));
  });
  afterAll(async () => {
    await client?.close();
    await dialogflow?.stop();
  });

  it('finds a conversation, decoded at version 0 with every field and its nanoseconds', async () => {
    const found = right(await client.fetch(name('there')));
    expect(found.found).toBe(true);
    if (!found.found) return;
    expect(found.conversation.version).toBe(0);
    expect(encodeConversation(found.conversation)).toEqual(encodeConversation(stored));
    expect(dialogflow.calls.get('projects/acme/conversations/there')).toBe(1);
  });

  it('NOT_FOUND is found: false (purged, or never created)', async () => {
    expect(await client.fetch(name('purged'))).toEqual(E.right({ found: false }));
  });

  it('UNAVAILABLE, INTERNAL, RESOURCE_EXHAUSTED, ABORTED, DEADLINE_EXCEEDED are transient; PERMISSION_DENIED, INVALID_ARGUMENT are not', async () => {
    const outcomes: Array<[number, boolean]> = [];
    for (const code of [14, 13, 8, 10, 4, 7, 3]) {
      dialogflow.failWith = code;
      const error = left(await client.fetch(name('there')));
      expect(error.message).toContain(`GetConversation projects/acme/conversations/there: ${code} `);
      outcomes.push([code, error.transient]);
    }
    dialogflow.failWith = undefined;
    expect(outcomes).toEqual([
      [14, true],
      [13, true],
      [8, true],
      [10, true],
      [4, true],
      [7, false],
      [3, false],
    ]);
  });

  it('an endpoint that does not answer is transient, and says so quickly', async () => {
    const port = await freePort();
    const nobody = right(await googleFetchConversation({ endpoint: `127.0.0.1:${port}`, insecure: true, timeoutMs: 2000 }));
    const started = Date.now();
    const error = left(await nobody.fetch(name('there')));
    expect(error.transient).toBe(true);
    expect(error.message).toContain('GetConversation projects/acme/conversations/there');
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
  });
});
