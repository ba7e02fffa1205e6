import { createHash, randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import {
  applyNotification,
  type Conversation,
  type ConversationChange,
  type ConversationKey,
  type ConversationName,
  conversationKey,
  type DecodeError,
  decodePulledMessage,
  decodePushDelivery,
  fromPersistedSnapshot,
  type JsonValue,
  type LifecycleState,
  type Notification,
  observe as observeRemote,
  type PulledMessage,
  stringifyPersistedSnapshot,
} from './core.js';
import { type Database, type OpenDatabaseOptions, openDatabase } from './database.js';
import { causeText, describe, type StoreError, storeError } from './errors.js';
import type { FetchConversation, FetchError, FetchResult } from './fetch.js';
import { type OutboxEvent, outcome, type PushOutcome } from './outcome.js';
import { checkSchemaName, DEFAULT_SCHEMA, migrate } from './schema.js';

/** Options of {@link openStore}. */
export interface StoreOptions {
  /**
   * The database: a {@link Database} you opened, or where to open one (see `openDatabase`):
   * nothing for an in-memory PGlite, a `postgres://` URL, or a PGlite directory.
   */
  readonly database?: Database | string | undefined;
  /** The PostgreSQL schema that holds the tables (default `dialogflow_conversation`). */
  readonly schema?: string | undefined;
  /**
   * GetConversation, for a notification about a conversation the store does not have yet. Without
   * it, such a notification is acknowledged as `unknown`: the store then keeps only the
   * conversations you save yourself.
   */
  readonly fetchConversation?: FetchConversation | undefined;
  /** How many times a delivery loads, applies and saves when other instances keep saving first (default 8). */
  readonly attempts?: number | undefined;
  /** Options for the database this opens (not for one you pass). */
  readonly databaseOptions?: OpenDatabaseOptions | undefined;
}

/** Options of {@link ConversationStore.list}. */
export interface ListOptions {
  /** Only the conversations in this lifecycle state (default: all). */
  readonly lifecycleState?: LifecycleState | undefined;
  /** How many rows one query reads (default 500). */
  readonly pageSize?: number | undefined;
}

/** What {@link ConversationStore.save} did: saved, with the events it queued, or not, because the version moved. */
export type SaveResult = { readonly saved: true; readonly events: ReadonlyArray<OutboxEvent> } | { readonly saved: false };

/** Options of {@link ConversationStore.relayOnce}. */
export interface RelayOptions {
  /** At most this many conversations per batch (default 100); all of a conversation's pending events go together. */
  readonly batchSize?: number | undefined;
  /**
   * How long a claimed batch is this relay's alone (default 10 s). It is renewed while the publisher
   * runs; if the process dies, another relay takes the batch once it runs out.
   */
  readonly leaseMs?: number | undefined;
  /** The first wait after a failed publish (default 500 ms); it doubles with every failure of the same events. */
  readonly backoffMs?: number | undefined;
  /** The longest wait between two attempts (default 60 s). */
  readonly maxBackoffMs?: number | undefined;
}

/** What one relay round did. */
export interface RelayReport {
  /** Events published and marked sent. */
  readonly published: number;
  /** Events whose publishing failed this time (they are retried after a backoff). */
  readonly failed: number;
  /** Why the publisher failed, when it did. */
  readonly error?: string | undefined;
}

/**
 * Publishes a batch of events, in version order per conversation: resolves once they are safely
 * published, rejects (or throws) otherwise; the relay retries them later, so a consumer can see
 * an event more than once (dedupe on its `id`).
 */
export type PublishEvents = (events: ReadonlyArray<OutboxEvent>) => Promise<void>;

/**
 * Conversations kept in PostgreSQL as versioned machine snapshots, with a transactional outbox of
 * their domain events. Open one with {@link openStore}. Its methods never throw and never reject.
 */
export interface ConversationStore {
  readonly database: Database;
  readonly schema: string;
  /** The conversation stored under any spelling of `name` (`undefined`: none). */
  load(name: string): Promise<E.Either<StoreError, Conversation | undefined>>;
  /**
   * Saves a change with a compare-and-set: only if the stored version is still `expected`
   * (`undefined`: only if nothing is stored yet), and its events into the outbox, numbered by the
   * versions they made, in the same transaction. `{ saved: false }` when the version moved: load
   * again, decide again.
   */
  save(change: ConversationChange, expected: number | undefined): Promise<E.Either<StoreError, SaveResult>>;
  /**
   * Brings the stored conversation up to a fetched resource (`observe`), or stores it when there
   * is none; retries when another instance saves first.
   */
  observe(remote: Conversation): Promise<E.Either<StoreError, ConversationChange>>;
  /**
   * Every stored conversation (or those in one lifecycle state), in key order, read a page at a
   * time: what a backend sweeps (`IN_PROGRESS`, for Dialogflow's 24-hour auto-completion) or checks
   * for the purge (`COMPLETED`). A row that cannot be read, or a database that stops answering, is
   * a `Left` in its place; the listing goes on after an unreadable row and ends after a database error.
   */
  list(options?: ListOptions): AsyncIterable<E.Either<StoreError, Conversation>>;
  /** A Pub/Sub push body (parsed JSON, or its text or bytes): decode, load or fetch, apply, save. */
  handlePush(body: unknown): Promise<PushOutcome>;
  /** A message a pull subscriber received (`@google-cloud/pubsub`'s `Message`): the same as a push. */
  handlePulledMessage(message: PulledMessage): Promise<PushOutcome>;
  /** A decoded notification: load or fetch, apply, save. */
  handleNotification(notification: Notification): Promise<PushOutcome>;
  /** Claims a batch of pending events, publishes them, and marks them sent only once `publish` resolved. */
  relayOnce(publish: PublishEvents, options?: RelayOptions): Promise<E.Either<StoreError, RelayReport>>;
  /** How many events wait in the outbox. */
  pendingEvents(): Promise<E.Either<StoreError, number>>;
  /** Whether the database answers. */
  ping(): Promise<E.Either<StoreError, true>>;
  /** Closes the database if the store opened it. */
  close(): Promise<void>;
}

interface Row {
  readonly conversation: Conversation;
  readonly version: number;
}

interface ClaimedRow {
  readonly id: string;
  readonly key: string;
  readonly conversation: string;
  readonly version: number;
  readonly type: string;
  readonly data: JsonValue;
}

const DEFAULT_ATTEMPTS = 8;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const oneLine = (text: string): string => text.split('\n').join('; ');

/** A bad option's value in a message: a string or number as it is, anything else by its type. */
const shown = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' ? String(value) : `a value of type ${typeof value}`;

/**
 * The name a statement is prepared under (see `QueryOptions.name`): from its text, so that stores
 * on different schemas sharing one pool never give one name two texts.
 */
const statementName = (sql: string): string => `dfc_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;

/** The outbox id of an event: one per conversation and version, the same on every redelivery. */
export const eventId = (key: ConversationKey | string, version: number): string => `${textOf(key)}#${textOf(version)}`;

/** A key or a version as text, whatever it is (`eventId` never throws). */
const textOf = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : describe(value);

/**
 * Runs the work of one key after the work already queued for it: deliveries of one conversation
 * run one after another inside an instance, so they never conflict with each other (only with
 * other instances), and a first GetConversation happens once per instance, not once per delivery.
 */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  /** `work` must not throw (only reject): with nothing queued for `key`, it starts at once. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const next = previous === undefined ? work() : previous.then(work, work);
    // The tail settles when `next` does, never rejects, and forgets the key if nothing came after.
    const settled = (): void => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    const tail: Promise<void> = next.then(settled, settled);
    this.tails.set(key, tail);
    return next;
  }
}

/** How long a failed or NOT_FOUND GetConversation answers for the deliveries queued behind it. */
const FETCH_MEMO_MS = 1000;

/**
 * Opens a store: the database (loading its driver), then the schema's migrations (once, under an
 * advisory lock). Never throws.
 *
 * @example
 * ```ts
 * const store = await openStore({ database: process.env.DATABASE_URL, fetchConversation });
 * if (isLeft(store)) throw new Error(store.left.message);
 * const outcome = await store.right.handlePush(body); // { ack, status, kind, reason, ... }
 * ```
 */
export const openStore = async (options: StoreOptions = {}): Promise<E.Either<StoreError, ConversationStore>> => {
  if (options !== undefined && options !== null && typeof options !== 'object') {
    return E.left(storeError('invalid', `expected the store's options (database, schema, fetchConversation), got ${describe(options)}`));
  }
  try {
    return await openStoreWith(options ?? {});
  } catch (cause) {
    // Only options that cannot be read get here (a getter or a proxy that throws).
    return E.left(storeError('invalid', `could not read the store's options: ${causeText(cause)}`));
  }
};

const openStoreWith = async (options: StoreOptions): Promise<E.Either<StoreError, ConversationStore>> => {
  const schemaName = checkSchemaName(options.schema ?? DEFAULT_SCHEMA);
  if (E.isLeft(schemaName)) return schemaName;
  const schema = schemaName.right;
  const owned = typeof options.database !== 'object';
  let database: Database;
  if (typeof options.database === 'object') database = options.database;
  else {
    const opened = await openDatabase(options.database, options.databaseOptions);
    if (E.isLeft(opened)) return opened;
    database = opened.right;
  }
  const migrated = await migrate(database, schema);
  if (E.isLeft(migrated)) {
    if (owned) await database.close().catch(() => undefined);
    return migrated;
  }
  return E.right(makeStore(database, schema, owned, options));
};

const makeStore = (database: Database, schema: string, owned: boolean, options: StoreOptions): ConversationStore => {
  const attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
  const fetchConversation = options.fetchConversation;
  const queue = new KeyedQueue();
  const fetches = new Map<string, Promise<E.Either<FetchError, FetchResult>>>();

  const t = (table: string): string => `${schema}.${table}`;
  const LOAD = `select version, snapshot from ${t('conversations')} where key = $1`;
  const LIST = `select key, version, snapshot from ${t('conversations')}
    where key > $1 and ($2::text is null or lifecycle_state = $2::text)
    order by key limit $3`;
  const QUEUE_EVENTS = (events: string) =>
    `queued as (
      insert into ${t('outbox')} (key, conversation, version, type, data)
      select changed.key, $3, e.version, e.type, e.data
      from changed, jsonb_to_recordset(${events}::jsonb) as e(version integer, type text, data jsonb)
    )`;
  // One statement each, so the change and its events are one transaction without a round trip for BEGIN and COMMIT.
  const UPDATE = `with changed as (
      update ${t('conversations')}
      set version = $2, name = $3, lifecycle_state = $4, conversation_stage = $5, snapshot = $6::jsonb, updated_at = now()
      where key = $1 and version = $7
      returning key
    ), ${QUEUE_EVENTS('$8')}
    select count(*)::int as saved from changed`;
  const INSERT = `with changed as (
      insert into ${t('conversations')} (key, version, name, lifecycle_state, conversation_stage, snapshot)
      values ($1, $2, $3, $4, $5, $6::jsonb)
      on conflict (key) do nothing
      returning key
    ), ${QUEUE_EVENTS('$7')}
    select count(*)::int as saved from changed`;
  // The statements of every delivery, prepared once per connection: the server then only binds and
  // executes them (parsing and planning these three cost it more than running them).
  const LOAD_AS = { name: statementName(LOAD) };
  const UPDATE_AS = { name: statementName(UPDATE) };
  const INSERT_AS = { name: statementName(INSERT) };
  // The head of a conversation's pending events is its lowest version; only a relay that holds the
  // head (a row lock while claiming, then a lease) takes any of that conversation's events, so they
  // go out in version order even with many relays. SKIP LOCKED: relays never wait for each other.
  const CLAIM = `with heads as (
      select o.key from ${t('outbox')} o
      where o.version = (select min(i.version) from ${t('outbox')} i where i.key = o.key)
        and (o.lease_until is null or o.lease_until < now())
        and o.available_at <= now()
      order by o.id
      limit $1
      for update of o skip locked
    )
    update ${t('outbox')} o set lease_token = $2, lease_until = now() + $3 * interval '1 millisecond'
    from heads where o.key = heads.key
    returning o.id::text as id, o.key, o.conversation, o.version, o.type, o.data`;
  const RENEW = `update ${t('outbox')} set lease_until = now() + $2 * interval '1 millisecond' where lease_token = $1`;
  const SENT = `delete from ${t('outbox')} where lease_token = $1`;
  const FAILED = `update ${t('outbox')}
    set lease_token = null, lease_until = null, attempts = attempts + 1, last_error = $2,
        available_at = now() + least($4::float8, $3::float8 * power(2::float8, least(attempts, 30))) * interval '1 millisecond'
    where lease_token = $1`;

  /** A row as the store reads it back: its snapshot restored, and agreeing with its version. */
  const readRow = (key: string, row: { version: number; snapshot: unknown }): E.Either<StoreError, Row> => {
    const restored = fromPersistedSnapshot(row.snapshot);
    if (E.isLeft(restored)) {
      return E.left(storeError('unreadable', `the stored snapshot of ${key} cannot be read: ${oneLine(restored.left.message)}`));
    }
    if (restored.right.version !== row.version) {
      return E.left(
        storeError('unreadable', `the stored snapshot of ${key} is at version ${restored.right.version}, its row at ${row.version}`),
      );
    }
    return E.right({ conversation: restored.right, version: row.version });
  };

  const loadRow = async (key: string): Promise<E.Either<StoreError, Row | undefined>> => {
    let rows: ReadonlyArray<{ version: number; snapshot: unknown }>;
    try {
      ({ rows } = await database.query<{ version: number; snapshot: unknown }>(LOAD, [key], LOAD_AS));
    } catch (cause) {
      return E.left(storeError('unavailable', `the database did not load ${key}: ${causeText(cause)}`));
    }
    const row = rows[0];
    return row === undefined ? E.right(undefined) : readRow(key, row);
  };

  async function* list(options?: ListOptions): AsyncGenerator<E.Either<StoreError, Conversation>> {
    const state = options?.lifecycleState;
    if (state !== undefined && state !== 'IN_PROGRESS' && state !== 'COMPLETED') {
      yield E.left(storeError('invalid', `options.lifecycleState: expected IN_PROGRESS or COMPLETED, got ${shown(state)}`));
      return;
    }
    const size = options?.pageSize;
    if (size !== undefined && !(Number.isSafeInteger(size) && size > 0)) {
      yield E.left(storeError('invalid', `options.pageSize: expected a positive integer, got ${shown(size)}`));
      return;
    }
    // Keyset pages: each query starts after the last key read, so rows saved meanwhile neither repeat nor shift a page.
    let after = '';
    for (;;) {
      let rows: ReadonlyArray<{ key: string; version: number; snapshot: unknown }>;
      try {
        ({ rows } = await database.query<{ key: string; version: number; snapshot: unknown }>(LIST, [after, state ?? null, size ?? 500]));
      } catch (cause) {
        yield E.left(
          storeError('unavailable', `the database did not list conversations after ${JSON.stringify(after)}: ${causeText(cause)}`),
        );
        return;
      }
      for (const row of rows) {
        const read = readRow(row.key, row);
        yield E.isLeft(read) ? read : E.right(read.right.conversation);
      }
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < (size ?? 500)) return;
      after = last.key;
    }
  }

  const save = async (change: ConversationChange, expected: number | undefined): Promise<E.Either<StoreError, SaveResult>> => {
    const { conversation, events } = change;
    const name = conversation.name;
    if (name === undefined) {
      return E.left(storeError('invalid', 'a conversation without a name cannot be stored: Dialogflow has not named it yet'));
    }
    const key = conversationKey(name);
    if (key === undefined) return E.left(storeError('invalid', `not a conversation name: ${JSON.stringify(name)}`));
    const first = conversation.version - events.length;
    if (first < 0 || (expected !== undefined && first !== expected)) {
      return E.left(
        storeError(
          'invalid',
          `${name}: ${events.length} event(s) cannot lead ${expected === undefined ? '' : `from version ${expected} `}to version ${conversation.version}`,
        ),
      );
    }
    // One JSON text of the events for the statement; the events given back are read from it, so
    // that they are exactly what the relay will publish (no undefined fields).
    const outbox = JSON.stringify(events.map((event, i) => ({ version: first + i + 1, type: event.type, data: event.data })));
    const params = [
      key,
      conversation.version,
      name,
      conversation.lifecycleState,
      conversation.conversationStage,
      stringifyPersistedSnapshot(conversation),
    ];
    try {
      const { rows } =
        expected === undefined
          ? await database.query<{ saved: number }>(INSERT, [...params, outbox], INSERT_AS)
          : await database.query<{ saved: number }>(UPDATE, [...params, expected, outbox], UPDATE_AS);
      if (rows[0]?.saved !== 1) return E.right({ saved: false });
      const written = JSON.parse(outbox) as ReadonlyArray<{ version: number; type: OutboxEvent['type']; data: JsonValue }>;
      return E.right({ saved: true, events: written.map((e) => ({ id: eventId(key, e.version), conversation: name, ...e })) });
    } catch (cause) {
      return E.left(storeError('unavailable', `the database did not save ${key}: ${causeText(cause)}`));
    }
  };

  /** Waits a little before another attempt, longer each time, at random so that instances do not collide again. */
  const backoff = (attempt: number): Promise<void> => sleep(Math.random() * Math.min(100, 2 ** attempt));

  /** GetConversation, shared by the deliveries of one key that wait for it; a failure is kept a moment for those queued behind. */
  const fetchOnce = (key: string, name: ConversationName, fetch: FetchConversation): Promise<E.Either<FetchError, FetchResult>> => {
    const pending = fetches.get(key);
    if (pending !== undefined) return pending;
    const promise = fetch(name).then(
      (result) => result,
      (cause: unknown) => E.left({ transient: true, message: `GetConversation ${name} failed: ${causeText(cause)}` }),
    );
    fetches.set(key, promise);
    void promise.then((result) => {
      const forget = () => {
        if (fetches.get(key) === promise) fetches.delete(key);
      };
      if (E.isRight(result) && result.right.found) forget();
      else setTimeout(forget, FETCH_MEMO_MS).unref();
    });
    return promise;
  };

  /** What a notification is, for the log: its type, or its suggestions. */
  const whatIs = (n: Notification): string =>
    n.kind === 'HumanAgentAssistantEvent' ? 'HumanAgentAssistantEvent (suggestions)' : String(n.type);

  const handle = async (notification: Notification, key: string): Promise<PushOutcome> => {
    const name = notification.conversation;
    const about = { messageId: notification.delivery?.messageId, conversation: name };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const loaded = await loadRow(key);
      if (E.isLeft(loaded)) return outcome(loaded.left.kind === 'unreadable' ? 'unreadable' : 'unavailable', loaded.left.message, about);
      const stored = loaded.right;
      let current: Conversation;
      if (stored !== undefined) current = stored.conversation;
      else {
        if (fetchConversation === undefined) {
          return outcome('unknown', `${name} is not in the store, and the store has no GetConversation to fetch it`, about);
        }
        const fetched = await fetchOnce(key, name, fetchConversation);
        if (E.isLeft(fetched)) return outcome(fetched.left.transient ? 'unavailable' : 'refused', fetched.left.message, about);
        if (!fetched.right.found) {
          return outcome('gone', `Dialogflow has no conversation ${name} (NOT_FOUND: purged, or never created): it can never apply`, about);
        }
        current = fetched.right.conversation;
        if (current.name === undefined || conversationKey(current.name) !== key) {
          return outcome('refused', `GetConversation ${name} gave another conversation (${current.name ?? 'no name'})`, about);
        }
      }
      const applied = applyNotification(current, notification);
      if (E.isLeft(applied)) return outcome('refused', `${whatIs(notification)} on ${name}: ${applied.left.message}`, about);
      const { conversation, events } = applied.right;
      if (stored !== undefined && events.length === 0) {
        return outcome('duplicate', `${name} is at version ${stored.version}; ${whatIs(notification)} brings nothing new`, {
          ...about,
          version: stored.version,
        });
      }
      const saved = await save(applied.right, stored?.version);
      if (E.isLeft(saved)) return outcome('unavailable', saved.left.message, about);
      if (saved.right.saved) {
        const change = events.length === 0 ? '' : ` ${current.version}→${conversation.version} (${events.map((e) => e.type).join(', ')})`;
        const what = stored === undefined ? `${name} first seen: fetched at version ${current.version}${change}` : `${name}${change}`;
        return outcome('applied', what, { ...about, version: conversation.version, events: saved.right.events });
      }
      // Another instance saved first: load again, apply again.
      if (attempt < attempts) await backoff(attempt);
    }
    return outcome('contended', `${name} kept changing under ${attempts} attempts in a row`, about);
  };

  /** Not expected (every step returns its errors); said so rather than lost. */
  const unexpected = (cause: unknown, about?: { messageId?: string | undefined; conversation?: ConversationName }): PushOutcome =>
    outcome('unavailable', `handling failed unexpectedly: ${causeText(cause)}`, about);

  const handleNotification = (notification: Notification): Promise<PushOutcome> => {
    const key = conversationKey(notification.conversation) ?? notification.conversation;
    return queue.run(key, () =>
      handle(notification, key).catch((cause: unknown) =>
        unexpected(cause, { messageId: notification.delivery?.messageId, conversation: notification.conversation }),
      ),
    );
  };

  /** A decoded delivery handled, or acknowledged as undecodable with the reason (and its message ID, when it has one). */
  const handleDecoded = (decoded: E.Either<DecodeError, Notification>, messageId: () => string | undefined): Promise<PushOutcome> =>
    E.isLeft(decoded)
      ? Promise.resolve(outcome('undecodable', oneLine(decoded.left.message), { messageId: messageId() }))
      : handleNotification(decoded.right);

  const parseBody = (body: unknown): unknown => {
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body;
    const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    return JSON.parse(text);
  };

  const observe = async (remote: Conversation): Promise<E.Either<StoreError, ConversationChange>> => {
    if (remote.name === undefined)
      return E.left(storeError('invalid', 'a conversation without a name cannot be stored: Dialogflow has not named it yet'));
    const key = conversationKey(remote.name) ?? remote.name;
    const work = async (): Promise<E.Either<StoreError, ConversationChange>> => {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const loaded = await loadRow(key);
        if (E.isLeft(loaded)) return loaded;
        const stored = loaded.right;
        let change: ConversationChange;
        if (stored === undefined) change = { conversation: remote, events: [] };
        else {
          const observed = observeRemote(stored.conversation, remote);
          if (E.isLeft(observed)) return E.left(storeError('invalid', `${remote.name}: ${oneLine(observed.left.message)}`));
          change = observed.right;
          if (change.events.length === 0) return E.right(change);
        }
        const saved = await save(change, stored?.version);
        if (E.isLeft(saved)) return saved;
        if (saved.right.saved) return E.right(change);
        if (attempt < attempts) await backoff(attempt);
      }
      return E.left(storeError('unavailable', `${remote.name} kept changing under ${attempts} attempts in a row`));
    };
    return queue.run(key, () =>
      work().catch((cause: unknown) =>
        E.left(storeError('unavailable', `observing ${remote.name} failed unexpectedly: ${causeText(cause)}`)),
      ),
    );
  };

  return {
    database,
    schema,
    load: async (name) => {
      const key = conversationKey(name);
      if (key === undefined) return E.left(storeError('invalid', `not a conversation name: ${JSON.stringify(name)}`));
      const row = await loadRow(key);
      return E.isLeft(row) ? row : E.right(row.right?.conversation);
    },
    save,
    observe,
    list,
    // Not async functions: the promise handed back is the keyed queue's own, without one more around it.
    handlePush: (body) => {
      try {
        let json: unknown;
        try {
          json = parseBody(body);
        } catch (cause) {
          return Promise.resolve(outcome('undecodable', `the body is not JSON: ${causeText(cause)}`));
        }
        return handleDecoded(decodePushDelivery(json), () => messageIdOf(json));
      } catch (cause) {
        return Promise.resolve(unexpected(cause));
      }
    },
    handlePulledMessage: (message) => {
      try {
        return handleDecoded(decodePulledMessage(message), () => pulledIdOf(message));
      } catch (cause) {
        return Promise.resolve(unexpected(cause));
      }
    },
    handleNotification,
    relayOnce: async (publish, relay) => {
      const leaseMs = relay?.leaseMs ?? 10_000;
      const token = randomUUID();
      let claimed: ReadonlyArray<ClaimedRow>;
      try {
        ({ rows: claimed } = await database.query<ClaimedRow>(CLAIM, [relay?.batchSize ?? 100, token, leaseMs]));
      } catch (cause) {
        return E.left(storeError('unavailable', `the database did not hand out outbox events: ${causeText(cause)}`));
      }
      if (claimed.length === 0) return E.right({ published: 0, failed: 0 });
      let events: ReadonlyArray<OutboxEvent>;
      try {
        events = orderBatch(claimed);
      } catch (cause) {
        return E.left(storeError('unavailable', `the outbox gave rows this store cannot read: ${causeText(cause)}`));
      }
      // Renewed while the publisher runs, so a slow one does not lose its batch to another relay.
      const renew = setInterval(() => void database.query(RENEW, [token, leaseMs]).catch(() => undefined), Math.max(50, leaseMs / 3));
      let failure: string | undefined;
      try {
        await publish(events);
      } catch (cause) {
        failure = causeText(cause);
      } finally {
        clearInterval(renew);
      }
      try {
        if (failure === undefined) {
          await database.query(SENT, [token]);
          return E.right({ published: events.length, failed: 0 });
        }
        await database.query(FAILED, [token, failure.slice(0, 1000), relay?.backoffMs ?? 500, relay?.maxBackoffMs ?? 60_000]);
        return E.right({ published: 0, failed: events.length, error: failure });
      } catch (cause) {
        // The lease runs out and another round publishes them again: at least once.
        return E.left(
          storeError('unavailable', `the database did not record the outcome of publishing ${events.length} event(s): ${causeText(cause)}`),
        );
      }
    },
    pendingEvents: async () => {
      try {
        const { rows } = await database.query<{ n: number }>(`select count(*)::int as n from ${t('outbox')}`);
        return E.right(rows[0]?.n ?? 0);
      } catch (cause) {
        return E.left(storeError('unavailable', `the database does not answer: ${causeText(cause)}`));
      }
    },
    ping: async () => {
      try {
        await database.query('select 1');
        return E.right(true);
      } catch (cause) {
        return E.left(storeError('unavailable', `the database does not answer: ${causeText(cause)}`));
      }
    },
    close: async () => {
      if (!owned) return;
      try {
        await database.close();
      } catch {
        // Already closed, or the server is gone: nothing left to release.
      }
    },
  };
};

