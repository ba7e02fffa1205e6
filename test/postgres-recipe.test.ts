import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { encodeConversation } from '../src/index.js';
import { startedEmulator } from './emulator-helpers.js';
import { startPushService } from './support/mount-example.js';
import {
  aboutName,
  applyInMemory,
  deliveriesFor,
  duplicatedAndShuffled,
  EMULATOR_NOW,
  pushBody,
  random,
  remoteConversation,
} from './support/pushes.js';
import { startEventSink } from './support/serve-process.js';

// The listener mounted in a plain Node server, as docs/recipes.md shows it: that code is
// test/support/mount-example.ts, run here against PGlite, the emulator and keys this test makes.

describe('the recipe: the listener mounted in your own server', () => {
  it('is in docs/recipes.md, verbatim', () => {
    const code = readFileSync(new URL('./support/mount-example.ts', import.meta.url), 'utf8');
    const doc = readFileSync(new URL('../docs/recipes.md', import.meta.url), 'utf8');
    expect(doc).toContain(code.replace("'../../src/postgres/index.js'", "'dialogflow-conversation/postgres'"));
  });

  /** The mounted service on PGlite, with GetConversation from an emulator that holds `ids`, and a signed token. */
  const mounted = async (ids: ReadonlyArray<string>) => {
    const keys = await generateKeyPair('RS256', { extractable: true });
    const dialogflow = await startedEmulator({ now: EMULATOR_NOW, conversations: ids.map((id) => remoteConversation(id)) });
    const sink = await startEventSink();
    const audience = 'https://events.acme.example/pubsub/push';
    const serviceAccount = 'push@acme.iam.gserviceaccount.com';
    const service = await startPushService({
      audience,
      serviceAccount,
      eventsTo: sink.url,
      port: 0,
      host: '127.0.0.1',
      dialogflow: { endpoint: dialogflow.grpcAddress, insecure: true },
      keys: { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k', alg: 'RS256' }] },
    });
    const url = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
    const token = await new SignJWT({ email: serviceAccount, email_verified: true })
      .setProtectedHeader({ alg: 'RS256', kid: 'k' })
      .setIssuer('https://accounts.google.com')
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(keys.privateKey);
    const push = (body: unknown) =>
      fetch(`${url}/pubsub/push`, { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${token}` } });
    const close = async () => {
      await service.stop();
      await sink.close();
      await dialogflow.close();
    };
    return { dialogflow, sink, url, push, close };
  };

  it('takes an authenticated push, stores it, serves it, and publishes its event', async () => {
    const { sink, url, push, close } = await mounted(['mounted']);
    const body = pushBody(
      'e-1',
      '2026-11-23T10:02:00Z',
      { conversation: aboutName('mounted'), type: 'HUMAN_INTERVENTION_NEEDED' },
      'PROTO',
    );
    const response = await push(body);
    expect(response.status).toBe(204);
    for (let i = 0; i < 100 && sink.received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.received.map((e) => [e.id, e.type])).toEqual([['projects/acme/conversations/mounted#1', 'ConversationHandedOff']]);
    const got = (await (await fetch(`${url}/v2/${aboutName('mounted')}`)).json()) as { version: number };
    expect(got.version).toBe(1);
    await close();
  });

  it('redelivered, duplicated and shuffled, eight at a time: what applying each once gives, every event once per version, one fetch each', async () => {
    const ids = ['r-alpha', 'r-bravo', 'r-charlie'];
    const { dialogflow, sink, url, push, close } = await mounted(ids);
    const next = random(13);
    const serial = { n: 0 };
    const deliveries = new Map(ids.map((id) => [id, deliveriesFor(id, next, serial)]));
    const schedule = duplicatedAndShuffled([...deliveries.values()].flat(), next);
    for (let i = 0; i < schedule.length; i += 8) {
      const statuses = await Promise.all(schedule.slice(i, i + 8).map(async (body) => (await push(body)).status));
      expect(statuses.every((status) => status === 204)).toBe(true);
    }
    for (const id of ids) {
      // The emulator still holds the conversation as it started: the notifications are ahead of it.
      const expected = applyInMemory(remoteConversation(id), deliveries.get(id) ?? []);
      const got = (await (await fetch(`${url}/v2/${aboutName(id)}`)).json()) as { conversation: unknown; version: number };
      expect(got).toEqual({ conversation: encodeConversation(expected.conversation), version: expected.conversation.version });
      for (
        let i = 0;
        i < 100 &&
        new Set(sink.received.filter((e) => e.conversation.endsWith(`/${id}`)).map((e) => e.id)).size < expected.conversation.version;
        i++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const published = sink.received.filter((e) => e.conversation.endsWith(`/${id}`));
      // At least once: a consumer dedupes on the id; then one event per version, in version order.
      const firstOfEach = published.filter((e, at) => published.findIndex((o) => o.id === e.id) === at);
      expect(firstOfEach.map((e) => e.version)).toEqual(Array.from({ length: expected.conversation.version }, (_, v) => v + 1));
      expect(firstOfEach.map((e) => e.type).sort()).toEqual(expected.types);
      // Concurrent first deliveries of one conversation: one GetConversation.
      expect(dialogflow.calls().filter((c) => c.rpc === 'GetConversation' && c.target.endsWith(`/${id}`))).toHaveLength(1);
    }
    await close();
  });
});
