import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Conversation, type ConversationName, complete, encodeConversation, handOff } from '../src/index.js';
import {
  type ConversationStore,
  type Database,
  eventId,
  type FetchConversation,
  migrate,
  type OutboxEvent,
  openStore,
  type PushOutcome,
  pgDatabase,
  type Queryable,
  SCHEMA_VERSION,
  type StoreOptions,
} from '../src/postgres/index.js';
import { right } from './helpers.js';
import type { Backend } from './support/backends.js';
import { backends } from './support/backends.js';
import {
  aboutName,
  applyInMemory,
  deliveriesFor,
  duplicatedAndShuffled,
  type PushBody,
  pulledMessage,
  pushBody,
  random,
  remoteConversation,
} from './support/pushes.js';

// One suite, run on every backend: PGlite in memory, and a PostgreSQL server it starts.

let schemas = 0;
const freshSchema = () => `s_${process.pid}_${schemas++}`;

/** GetConversation from a map, counting calls by name. */
const fakeFetch = (remote: Map<string, Conversation>, calls: string[] = []): FetchConversation => {
  return async (name) => {
    calls.push(name);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const found = [...remote.values()].find((c) => c.name?.endsWith(`/conversations/${name.split('/').pop()}`));
    return E.right(found === undefined ? { found: false } : { found: true, conversation: found });
  };
};

const open = async (database: Database, schema: string, options: Omit<StoreOptions, 'database' | 'schema'> = {}) =>
  right(await openStore({ database, schema, ...options }));

/** Every event the outbox holds, as the relay would publish them, then marks them sent. */
const drain = async (store: ConversationStore): Promise<OutboxEvent[]> => {
  const out: OutboxEvent[] = [];
  for (;;) {
    const round = right(
      await store.relayOnce(async (events) => {
        out.push(...events);
      }),
    );
    if (round.published === 0) return out;
  }
};

const publishTime = (minute: number) => `2026-11-23T10:${String(minute).padStart(2, '0')}:00Z`;