/** A batch in publishing order: conversations in the order their first event was written, each in version order. */
const orderBatch = (rows: ReadonlyArray<ClaimedRow>): ReadonlyArray<OutboxEvent> => {
  const firstId = new Map<string, bigint>();
  for (const row of rows) {
    const id = BigInt(row.id);
    const seen = firstId.get(row.key);
    if (seen === undefined || id < seen) firstId.set(row.key, id);
  }
  return [...rows]
    .sort((a, b) => {
      const x = firstId.get(a.key) as bigint;
      const y = firstId.get(b.key) as bigint;
      return x === y ? a.version - b.version : x < y ? -1 : 1;
    })
    .map((row) => ({
      id: eventId(row.key, row.version),
      conversation: row.conversation as ConversationName,
      version: row.version,
      type: row.type as OutboxEvent['type'],
      data: row.data,
    }));
};

/** The message ID of a push that did not decode, when it has one, for the log. */
const messageIdOf = (json: unknown): string | undefined => {
  try {
    const message = (json as { message?: unknown } | null)?.message;
    if (typeof message !== 'object' || message === null) return undefined;
    const { messageId, message_id } = message as { messageId?: unknown; message_id?: unknown };
    const id = typeof messageId === 'string' ? messageId : message_id;
    return typeof id === 'string' ? id.slice(0, 100) : undefined;
  } catch {
    return undefined; // a hostile getter: the decode error says the rest
  }
};

const pulledIdOf = (message: unknown): string | undefined => {
  try {
    const id = (message as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id.slice(0, 100) : undefined;
  } catch {
    return undefined;
  }
};
