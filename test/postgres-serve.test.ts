import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/emulator/index.js';
import { type Conversation, conversationKey, encodeConversation } from '../src/index.js';
import { type ConversationStore, openStore } from '../src/postgres/index.js';
import { runCli } from './cli-helpers.js';
import { callsFor, startedEmulator } from './emulator-helpers.js';
import { right } from './helpers.js';
import { freePort, type PostgresServer, serverTests, startPostgres } from './support/postgres-server.js';
import {
  aboutName,
  applyInMemory,
  deliveriesFor,
  duplicatedAndShuffled,
  EMULATOR_NOW,
  type PushBody,
  pushBody,
  random,
  remoteConversation,
} from './support/pushes.js';
import { type EventSink, killAll, type ServeProcess, startEventSink, startServe } from './support/serve-process.js';

// `serve` as processes: many instances on one database, SIGKILL in the middle, Pub/Sub played by
// this test (at least once, out of order, redelivering what was not acknowledged), Dialogflow by the
// emulator (holding the conversations as they were before the notifications), the events' consumer
// by an HTTP endpoint that sometimes fails.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** POSTs a push; the status, or 0 when the instance did not answer (killed). */
const deliver = async (url: string, body: PushBody, headers: Record<string, string> = {}): Promise<number> => {
  try {
    const response = await fetch(`${url}/pubsub/push`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
      signal: AbortSignal.timeout(20_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
};

const stopped = async (instance: ServeProcess): Promise<number | null> => {
  instance.kill('SIGTERM');
  return instance.closed;
};

interface Target {
  readonly name: string;
  readonly instances: number;
  readonly conversations: number;
  /** The `--database` value. */
  location(): Promise<string>;
  /** A store on it from this process (for PGlite: only while no instance runs). */
  store(location: string): Promise<ConversationStore>;
}

const openOn = async (location: string): Promise<ConversationStore> => right(await openStore({ database: location }));

const directories: string[] = [];
afterAll(() => {
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});
const pgliteDirectory = () => {
  const dir = mkdtempSync(join(tmpdir(), 'dfc-pglite-'));
  directories.push(dir);
  return join(dir, 'data');
};

const server = serverTests();
let postgres: PostgresServer | undefined;
let databases = 0;
beforeAll(async () => {
  if (server.run) postgres = await startPostgres(server.bin);
}, 120_000);
afterAll(async () => {
  killAll(); // whatever a failed test left running
  await postgres?.destroy();
});

const targets: Target[] = [
  // PGlite is one process's database: one instance on a directory, killed and restarted on it.
  { name: 'PGlite (a directory)', instances: 1, conversations: 110, location: async () => pgliteDirectory(), store: openOn },
  ...(server.run
    ? [
        {
          name: 'PostgreSQL',
          instances: 3,
          conversations: 150,
          location: async () => (postgres as PostgresServer).createDatabase(`serve_${process.pid}_${databases++}`),
          store: openOn,
        },
      ]
    : []),
];

describe.each(targets)('serve on $name', (target) => {
  it('thousands of pushes, duplicated and shuffled, one instance SIGKILLed and restarted: every conversation right, every event delivered, nothing left', async () => {
    const next = random(20261123);
    const serial = { n: 0 };
    const ids = Array.from({ length: target.conversations }, (_, i) => `k-${i}`);
    const purged = new Set(ids.filter((_, i) => i % 15 === 7));
    const seeded = new Set(ids.filter((_, i) => i % 4 === 1 && !purged.has(`k-${i}`)));
    const remote = new Map(ids.map((id) => [id, remoteConversation(id)]));
    const distinct = new Map(ids.map((id) => [id, deliveriesFor(id, next, serial)]));
    const dialogflow: RunningEmulator = await startedEmulator({
      now: EMULATOR_NOW,
      conversations: [...remote].filter(([id]) => !purged.has(id)).map(([, c]) => c),
    });
    // The consumer refuses one batch in ten: the relay retries them.
    const failing = random(7);
    const sink: EventSink = await startEventSink(() => failing() < 0.1);
    const location = await target.location();

    // Some conversations are in the store before any notification (observed from a list, say); the rest are first seen through one.
    {
      const store = await target.store(location);
      for (const id of seeded) right(await store.observe(remote.get(id) as Conversation));
      await store.close();
    }

    const args = [
      '--port',
      '0',
      '--database',
      location,
      '--dialogflow-endpoint',
      dialogflow.grpcAddress,
      '--insecure',
      '--events-to',
      sink.url,
      '--no-auth',
    ];
    const started: ServeProcess[] = [];
    const start = async () => {
      const instance = await startServe(args);
      started.push(instance);
      return instance;
    };
    const live: ServeProcess[] = [];
    for (let i = 0; i < target.instances; i++) live.push(await start());

    const pushes = duplicatedAndShuffled([...distinct.values()].flat(), next);
    expect(pushes.length).toBeGreaterThan(1000);
    let pending = pushes;
    let killed = false;
    let cutOff = 0;
    let restarted: Promise<void> | undefined;
    let sent = 0;
    const inFlight = new Map<ServeProcess, number>();
    for (let wave = 0; pending.length > 0; wave++) {
      expect(wave, `still unacknowledged: ${pending.length}`).toBeLessThan(40);
      const unacknowledged: PushBody[] = [];
      let cursor = 0;
      const worker = async () => {
        while (cursor < pending.length) {
          const body = pending[cursor++] as PushBody;
          sent++;
          const victim = live[0] as ServeProcess;
          if (!killed && sent >= pushes.length * 0.4 && (inFlight.get(victim) ?? 0) >= 3) {
            // Kill one instance in the middle of its work, then bring it back.
            killed = true;
            cutOff = inFlight.get(victim) ?? 0;
            live.shift();
            victim.kill('SIGKILL');
            restarted = victim.closed.then(async () => {
              live.push(await start());
            });
          }
          const instance = live[cursor % Math.max(1, live.length)];
          if (instance === undefined) {
            unacknowledged.push(body);
            continue;
          }
          inFlight.set(instance, (inFlight.get(instance) ?? 0) + 1);
          const status = await deliver(instance.url, body);
          inFlight.set(instance, (inFlight.get(instance) ?? 0) - 1);
          if (status !== 204) unacknowledged.push(body);
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      await restarted;
      pending = unacknowledged;
      if (pending.length > 0) await sleep(200);
    }
    expect(killed).toBe(true);
    expect(cutOff).toBeGreaterThanOrEqual(3); // killed with pushes in flight: those it did not answer were redelivered

    // What applying the notifications in memory gives, conversation by conversation.
    const expected = new Map(
      ids.filter((id) => !purged.has(id)).map((id) => [id, applyInMemory(remote.get(id) as Conversation, distinct.get(id) as PushBody[])]),
    );
    const wanted = new Set(
      [...expected].flatMap(([id, e]) => Array.from({ length: e.conversation.version }, (_, v) => `${aboutName(id)}#${v + 1}`)),
    );
    expect(wanted.size).toBeGreaterThan(100);
    // Every event reaches the consumer (the killed instance's batch once its lease runs out).
    for (
      let i = 0;
      i < 900 && !(sink.received.length >= wanted.size && [...wanted].every((w) => sink.received.some((r) => r.id === w)));
      i++
    ) {
      await sleep(100);
    }

    // Then the outbox empties (what the killed instance had claimed is published again once its lease runs out).
    let health = '';
    for (let i = 0; i < 600 && !health.startsWith('ok: 0 '); i++) {
      health = await (await fetch(`${(live[0] as ServeProcess).url}/healthz`)).text();
      if (!health.startsWith('ok: 0 ')) await sleep(100);
    }
    expect(health).toBe('ok: 0 event(s) in the outbox\n');
    const reader = live[0] as ServeProcess;
    for (const id of ids) {
      const response = await fetch(`${reader.url}/v2/projects/acme/locations/global/conversations/${id}`);
      if (purged.has(id)) {
        expect(response.status, id).toBe(404);
        continue;
      }
      expect(response.status, id).toBe(200);
      const body = (await response.json()) as { conversation: unknown; version: number };
      const mine = expected.get(id) as { conversation: Conversation };
      expect(body, id).toEqual({ conversation: encodeConversation(mine.conversation), version: mine.conversation.version });
    }

    // Every event at least once, one id per (conversation, version), the same event on every delivery, no version skipped.
    const byId = new Map<string, (typeof sink.received)[number]>();
    for (const event of sink.received) {
      const key = conversationKey(event.conversation);
      expect(event.id).toBe(`${key}#${event.version}`);
      const seen = byId.get(event.id);
      if (seen === undefined) byId.set(event.id, event);
      else expect(event).toEqual(seen);
    }
    expect(new Set(byId.keys())).toEqual(wanted);
    for (const [id, e] of expected) {
      const mine = [...byId.values()].filter((event) => conversationKey(event.conversation) === aboutName(id));
      expect(mine.map((event) => event.type).sort(), id).toEqual(e.types);
      // In version order: the first arrival of each version comes after the first arrival of the one before.
      const firsts = sink.received.filter((event) => conversationKey(event.conversation) === aboutName(id)).map((event) => event.version);
      expect(
        firsts.filter((v, i) => firsts.indexOf(v) === i),
        id,
      ).toEqual(Array.from({ length: e.conversation.version }, (_, v) => v + 1));
    }
    expect(sink.refused).toBeGreaterThan(0);

    // GetConversation: never for a conversation already stored, at most once per process for the others.
    for (const id of ids) {
      const calls = callsFor(dialogflow, 'GetConversation', aboutName(id));
      if (seeded.has(id)) expect(calls, id).toBe(0);
      else if (!purged.has(id)) expect(calls, id).toBeLessThanOrEqual(started.length);
    }
    // Each push's outcome is in a log line a person can read.
    const logs = started.map((s) => s.output.stderr).join('');
    for (const id of purged) expect(logs).toContain(`gone: Dialogflow has no conversation ${aboutName(id)} (NOT_FOUND`);
    expect(logs).toContain(': applied: ');
    expect(logs).toContain(': duplicate: ');

    // SIGTERM drains and exits 0; then nothing is left in the outbox.
    for (const code of await Promise.all(live.map(stopped))) expect(code).toBe(0);
    const store = await target.store(location);
    expect(right(await store.pendingEvents())).toBe(0);
    await store.close();
    await sink.close();
    await dialogflow.close();
  }, 300_000);
});

describe('serve', () => {
  it('says what is wrong with how it is called', async () => {
    const cases: Array<[string[], string]> = [
      [
        [],
        "serve: pushes must be authenticated: give --audience AUD and --service-account EMAIL (Pub/Sub's push authentication), or --no-auth",
      ],
      [['--no-auth', '--audience', 'x'], 'serve: --no-auth turns authentication off: leave out --audience, --service-account and --jwks'],
      [['--no-auth', '--insecure'], 'serve: --insecure is for an emulator: give its --dialogflow-endpoint HOST:PORT'],
      [['--no-auth', '--events-to', 'ftp://x'], 'serve: --events-to takes an http:// or https:// URL, got "ftp://x"'],
      [['--no-auth', '--port', 'eighty'], 'serve: --port takes a whole number from 0 to 65535, got "eighty"'],
      [['--no-auth', '--dialogflow-endpoint', 'nowhere'], 'serve: the Dialogflow endpoint: expected HOST:PORT, got "nowhere"'],
      [
        ['--audience', 'a', '--service-account', 'p@x.iam.gserviceaccount.com', '--jwks', 'no/such/file.json'],
        'serve: --jwks no/such/file.json: ENOENT',
      ],
      [['--no-auth', 'extra'], 'serve takes no file or argument here'],
    ];
    for (const [argv, message] of cases) {
      const { code, stderr } = await runCli(['serve', ...argv]);
      expect([code, stderr], argv.join(' ')).toEqual([2, expect.stringContaining(`dialogflow-conversation: ${message}`)]);
    }
  });

  it('authenticates pushes with --jwks, keeps a PGlite directory across a restart, and drains on SIGTERM', async () => {
    const keys = await generateKeyPair('RS256', { extractable: true });
    const dir = mkdtempSync(join(tmpdir(), 'dfc-serve-'));
    directories.push(dir);
    const jwks = join(dir, 'jwks.json');
    writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'test', alg: 'RS256' }] }));
    const audience = 'https://events.acme.example/pubsub/push';
    const account = 'push@acme.iam.gserviceaccount.com';
    const token = (email: string) =>
      new SignJWT({ email, email_verified: true })
        .setProtectedHeader({ alg: 'RS256', kid: 'test' })
        .setIssuer('https://accounts.google.com')
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(keys.privateKey);
    const dialogflow = await startedEmulator({ now: EMULATOR_NOW, conversations: [remoteConversation('restart')] });
    const args = ['--port', '0', '--database', join(dir, 'db'), '--dialogflow-endpoint', dialogflow.grpcAddress, '--insecure'];
    const auth = ['--audience', audience, '--service-account', account, '--jwks', jwks];
    const first = await startServe([...args, ...auth]);
    const push = pushBody('r-1', '2026-11-23T10:30:00Z', { conversation: aboutName('restart'), type: 'CONVERSATION_FINISHED' }, 'PROTO');
    expect(await deliver(first.url, push)).toBe(401);
    expect(await deliver(first.url, push, { authorization: `Bearer ${await token('intruder@evil.example')}` })).toBe(403);
    expect(await deliver(first.url, push, { authorization: `Bearer ${await token(account)}` })).toBe(204);
    expect(first.output.stderr).toContain('push refused 401: no Authorization: Bearer token');
    expect(await stopped(first)).toBe(0);
    expect(first.output.stderr).toContain('serve: stopped');

    const second = await startServe([...args, '--no-auth']);
    const got = await fetch(`${second.url}/v2/projects/acme/conversations/restart`);
    expect(((await got.json()) as { version: number; conversation: { lifecycleState: string } }).conversation.lifecycleState).toBe(
      'COMPLETED',
    );
    expect(await deliver(second.url, push)).toBe(204); // a duplicate now
    expect(second.output.stderr).toContain('duplicate: projects/acme/conversations/restart is at version 1');
    expect(callsFor(dialogflow, 'GetConversation', aboutName('restart'))).toBe(1);
    expect(await stopped(second)).toBe(0);
    await dialogflow.close();
  }, 120_000);

  it('on SIGTERM, finishes the pushes in flight before it exits 0', async () => {
    const dialogflow = await startedEmulator({ now: EMULATOR_NOW, conversations: [remoteConversation('slow')] });
    // Every GetConversation takes 5 s: the first delivery waits for it, in flight when SIGTERM comes.
    right(dialogflow.addFault({ rpc: 'GetConversation', delayMs: 5000, times: 'always' }));
    const instance = await startServe(['--port', '0', '--dialogflow-endpoint', dialogflow.grpcAddress, '--insecure', '--no-auth']);
    const push = pushBody('s-1', '2026-11-23T10:30:00Z', { conversation: aboutName('slow'), type: 'CONVERSATION_FINISHED' }, 'JSON');
    const answer = deliver(instance.url, push);
    // The call is logged as it arrives, so SIGTERM comes while GetConversation is still waiting.
    while (callsFor(dialogflow, 'GetConversation', aboutName('slow')) === 0) await sleep(20);
    instance.kill('SIGTERM');
    expect(await answer).toBe(204);
    expect(await instance.closed).toBe(0);
    expect(instance.output.stderr).toContain('serve: SIGTERM: draining 1 request(s) in flight');
    expect(instance.output.stderr).toContain('push 204 message s-1: applied:');
    await dialogflow.close();
  }, 120_000);

  it('exits 1, saying why, when its port is taken', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = String((holder.address() as AddressInfo).port);
    const { code, stderr } = await runCli(['serve', '--no-auth', '--port', port]);
    expect([code, stderr]).toEqual([1, `dialogflow-conversation: serve: cannot listen on 127.0.0.1:${port}: EADDRINUSE\n`]);
    await new Promise((resolve) => holder.close(resolve));
  });

  it('exits 1, saying why, when the database cannot be opened', async () => {
    const port = await freePort();
    const { code, stderr } = await runCli([
      'serve',
      '--no-auth',
      '--port',
      '0',
      '--database',
      `postgres://app:secret@127.0.0.1:${port}/none`,
    ]);
    expect([code, stderr]).toEqual([
      1,
      `dialogflow-conversation: serve: could not migrate the schema dialogflow_conversation: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    ]);
  });

  describe.runIf(server.run)('on a PostgreSQL server that stops answering', () => {
    it('asks for redelivery (503) and fails /healthz while the server is down, and recovers when it is back', async () => {
      const pg = postgres as PostgresServer;
      const location = await pg.createDatabase(`down_${process.pid}`);
      const dialogflow = await startedEmulator({ now: EMULATOR_NOW, conversations: [remoteConversation('down')] });
      const instance = await startServe([
        '--port',
        '0',
        '--database',
        location,
        '--dialogflow-endpoint',
        dialogflow.grpcAddress,
        '--insecure',
        '--no-auth',
      ]);
      const push = pushBody('d-1', '2026-11-23T10:30:00Z', { conversation: aboutName('down'), type: 'CONVERSATION_FINISHED' }, 'JSON');
      expect((await fetch(`${instance.url}/healthz`)).status).toBe(200);
      await pg.stop();
      try {
        expect(await deliver(instance.url, push)).toBe(503);
        const health = await fetch(`${instance.url}/healthz`);
        expect(health.status).toBe(503);
        expect(await health.text()).toContain('the database does not answer');
        expect(instance.output.stderr).toContain(
          'push 503 message d-1: unavailable: the database did not load projects/acme/conversations/down',
        );
      } finally {
        await pg.start();
      }
      // Redelivered once the server is back: applied.
      expect(await deliver(instance.url, push)).toBe(204);
      expect((await fetch(`${instance.url}/healthz`)).status).toBe(200);
      expect(await stopped(instance)).toBe(0);
      const store = right(await openStore({ database: location }));
      expect(E.isRight(await store.ping())).toBe(true);
      expect(right(await store.load(aboutName('down')))?.lifecycleState).toBe('COMPLETED');
      await store.close();
      await dialogflow.close();
    }, 120_000);
  });
});