for (const { name, make } of backends()) {
  describe(`the store on ${name}`, () => {
    let backend: Backend;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      ({ backend, stop } = await make());
    }, 120_000);
    afterAll(async () => {
      await stop?.();
    });

    describe('the schema', () => {
      it('migrates once, even from several instances at once, and records its version', async () => {
        const schema = freshSchema();
        const databases = await Promise.all(Array.from({ length: 4 }, () => backend.open()));
        const reports = await Promise.all(databases.map((d) => migrate(d, schema)));
        const applied = reports.map((r) => right(r).applied);
        expect(applied.filter((a) => a.length > 0)).toEqual([[1]]);
        expect(reports.every((r) => right(r).version === SCHEMA_VERSION)).toBe(true);
        const { rows } = await (databases[0] as Database).query<{ version: number; description: string }>(
          `select version, description from ${schema}.schema_migrations`,
        );
        expect(rows).toEqual([{ version: 1, description: expect.stringContaining('outbox') }]);
        expect(right(await migrate(databases[0] as Database, schema)).applied).toEqual([]);
      });

      it('refuses a database migrated by a newer version of the library, and a schema name that is not one', async () => {
        const schema = freshSchema();
        const database = await backend.open();
        right(await migrate(database, schema));
        await database.query(`insert into ${schema}.schema_migrations (version, description) values (99, 'from the future')`);
        const refused = await openStore({ database, schema });
        expect(E.isLeft(refused) && refused.left).toEqual({
          kind: 'schema',
          message: `the database schema ${schema} is at version 99, newer than this library's ${SCHEMA_VERSION}: upgrade dialogflow-conversation`,
        });
        const bad = await openStore({ database, schema: 'Robert"); drop table x; --' });
        expect(E.isLeft(bad) && bad.left.kind).toBe('schema');
      });
    });

    describe('saving with a compare-and-set on the version', () => {
      it('stores a conversation under its key, whatever the spelling of its name, and refuses a stale version', async () => {
        const database = await backend.open();
        const store = await open(database, freshSchema());
        const remote = remoteConversation('cas');
        expect(right(await store.save({ conversation: remote, events: [] }, undefined))).toEqual({ saved: true, events: [] });
        expect(right(await store.save({ conversation: remote, events: [] }, undefined))).toEqual({ saved: false });
        for (const spelling of ['projects/acme/conversations/cas', 'projects/acme/locations/us-east1/conversations/cas']) {
          expect(right(await store.load(spelling))).toEqual(remote);
        }
        const handed = right(handOff(remote, '2026-11-23T10:05:00Z'));
        const saved = right(await store.save(handed, 0));
        expect(saved).toEqual({
          saved: true,
          events: [
            {
              id: 'projects/acme/conversations/cas#1',
              conversation: 'projects/acme/locations/global/conversations/cas',
              version: 1,
              type: 'ConversationHandedOff',
              data: { conversation: 'projects/acme/locations/global/conversations/cas', at: '2026-11-23T10:05:00Z' },
            },
          ],
        });
        // Another instance still at version 0 loses.
        const done = right(complete(remote, '2026-11-23T10:30:00Z'));
        expect(right(await store.save(done, 0))).toEqual({ saved: false });
        expect(right(await store.load(remote.name as string))?.version).toBe(1);
        expect(right(await store.load('projects/acme/conversations/nothing'))).toBeUndefined();
      });

      it('says what is wrong with a change it cannot store', async () => {
        const store = await open(await backend.open(), freshSchema());
        const remote = remoteConversation('bad');
        const handed = right(handOff(remote));
        expect(await store.save(handed, 3)).toEqual(
          E.left({ kind: 'invalid', message: `${remote.name}: 1 event(s) cannot lead from version 3 to version 1` }),
        );
        const unnamed = { ...remote, name: undefined };
        expect(E.isLeft(await store.save({ conversation: unnamed, events: [] }, undefined))).toBe(true);
        expect(await store.load('not a name')).toEqual(E.left({ kind: 'invalid', message: 'not a conversation name: "not a name"' }));
      });

      it('observes a fetched resource: stored as it is the first time, then each change with its events', async () => {
        const store = await open(await backend.open(), freshSchema());
        const remote = remoteConversation('obs');
        expect(right(await store.observe(remote)).events).toEqual([]);
        const later = remoteConversation('obs', {
          lifecycleState: 'COMPLETED',
          conversationStage: 'HUMAN_ASSIST_STAGE',
          endTime: '2026-11-23T10:30:00Z',
        });
        const change = right(await store.observe(later));
        expect(change.events.map((e) => e.type)).toEqual(['ConversationHandedOff', 'ConversationCompleted']);
        expect((await drain(store)).map((e) => [e.id, e.type])).toEqual([
          ['projects/acme/conversations/obs#1', 'ConversationHandedOff'],
          ['projects/acme/conversations/obs#2', 'ConversationCompleted'],
        ]);
        expect(right(await store.observe(later)).events).toEqual([]);
        expect(E.isLeft(await store.observe(remote))).toBe(true); // behind the stored one: a Regression
      });
    });

    describe('listing', () => {
      const collect = async <A>(items: AsyncIterable<A>): Promise<A[]> => {
        const out: A[] = [];
        for await (const item of items) out.push(item);
        return out;
      };

      it('lists every conversation in key order, a page at a time, or those in one lifecycle state', async () => {
        const store = await open(await backend.open(), freshSchema());
        const ids = ['l-5', 'l-1', 'l-4', 'l-2', 'l-3'];
        for (const [i, id] of ids.entries()) {
          const remote = remoteConversation(id, i % 2 === 0 ? {} : { name: `projects/acme/locations/us-east1/conversations/${id}` });
          right(await store.save({ conversation: remote, events: [] }, undefined));
        }
        right(
          await store.save(
            right(complete(right(await store.load('projects/acme/conversations/l-2')) as Conversation, '2026-11-23T10:30:00Z')),
            0,
          ),
        );
        const names = (items: ReadonlyArray<E.Either<unknown, Conversation>>) => items.map((item) => right(item).name);
        const all = names(await collect(store.list({ pageSize: 2 })));
        expect(all).toEqual([
          'projects/acme/locations/us-east1/conversations/l-1',
          'projects/acme/locations/us-east1/conversations/l-2',
          'projects/acme/locations/global/conversations/l-3',
          'projects/acme/locations/global/conversations/l-4',
          'projects/acme/locations/global/conversations/l-5',
        ]);
        expect(names(await collect(store.list()))).toEqual(all);
        expect(names(await collect(store.list({ lifecycleState: 'COMPLETED', pageSize: 1 })))).toEqual([
          'projects/acme/locations/us-east1/conversations/l-2',
        ]);
        expect(names(await collect(store.list({ lifecycleState: 'IN_PROGRESS' })))).toHaveLength(4);
      });

      it('says which row it cannot read, and goes on; says what is wrong with its options', async () => {
        const schema = freshSchema();
        const database = await backend.open();
        const store = await open(database, schema);
        for (const id of ['r-1', 'r-2', 'r-3']) right(await store.save({ conversation: remoteConversation(id), events: [] }, undefined));
        await database.query(
          `update ${schema}.conversations set snapshot = '{"schemaVersion": 7, "snapshot": {}}'::jsonb where key like '%/r-2'`,
        );
        const items = await collect(store.list({ pageSize: 1 }));
        expect(items.map((item) => (E.isLeft(item) ? item.left.kind : item.right.name))).toEqual([
          'projects/acme/locations/global/conversations/r-1',
          'unreadable',
          'projects/acme/locations/global/conversations/r-3',
        ]);
        const options: unknown[] = [{ lifecycleState: 'DONE' }, { pageSize: 0 }, { pageSize: 1.5 }];
        for (const bad of options) {
          const [only, ...rest] = await collect(store.list(bad as never));
          expect(rest).toEqual([]);
          expect(only !== undefined && E.isLeft(only) && only.left.kind).toBe('invalid');
        }
        expect(await collect(store.list({ lifecycleState: 'DONE' } as never))).toEqual([
          E.left({ kind: 'invalid', message: 'options.lifecycleState: expected IN_PROGRESS or COMPLETED, got "DONE"' }),
        ]);
      });

      it('ends with the error when the database stops answering', async () => {
        const database = await backend.open();
        let refusing = false;
        const flaky: Database = {
          ...database,
          query: async <R>(sql: string, params?: ReadonlyArray<unknown>) => {
            if (refusing) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
            return database.query<R>(sql, params);
          },
        };
        const store = await open(flaky, freshSchema());
        for (const id of ['d-1', 'd-2', 'd-3']) right(await store.save({ conversation: remoteConversation(id), events: [] }, undefined));
        const items: E.Either<unknown, Conversation>[] = [];
        for await (const item of store.list({ pageSize: 2 })) {
          items.push(item);
          refusing = true; // after the first page
        }
        expect(items.map((item) => (E.isLeft(item) ? item.left : item.right.name))).toEqual([
          'projects/acme/locations/global/conversations/d-1',
          'projects/acme/locations/global/conversations/d-2',
          {
            kind: 'unavailable',
            message: 'the database did not list conversations after "projects/acme/conversations/d-2": connect ECONNREFUSED 127.0.0.1:5432',
          },
        ]);
      });
    });

    describe('handling pushes', () => {
      it('concurrent, duplicated, reordered deliveries on several instances give what applying them in memory gives', async () => {
        const schema = freshSchema();
        const next = random(42);
        const serial = { n: 0 };
        const ids = Array.from({ length: 12 }, (_, i) => `c-${i}`);
        const remote = new Map(ids.map((id) => [id, remoteConversation(id)]));
        const distinct = new Map(ids.map((id) => [id, deliveriesFor(id, next, serial)]));
        const calls: string[] = [];
        // Three instances on one database; PGlite's are three stores sharing its one connection.
        // Each counts the saves its compare-and-set refused.
        let conflicts = 0;
        const counting = (database: Database): Database => ({
          ...database,
          query: async <R>(sql: string, params?: ReadonlyArray<unknown>) => {
            const result = await database.query<R>(sql, params);
            if (sql.includes('as saved from changed') && (result.rows[0] as { saved?: number } | undefined)?.saved === 0) conflicts++;
            return result;
          },
        });
        const stores = await Promise.all(
          [0, 1, 2].map(async () =>
            open(counting(await backend.open()), schema, { fetchConversation: fakeFetch(remote, calls), attempts: 20 }),
          ),
        );
        let pending: PushBody[] = duplicatedAndShuffled([...distinct.values()].flat(), next);
        const outcomes: PushOutcome[] = [];
        for (let wave = 0; pending.length > 0; wave++) {
          expect(wave).toBeLessThan(20);
          const results = await Promise.all(pending.map((body, i) => (stores[i % stores.length] as ConversationStore).handlePush(body)));
          outcomes.push(...results);
          pending = pending.filter((_, i) => !results[i]?.ack);
        }
        expect(outcomes.filter((o) => !['applied', 'duplicate', 'contended'].includes(o.kind))).toEqual([]);
        const store = stores[0] as ConversationStore;
        const events = await drain(store);
        for (const id of ids) {
          const expected = applyInMemory(remote.get(id) as Conversation, distinct.get(id) as PushBody[]);
          const stored = right(await store.load(aboutName(id)));
          expect(stored && encodeConversation(stored)).toEqual(encodeConversation(expected.conversation));
          expect(stored?.version).toBe(expected.conversation.version);
          expect(stored?.unrecoverableErrors).toEqual(expected.conversation.unrecoverableErrors);
          const mine = events.filter((e) => e.id.startsWith(`projects/acme/conversations/${id}#`));
          // Every version once, none skipped, each event once (nothing failed, so nothing twice).
          expect(mine.map((e) => e.version)).toEqual(Array.from({ length: expected.conversation.version }, (_, i) => i + 1));
          expect(mine.map((e) => e.type).sort()).toEqual(expected.types);
        }
        // Concurrent first deliveries fetch once per instance, not once per delivery.
        for (const id of ids) expect(calls.filter((n) => n.endsWith(`/${id}`)).length).toBeLessThanOrEqual(stores.length);
        expect(right(await store.pendingEvents())).toBe(0);
        // The instances did collide, and the compare-and-set sorted them out.
        expect(conflicts).toBeGreaterThan(0);
      });

      it('fetches a new conversation once for many concurrent first deliveries on one instance', async () => {
        const remote = new Map([['once', remoteConversation('once')]]);
        const calls: string[] = [];
        const store = await open(await backend.open(), freshSchema(), { fetchConversation: fakeFetch(remote, calls) });
        const bodies = Array.from({ length: 30 }, (_, i) =>
          pushBody(`once-${i}`, publishTime(i), { conversation: aboutName('once'), type: 'NEW_MESSAGE' }, i % 2 ? 'JSON' : 'PROTO'),
        );
        const results = await Promise.all(bodies.map((b) => store.handlePush(b)));
        expect(calls).toEqual([aboutName('once')]);
        expect(results.map((r) => r.kind).sort()).toEqual(['applied', ...Array(29).fill('duplicate')]);
        expect(results.find((r) => r.kind === 'applied')?.reason).toBe(
          `message ${results.find((r) => r.kind === 'applied')?.messageId}: applied: projects/acme/conversations/once first seen: fetched at version 0`,
        );
      });

      it('answers every row of the acknowledgement table, with a reason', async () => {
        const remote = new Map([['ok', remoteConversation('ok')]]);
        let dialogflowDown = true;
        const fetch: FetchConversation = async (n) =>
          dialogflowDown ? E.left({ transient: true, message: `GetConversation ${n}: 14 UNAVAILABLE: down` }) : fakeFetch(remote)(n);
        const store = await open(await backend.open(), freshSchema(), { fetchConversation: fetch });
        const finished = pushBody('f-1', publishTime(30), { conversation: aboutName('ok'), type: 'CONVERSATION_FINISHED' }, 'PROTO');
        const summary = (o: PushOutcome) => [o.ack, o.status, o.kind, o.reason];

        expect(summary(await store.handlePush(finished))).toEqual([
          false,
          503,
          'unavailable',
          'message f-1: unavailable: GetConversation projects/acme/conversations/ok: 14 UNAVAILABLE: down',
        ]);
        dialogflowDown = false;
        await new Promise((resolve) => setTimeout(resolve, 1100)); // past the moment a failed fetch is remembered
        expect(summary(await store.handlePush(finished)).slice(0, 3)).toEqual([true, 204, 'applied']);
        expect((await store.handlePush(finished)).reason).toBe(
          'message f-1: duplicate: projects/acme/conversations/ok is at version 1; CONVERSATION_FINISHED brings nothing new',
        );
        expect(summary(await store.handlePush({ message: { data: 'not base64!' } }))).toEqual([
          true,
          204,
          'undecodable',
          expect.stringContaining('undecodable: message.data: expected the message data in base64'),
        ]);
        expect(summary(await store.handlePush('{'))).toEqual([
          true,
          204,
          'undecodable',
          expect.stringContaining('undecodable: the body is not JSON'),
        ]);
        // A purged conversation: acknowledged, every time it comes, never redelivered forever.
        const purged = pushBody('p-1', publishTime(1), { conversation: aboutName('purged'), type: 'HUMAN_INTERVENTION_NEEDED' }, 'JSON');
        for (let i = 0; i < 2; i++) {
          expect(summary(await store.handlePush(purged))).toEqual([
            true,
            204,
            'gone',
            'message p-1: gone: Dialogflow has no conversation projects/acme/conversations/purged (NOT_FOUND: purged, or never created): it can never apply',
          ]);
        }
        const refusing = await open(await backend.open(), freshSchema(), {
          fetchConversation: async (n) => E.left({ transient: false, message: `GetConversation ${n}: 7 PERMISSION_DENIED: no` }),
        });
        expect(summary(await refusing.handlePush(finished))).toEqual([
          true,
          204,
          'refused',
          'message f-1: refused: GetConversation projects/acme/conversations/ok: 7 PERMISSION_DENIED: no',
        ]);
        const blind = await open(await backend.open(), freshSchema());
        expect(summary(await blind.handlePush(finished))).toEqual([
          true,
          204,
          'unknown',
          'message f-1: unknown: projects/acme/conversations/ok is not in the store, and the store has no GetConversation to fetch it',
        ]);
      });

      it('redelivers what it cannot read back: a damaged snapshot', async () => {
        const schema = freshSchema();
        const database = await backend.open();
        const store = await open(database, schema);
        right(await store.save({ conversation: remoteConversation('damaged'), events: [] }, undefined));
        await database.query(`update ${schema}.conversations set snapshot = '{"schemaVersion": 7, "snapshot": {}}'::jsonb`);
        const outcome = await store.handlePush(
          pushBody('d-1', publishTime(2), { conversation: aboutName('damaged'), type: 'CONVERSATION_FINISHED' }, 'JSON'),
        );
        expect([outcome.ack, outcome.status, outcome.kind]).toEqual([false, 503, 'unreadable']);
        expect(outcome.reason).toContain('the stored snapshot of projects/acme/conversations/damaged cannot be read: schemaVersion:');
      });

      it('retries a conflict, and has Pub/Sub redeliver when other writers always win', async () => {
        const schema = freshSchema();
        const database = await backend.open();
        const seed = await open(database, schema);
        right(await seed.save({ conversation: remoteConversation('busy'), events: [] }, undefined));
        // Another instance saves a change of its own between every load and save of this one.
        let rival = 0;
        const contended: Database = {
          ...database,
          query: async <R>(sql: string, params?: ReadonlyArray<unknown>) => {
            if (sql.includes('with changed as (\n      update')) {
              rival++;
              const error = {
                conversation: aboutName('busy'),
                type: 'UNRECOVERABLE_ERROR',
                errorStatus: { code: 14, message: `r${rival}` },
              };
              expect((await seed.handlePush(pushBody(`r-${rival}`, publishTime(rival), error, 'JSON'))).kind).toBe('applied');
            }
            return database.query<R>(sql, params);
          },
        };
        const store = await open(contended, schema, { attempts: 3 });
        const outcome = await store.handlePush(
          pushBody('b-1', publishTime(3), { conversation: aboutName('busy'), type: 'HUMAN_INTERVENTION_NEEDED' }, 'JSON'),
        );
        expect([outcome.ack, outcome.status, outcome.kind, outcome.reason]).toEqual([
          false,
          503,
          'contended',
          'message b-1: contended: projects/acme/conversations/busy kept changing under 3 attempts in a row',
        ]);
        expect(rival).toBe(3);
      });

      it('takes pulled messages the same way', async () => {
        const remote = new Map([['pulled', remoteConversation('pulled')]]);
        const store = await open(await backend.open(), freshSchema(), { fetchConversation: fakeFetch(remote) });
        const message = pulledMessage(
          'q-1',
          publishTime(4),
          { conversation: aboutName('pulled'), type: 'HUMAN_INTERVENTION_NEEDED' },
          'PROTO',
        );
        expect((await store.handlePulledMessage(message)).kind).toBe('applied');
        expect((await store.handlePulledMessage(message)).kind).toBe('duplicate');
        expect((await store.handlePulledMessage({ ...message, data: Buffer.from('{') })).kind).toBe('undecodable');
        expect(right(await store.load(aboutName('pulled')))?.conversationStage).toBe('HUMAN_ASSIST_STAGE');
      });

      it('redelivers while the database refuses: nothing is lost', async () => {
        const remote = new Map([['down', remoteConversation('down')]]);
        const database = await backend.open();
        let refusing = false;
        const flaky: Database = {
          ...database,
          query: async <R>(sql: string, params?: ReadonlyArray<unknown>) => {
            if (refusing) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
            return database.query<R>(sql, params);
          },
        };
        const store = await open(flaky, freshSchema(), { fetchConversation: fakeFetch(remote) });
        const body = pushBody('x-1', publishTime(5), { conversation: aboutName('down'), type: 'CONVERSATION_FINISHED' }, 'JSON');
        refusing = true;
        const outcome = await store.handlePush(body);
        expect([outcome.ack, outcome.status, outcome.kind]).toEqual([false, 503, 'unavailable']);
        expect(outcome.reason).toBe(
          'message x-1: unavailable: the database did not load projects/acme/conversations/down: connect ECONNREFUSED 127.0.0.1:5432',
        );
        expect(E.isLeft(await store.ping())).toBe(true);
        refusing = false;
        expect((await store.handlePush(body)).kind).toBe('applied');
      });
    });

    describe('the outbox', () => {
      const setUp = async (id: string, instances = 1) => {
        const schema = freshSchema();
        const remote = new Map([[id, remoteConversation(id)]]);
        const stores = await Promise.all(
          Array.from({ length: instances }, async () => open(await backend.open(), schema, { fetchConversation: fakeFetch(remote) })),
        );
        const apply = async (n: number, type: string, extra: Record<string, unknown> = {}) =>
          (stores[0] as ConversationStore).handlePush(
            pushBody(`${id}-${n}`, publishTime(n), { conversation: aboutName(id), type, ...extra }, 'JSON'),
          );
        return { stores, apply, store: stores[0] as ConversationStore };
      };

      it('keeps an event whose publishing failed after the save, and publishes it later', async () => {
        const { store, apply } = await setUp('pub');
        expect((await apply(1, 'HUMAN_INTERVENTION_NEEDED')).events?.map((e) => e.id)).toEqual(['projects/acme/conversations/pub#1']);
        let calls = 0;
        const failing = right(
          await store.relayOnce(async () => {
            calls++;
            throw new Error('the bus is down');
          }),
        );
        expect(failing).toEqual({ published: 0, failed: 1, error: 'the bus is down' });
        expect(right(await store.pendingEvents())).toBe(1);
        // Retried only after its backoff (500 ms at first).
        expect(right(await store.relayOnce(async () => void calls++))).toEqual({ published: 0, failed: 0 });
        expect(calls).toBe(1);
        await new Promise((resolve) => setTimeout(resolve, 600));
        const published: OutboxEvent[] = [];
        expect(right(await store.relayOnce(async (events) => void published.push(...events)))).toEqual({ published: 1, failed: 0 });
        expect(published.map((e) => [e.id, e.version, e.type])).toEqual([
          ['projects/acme/conversations/pub#1', 1, 'ConversationHandedOff'],
        ]);
        expect(right(await store.pendingEvents())).toBe(0);
      });

      it('publishes in version order per conversation, from several relays at once, each event once', async () => {
        const { stores, apply, store } = await setUp('order', 3);
        await apply(1, 'HUMAN_INTERVENTION_NEEDED');
        for (let n = 2; n < 30; n++) await apply(n, 'UNRECOVERABLE_ERROR', { errorStatus: { code: 14, message: `e${n}` } });
        await apply(40, 'CONVERSATION_FINISHED');
        const published: OutboxEvent[] = [];
        const relays = stores.map(async (s) => {
          for (let i = 0; i < 50; i++) {
            right(
              await s.relayOnce(
                async (events) => {
                  published.push(...events);
                  await new Promise((resolve) => setTimeout(resolve, 10));
                },
                { batchSize: 1 },
              ),
            );
          }
        });
        // Events keep coming while the relays run.
        for (let n = 41; n < 50; n++) await apply(n, 'UNRECOVERABLE_ERROR', { errorStatus: { code: 13, message: `late ${n}` } });
        await Promise.all(relays);
        published.push(...(await drain(store)));
        expect(published.map((e) => e.version)).toEqual(Array.from({ length: 39 }, (_, i) => i + 1));
        expect(new Set(published.map((e) => e.id)).size).toBe(39);
        expect(published[0]?.id).toBe(eventId('projects/acme/conversations/order', 1));
      });

      it('a relay that dies with a batch loses nothing: another takes it once its lease runs out', async () => {
        const { store: survivor, apply } = await setUp('lease');
        await apply(1, 'HUMAN_INTERVENTION_NEEDED');
        // The dying instance claims a batch, then its database connection is gone: it renews nothing, marks nothing.
        const database = await backend.open();
        let dead = false;
        const dying = await open(
          {
            ...database,
            query: async <R>(sql: string, params?: ReadonlyArray<unknown>) => {
              if (dead) throw new Error('the process is gone');
              return database.query<R>(sql, params);
            },
          },
          survivor.schema,
        );
        let claimed: ReadonlyArray<OutboxEvent> = [];
        const gone = dying.relayOnce(
          async (events) => {
            claimed = events;
            dead = true;
            await new Promise((resolve) => setTimeout(resolve, 1000));
          },
          { leaseMs: 300 },
        );
        while (claimed.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        // While the lease holds, nobody else publishes the batch.
        expect(right(await survivor.relayOnce(async () => undefined))).toEqual({ published: 0, failed: 0 });
        await new Promise((resolve) => setTimeout(resolve, 400));
        const published: OutboxEvent[] = [];
        expect(right(await survivor.relayOnce(async (events) => void published.push(...events)))).toEqual({ published: 1, failed: 0 });
        expect(published).toEqual(claimed);
        expect(E.isLeft(await gone)).toBe(true); // it could not mark them sent
        expect(right(await survivor.pendingEvents())).toBe(0);
      });

      it('writes the events in the same transaction as the change: a failed save queues nothing', async () => {
        const { store, apply } = await setUp('atomic');
        await apply(1, 'HUMAN_INTERVENTION_NEEDED');
        const schema = store.schema;
        await store.database.query(`alter table ${schema}.outbox add constraint no_errors check (type <> 'ConversationErrorRecorded')`);
        const failed = await apply(2, 'UNRECOVERABLE_ERROR', { errorStatus: { code: 14, message: 'x' } });
        expect([failed.ack, failed.kind]).toEqual([false, 'unavailable']);
        expect(right(await store.load(aboutName('atomic')))?.version).toBe(1);
        expect(right(await store.pendingEvents())).toBe(1);
      });
    });

    describe('a stored conversation comes back whole', () => {
      it('with its recorded errors, its kept fields and its version', async () => {
        const schema = freshSchema();
        const remote = remoteConversation('whole', {
          phoneNumber: { countryCode: 1, phoneNumber: '+16502530000' },
          telephonyConnectionInfo: { dialedNumber: '+16502530000' },
        });
        const store = await open(await backend.open(), schema, { fetchConversation: fakeFetch(new Map([['whole', remote]])) });
        await store.handlePush(
          pushBody(
            'w-1',
            publishTime(6),
            { conversation: aboutName('whole'), type: 'UNRECOVERABLE_ERROR', errorStatus: { code: 14, message: 'SIP 503' } },
            'PROTO',
          ),
        );
        const stored = right(await store.load(remote.name as ConversationName)) as Conversation;
        expect(encodeConversation(stored)).toEqual(encodeConversation(remote));
        expect(stored.unrecoverableErrors?.map((e) => [e.messageId, e.errorStatus])).toEqual([['w-1', { code: 14, message: 'SIP 503' }]]);
        expect(stored.version).toBe(1);
        const tx: Queryable = store.database;
        const { rows } = await tx.query<{ lifecycle_state: string; name: string }>(
          `select lifecycle_state, name from ${schema}.conversations`,
        );
        expect(rows).toEqual([{ lifecycle_state: 'IN_PROGRESS', name: remote.name }]);
      });
    });
  });
}

