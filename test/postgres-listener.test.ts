import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeConversation } from '../src/index.js';
import {
  type ConversationStore,
  type JsonWebKeySet,
  openStore,
  type PushAuthenticator,
  pushAuthenticator,
  pushListener,
  serviceListener,
} from '../src/postgres/index.js';
import { right } from './helpers.js';
import { type Backend, backends } from './support/backends.js';
import { freePort } from './support/postgres-server.js';
import { aboutName, pushBody, remoteConversation } from './support/pushes.js';

// Pub/Sub's push authentication, with keys this test makes (the machine cannot reach Google), and
// the request listener around the store, on every backend.

const AUDIENCE = 'https://events.acme.example/pubsub/push';
const ACCOUNT = 'dialogflow-push@acme.iam.gserviceaccount.com';

type Key = Awaited<ReturnType<typeof generateKeyPair>>;

const sign = async (key: Key['privateKey'], claims: JWTPayload, options: { kid?: string; expiresIn?: string | number } = {}) =>
  new SignJWT({ email: ACCOUNT, email_verified: true, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'k1', typ: 'JWT' })
    .setIssuer(typeof claims.iss === 'string' ? claims.iss : 'https://accounts.google.com')
    .setAudience(claims.aud ?? AUDIENCE)
    .setSubject('113834238752432823413')
    .setIssuedAt(typeof claims.iat === 'number' ? claims.iat : undefined)
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(key);

const b64 = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

const listen = async (listener: RequestListener): Promise<{ url: string; server: Server }> => {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
};

const post = (url: string, body: unknown, authorization?: string) =>
  fetch(url, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
  });

let keys: Key;
let other: Key;
let jwks: JsonWebKeySet;

beforeAll(async () => {
  keys = await generateKeyPair('RS256', { extractable: true });
  other = await generateKeyPair('RS256', { extractable: true });
  jwks = { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
});

describe("Pub/Sub's push authentication", () => {
  let authenticate: PushAuthenticator;
  beforeAll(async () => {
    authenticate = right(await pushAuthenticator({ audience: AUDIENCE, serviceAccount: ACCOUNT, keys: jwks }));
  });

  it('accepts a token Google would send: signed, from the push account, for this audience, in time', async () => {
    expect(await authenticate(`Bearer ${await sign(keys.privateKey, {})}`)).toEqual({ ok: true, email: ACCOUNT });
    // Either spelling of Google's issuer; the scheme in any case.
    expect((await authenticate(`bearer ${await sign(keys.privateKey, { iss: 'accounts.google.com' })}`)).ok).toBe(true);
  });

  it('refuses everything else, saying why', async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = await sign(keys.privateKey, {});
    const [header, , signature] = good.split('.');
    const cases: Array<[string, string | undefined, number, string]> = [
      ['no header', undefined, 401, 'no Authorization: Bearer token'],
      ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`, 401, 'no Authorization: Bearer token'],
      ['not a JWT', 'Bearer x.y', 401, 'not a valid signed JWT'],
      [
        'unsigned',
        `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: 'https://accounts.google.com', aud: AUDIENCE, email: ACCOUNT, email_verified: true, iat: now, exp: now + 3600 })}.`,
        401,
        'not signed with RS256',
      ],
      [
        'wrong audience',
        `Bearer ${await sign(keys.privateKey, { aud: 'https://elsewhere.example/push' })}`,
        401,
        "the token's aud claim refused",
      ],
      ['wrong issuer', `Bearer ${await sign(keys.privateKey, { iss: 'https://evil.example' })}`, 401, "the token's iss claim refused"],
      [
        'wrong account',
        `Bearer ${await sign(keys.privateKey, { email: 'intruder@evil.iam.gserviceaccount.com' })}`,
        403,
        'not the push service account',
      ],
      ['unverified email', `Bearer ${await sign(keys.privateKey, { email_verified: false })}`, 403, 'is not verified'],
      [
        'without an expiry',
        `Bearer ${await new SignJWT({ email: ACCOUNT, email_verified: true })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer('https://accounts.google.com')
          .setAudience(AUDIENCE)
          .setIssuedAt()
          .sign(keys.privateKey)}`,
        401,
        'missing required "exp" claim',
      ],
      ['expired', `Bearer ${await sign(keys.privateKey, { iat: now - 7200 }, { expiresIn: now - 3600 })}`, 401, 'the token has expired'],
      [
        'tampered',
        `Bearer ${header}.${b64({ iss: 'https://accounts.google.com', aud: AUDIENCE, email: ACCOUNT, email_verified: true, iat: now, exp: now + 86400 * 365 })}.${signature}`,
        401,
        'the token signature does not verify',
      ],
      ['signed by another key, same kid', `Bearer ${await sign(other.privateKey, {})}`, 401, 'the token signature does not verify'],
      ['signed by an unknown key', `Bearer ${await sign(other.privateKey, {}, { kid: 'k9' })}`, 401, 'not among the trusted keys'],
      [
        'HS256 with the public key as the secret',
        `Bearer ${await new SignJWT({ email: ACCOUNT, email_verified: true })
          .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
          .setIssuer('https://accounts.google.com')
          .setAudience(AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])))}`,
        401,
        'not signed with RS256',
      ],
    ];
    const results = [];
    for (const [what, authorization] of cases) results.push([what, await authenticate(authorization)]);
    expect(results.map(([what, r]) => [what, (r as { ok: boolean }).ok])).toEqual(cases.map(([what]) => [what, false]));
    for (const [i, [what, , status, reason]] of cases.entries()) {
      expect(results[i]?.[1], what).toMatchObject({ status, reason: expect.stringContaining(reason) });
    }
  });

  it('answers 503 when the keys cannot be fetched: not the pusher’s fault, so Pub/Sub redelivers', async () => {
    const port = await freePort();
    const remote = right(
      await pushAuthenticator({ audience: AUDIENCE, serviceAccount: ACCOUNT, keys: new URL(`http://127.0.0.1:${port}/certs`) }),
    );
    expect(await remote(`Bearer ${await sign(keys.privateKey, {})}`)).toMatchObject({
      ok: false,
      status: 503,
      reason: expect.stringContaining('could not get the keys to verify the token with'),
    });
  });

  it('refuses to start without an audience or an account', async () => {
    expect(E.isLeft(await pushAuthenticator({ audience: '', serviceAccount: ACCOUNT }))).toBe(true);
    expect(E.isLeft(await pushAuthenticator({ audience: AUDIENCE, serviceAccount: 'nobody' }))).toBe(true);
  });
});

