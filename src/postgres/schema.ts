import * as E from 'fp-ts/lib/Either.js';
import type { Database, Queryable } from './database.js';
import { causeText, describe, type StoreError, storeError } from './errors.js';

/** The PostgreSQL schema the store uses unless told otherwise. */
export const DEFAULT_SCHEMA = 'dialogflow_conversation';

/** A schema name used unquoted in SQL: lower case, digits and `_`, not starting with a digit, at most 63 bytes. */
const isSchemaName = (s: string): boolean => {
  if (s.length === 0 || s.length > 63) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || c === 95 || (i > 0 && c >= 48 && c <= 57))) return false;
  }
  return true;
};

/** @internal The schema name, or why it is not one. */
export const checkSchemaName = (schema: string): E.Either<StoreError, string> =>
  typeof schema === 'string' && isSchemaName(schema) && !schema.startsWith('pg_')
    ? E.right(schema)
    : E.left(
        storeError(
          'schema',
          `the schema name must be lower case letters, digits and _ (not starting with a digit or pg_, at most 63), got ${describe(schema)}`,
        ),
      );

interface Migration {
  readonly version: number;
  readonly description: string;
  readonly statements: (schema: string) => ReadonlyArray<string>;
}

/**
 * The migrations, in order. Each runs once, in the same transaction as its row in
 * `schema_migrations`; a new one is appended here, never edited once released.
 */
const MIGRATIONS: ReadonlyArray<Migration> = [
  {
    version: 1,
    description: 'conversations as versioned machine snapshots; the outbox of their domain events',
    statements: (s) => [
      `create table ${s}.conversations (
        key text primary key,
        name text not null,
        version integer not null check (version >= 0),
        lifecycle_state text not null,
        conversation_stage text not null,
        snapshot jsonb not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`,
      `create table ${s}.outbox (
        id bigint generated always as identity primary key,
        key text not null,
        conversation text not null,
        version integer not null,
        type text not null,
        data jsonb not null,
        created_at timestamptz not null default now(),
        available_at timestamptz not null default now(),
        attempts integer not null default 0,
        last_error text,
        lease_token text,
        lease_until timestamptz,
        unique (key, version)
      )`,
      `create index outbox_lease_token on ${s}.outbox (lease_token) where lease_token is not null`,
    ],
  },
];

/** The schema version this library writes and reads: the last migration's. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

// pg_advisory_xact_lock(int, int): a constant of this library, and the schema's hash, so that two
// stores on different schemas of one database do not wait for each other.
const LOCK_CLASS = 0x0df1c0;

/** What {@link migrate} did. */
export interface MigrationReport {
  /** The versions applied now (empty when the schema was up to date). */
  readonly applied: ReadonlyArray<number>;
  /** The schema version, now. */
  readonly version: number;
}

const appliedVersion = async (tx: Queryable, schema: string): Promise<number> => {
  const { rows } = await tx.query<{ version: number | null }>(`select max(version)::int as version from ${schema}.schema_migrations`);
  return rows[0]?.version ?? 0;
};

/**
 * Creates or upgrades the store's tables in `schema`, once, safely from several instances at
 * once: the whole upgrade is one transaction under an advisory lock, so the others wait and then
 * find nothing to do. Refuses (without changing anything) a database that a newer version of this
 * library migrated further than it knows. Never throws.
 *
 * @example
 * ```ts
 * await migrate(database); // right({ applied: [1], version: 1 }) the first time, right({ applied: [], version: 1 }) after
 * ```
 */
export const migrate = async (database: Database, schema: string = DEFAULT_SCHEMA): Promise<E.Either<StoreError, MigrationReport>> => {
  const name = checkSchemaName(schema);
  if (E.isLeft(name)) return name;
  try {
    return await database.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1::int, hashtext($2))', [LOCK_CLASS, schema]);
      await tx.query(`create schema if not exists ${schema}`);
      await tx.query(
        `create table if not exists ${schema}.schema_migrations (
          version integer primary key,
          description text not null,
          applied_at timestamptz not null default now()
        )`,
      );
      const current = await appliedVersion(tx, schema);
      if (current > SCHEMA_VERSION) {
        return E.left(
          storeError(
            'schema',
            `the database schema ${schema} is at version ${current}, newer than this library's ${SCHEMA_VERSION}: upgrade dialogflow-conversation`,
          ),
        );
      }
      const applied: number[] = [];
      for (const migration of MIGRATIONS) {
        if (migration.version <= current) continue;
        for (const statement of migration.statements(schema)) await tx.query(statement);
        await tx.query(`insert into ${schema}.schema_migrations (version, description) values ($1, $2)`, [
          migration.version,
          migration.description,
        ]);
        applied.push(migration.version);
      }
      return E.right({ applied, version: SCHEMA_VERSION });
    });
  } catch (cause) {
    return E.left(storeError('unavailable', `could not migrate the schema ${schema}: ${causeText(cause)}`));
  }
};
