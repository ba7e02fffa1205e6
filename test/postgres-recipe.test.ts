import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../src/emulator/index.js';
import { startPushService } from './support/mount-example.js';
import { aboutName, EMULATOR_NOW, pushBody, remoteConversation } from './support/pushes.js';
import { startEventSink } from './support/serve-process.js';

// The listener mounted in a plain Node server, as docs/recipes.md shows it: that code is
// test/support/mount-example.ts, run here against PGlite, the emulator and keys this test makes.

describe('the recipe: the listener mounted in your own server', () => {
  it('is in docs/recipes.md, verbatim', () => {
    const code = readFileSync(new URL('./support/mount-example.ts', import.meta.url), 'utf8');
    const doc = readFileSync(new URL('../docs/recipes.md', import.meta.url), 'utf8');
    expect(doc).toContain(code.replace("'../../src/postgres/index.js'", "'dialogflow-conversation/postgres'"));
  });

  it('takes an authenticated push, stores it, serves it, and publishes its event', async () => {
    const keys = await generateKeyPair('RS256', { extractable: true });
    const dialogflow = await startEmulator({ now: EMULATOR_NOW, conversations: [remoteConversation('mounted')] });
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
    const body = pushBody(
      'e-1',
      '2026-11-23T10:02:00Z',
      { conversation: aboutName('mounted'), type: 'HUMAN_INTERVENTION_NEEDED' },
      'PROTO',
    );
    const response = await fetch(`${url}/pubsub/push`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(204);
    for (let i = 0; i < 100 && sink.received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.received.map((e) => [e.id, e.type])).toEqual([['projects/acme/conversations/mounted#1', 'ConversationHandedOff']]);
    const got = (await (await fetch(`${url}/v2/${aboutName('mounted')}`)).json()) as { version: number };
    expect(got.version).toBe(1);
    await service.stop();
    await sink.close();
    await dialogflow.close();
  });
});