describe('the pg adapter', () => {
  /** A pool that records what it is asked to run. */
  const recording = () => {
    const calls: unknown[][] = [];
    const pool = {
      query: async (...args: unknown[]) => {
        calls.push(args);
        return { rows: [], rowCount: 0 };
      },
      connect: async () => ({ query: pool.query, release: () => undefined }),
      end: async () => undefined,
    };
    return { pool, calls };
  };

  it('prepares a statement given a name, under that name, and runs one without as it is', async () => {
    const { pool, calls } = recording();
    const database = pgDatabase(pool);
    await database.query('select $1::int', [1], { name: 'one' });
    await database.query('select $1::int', [2]);
    await database.transaction((tx) => tx.query('select $1::int', [3], { name: 'one' }));
    expect(calls).toEqual([
      [{ name: 'one', text: 'select $1::int', values: [1] }, undefined],
      ['select $1::int', [2]],
      ['begin'],
      [{ name: 'one', text: 'select $1::int', values: [3] }, undefined],
      ['commit'],
    ]);
  });

  it('runs every statement as it is with preparedStatements: false', async () => {
    const { pool, calls } = recording();
    await pgDatabase(pool, { preparedStatements: false }).query('select $1::int', [1], { name: 'one' });
    expect(calls).toEqual([['select $1::int', [1]]]);
  });
});