for (const { name, make } of backends()) {
  describe(`the request listener on ${name}`, () => {
    let backend: Backend;
    let stop: () => Promise<void>;
    let store: ConversationStore;
    let url: string;
    let server: Server;
    const logs: string[] = [];
    beforeAll(async () => {
      ({ backend, stop } = await make());
      const remote = remoteConversation('auth');
      store = right(
        await openStore({
          database: await backend.open(),
          schema: `listener_${process.pid}`,
          fetchConversation: async (n) => E.right(n.endsWith('/auth') ? { found: true, conversation: remote } : { found: false }),
        }),
      );
      const authenticate = right(await pushAuthenticator({ audience: AUDIENCE, serviceAccount: ACCOUNT, keys: jwks }));
      ({ url, server } = await listen(serviceListener(store, { authenticate, log: (line) => logs.push(line) })));
    }, 120_000);
    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
      await stop?.();
    });

    const finished = pushBody('l-1', '2026-11-23T10:30:00Z', { conversation: aboutName('auth'), type: 'CONVERSATION_FINISHED' }, 'PROTO');

    it('refuses a push that fails authentication, before reading it, and stores nothing', async () => {
      const response = await post(
        `${url}/pubsub/push`,
        finished,
        `Bearer ${await sign(keys.privateKey, { aud: 'https://elsewhere.example' })}`,
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect((await post(`${url}/pubsub/push`, finished)).status).toBe(401);
      const forbidden = await post(`${url}/pubsub/push`, finished, `Bearer ${await sign(keys.privateKey, { email: 'x@evil.example' })}`);
      expect(forbidden.status).toBe(403);
      expect(right(await store.load(aboutName('auth')))).toBeUndefined();
      expect(logs.filter((l) => l.startsWith('push refused 40'))).toHaveLength(3);
    });

    it('accepts an authenticated push (204), then serves the conversation, its version, and its health', async () => {
      const token = `Bearer ${await sign(keys.privateKey, {})}`;
      const response = await post(`${url}/pubsub/push`, finished, token);
      expect([response.status, response.headers.get('x-push-outcome')]).toEqual([204, 'applied']);
      expect((await post(`${url}/pubsub/push`, finished, token)).headers.get('x-push-outcome')).toBe('duplicate');
      expect(logs.at(-1)).toBe(
        'push 204 message l-1: duplicate: projects/acme/conversations/auth is at version 1; CONVERSATION_FINISHED brings nothing new',
      );
      const stored = right(await store.load(aboutName('auth')));
      for (const path of ['projects/acme/conversations/auth', 'projects/acme/locations/global/conversations/auth']) {
        const got = await fetch(`${url}/v2/${path}`);
        expect(got.status).toBe(200);
        expect(await got.json()).toEqual({ conversation: stored && encodeConversation(stored), version: 1 });
      }
      expect((await fetch(`${url}/v2/projects/acme/conversations/none`)).status).toBe(404);
      expect((await fetch(`${url}/v2/not/a/name`)).status).toBe(400);
      expect((await fetch(`${url}/v2/projects/acme/conversations/%E0%A4%A`)).status).toBe(400);
      const health = await fetch(`${url}/healthz`);
      expect([health.status, await health.text()]).toEqual([200, expect.stringMatching(/^ok: \d+ event\(s\) in the outbox\n$/)]);
      expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
      expect((await fetch(`${url}/healthz`, { method: 'POST' })).status).toBe(405);
    });

    it('acknowledges what is not a notification (Pub/Sub would redeliver anything else forever), and refuses what is not a push', async () => {
      const token = `Bearer ${await sign(keys.privateKey, {})}`;
      for (const body of ['{', { message: { data: '!!' } }, { hello: 'world' }]) {
        const response = await post(`${url}/pubsub/push`, body, token);
        expect([response.status, response.headers.get('x-push-outcome')]).toEqual([204, 'undecodable']);
      }
      expect((await fetch(`${url}/pubsub/push`)).status).toBe(405);
      const small = await listen(pushListener(store, { authenticate: 'none', maxBodyBytes: 100 }));
      expect((await post(small.url, { padding: 'x'.repeat(200) })).status).toBe(413);
      await new Promise((resolve) => small.server.close(resolve));
    });

    it('takes a body a framework already parsed (Express with express.json())', async () => {
      const parsed = pushListener(store, { authenticate: 'none' });
      const withParser = async (request: IncomingMessage, response: ServerResponse) => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        Object.assign(request, { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        parsed(request, response);
      };
      const mounted = await listen((request, response) => void withParser(request, response));
      const body = pushBody('l-2', '2026-11-23T10:02:00Z', { conversation: aboutName('auth'), type: 'HUMAN_INTERVENTION_NEEDED' }, 'JSON');
      const response = await post(mounted.url, body);
      expect([response.status, response.headers.get('x-push-outcome')]).toEqual([204, 'applied']);
      await new Promise((resolve) => mounted.server.close(resolve));
    });
  });
}
