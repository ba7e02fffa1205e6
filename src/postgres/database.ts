import * as E from 'fp-ts/lib/Either.js';
import { causeText, describe, isMissingModule, missingPackage, quietLog, type StoreError, storeError } from './errors.js';

/** What a statement gave: its rows, and how many rows it changed (or returned). */
export interface QueryResult<R> {
  readonly rows: ReadonlyArray<R>;
  readonly rowCount: number;
}

/** How {@link Queryable.query} may run a statement. */
export interface QueryOptions {
  /**
   * A name for a statement run again and again (always with this same text): a driver that can
   * prepares it once per connection and then only binds and executes it, so the server does not
   * parse and plan it every time (`pg` does, unless `preparedStatements: false`; PGlite ignores it).
   */
  readonly name?: string | undefined;
}

/** Runs one SQL statement with `$1`-style parameters. Rejects when the database does. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: ReadonlyArray<unknown>, options?: QueryOptions): Promise<QueryResult<R>>;
}

/**
 * The store's port to PostgreSQL: statements, transactions, closing. Two adapters come with this
 * module (`pg` for a server, PGlite embedded) and both run the same SQL; another driver is a few
 * lines. Its methods reject when the database does: the store turns that into a {@link StoreError}.
 */
export interface Database extends Queryable {
  /** Which adapter: for messages and the benchmark. */
  readonly kind: string;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it rejects. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** A server's connection pool size (default 10). */
  readonly maxConnections?: number;
  /** How long to wait for a server connection before giving up (default 5000 ms), so a push fails fast when the server is down. */
  readonly connectTimeoutMs?: number;
  /** Where the `pg` pool reports a connection it lost while idle (otherwise ignored: the next statement reconnects). */
  readonly log?: (line: string) => void;
  /**
   * Whether statements with a name (the store's load and save) are prepared once per server
   * connection (default true). Turn it off behind a pooler that cannot keep them, such as PgBouncer
   * before 1.21 in transaction mode.
   */
  readonly preparedStatements?: boolean;
}

/** Options of {@link pgDatabase}. */
export interface PgDatabaseOptions {
  /** See {@link OpenDatabaseOptions.preparedStatements} (default true). */
  readonly preparedStatements?: boolean;
}

/** A statement as `pg` takes it to prepare it under a name. */
export interface PgQueryConfig {
  readonly name: string;
  readonly text: string;
  readonly values?: unknown[] | undefined;
}

/** The part of a `pg.Pool` this module uses, so that its declarations do not need `pg`'s types. */
export interface PgPoolLike {
  query(sql: string | PgQueryConfig, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  connect(): Promise<PgClientLike>;
  end(): Promise<void>;
}

/** A client checked out of a {@link PgPoolLike}. */
export interface PgClientLike {
  query(sql: string | PgQueryConfig, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  release(destroy?: boolean | Error): void;
}

/** The part of a PGlite instance this module uses. */
export interface PGliteLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>;
  transaction<T>(
    work: (tx: { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }> }) => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
}

const fromPg = <R>(result: { rows: unknown[]; rowCount: number | null }): QueryResult<R> => ({
  rows: result.rows as R[],
  rowCount: result.rowCount ?? result.rows.length,
});

const fromPglite = <R>(result: { rows: unknown[]; affectedRows?: number }): QueryResult<R> => ({
  rows: result.rows as R[],
  // PGlite counts changed rows only; a select's count is its rows.
  rowCount: result.affectedRows || result.rows.length,
});

/** What `pg` runs: the text alone, or with the name it is prepared under. */
const pgStatement = (
  prepared: boolean,
  sql: string,
  params: ReadonlyArray<unknown> | undefined,
  options: QueryOptions | undefined,
): [string | PgQueryConfig, unknown[] | undefined] => {
  const values = params ? [...params] : undefined;
  const name = options?.name;
  return prepared && name !== undefined ? [{ name, text: sql, values }, undefined] : [sql, values];
};

/**
 * A {@link Database} on a `pg` (node-postgres) pool you made. `close()` ends the pool.
 *
 * @example
 * ```ts
 * const database = pgDatabase(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 * ```
 */
export const pgDatabase = (pool: PgPoolLike, pgOptions?: PgDatabaseOptions): Database => {
  let prepared = true;
  // Options that cannot be read fail every statement, saying so (the store then answers `unavailable`), rather than throw here.
  let unusable: Error | undefined;
  try {
    prepared = pgOptions?.preparedStatements !== false;
  } catch (cause) {
    unusable = new Error(`pgDatabase: could not read the options: ${causeText(cause)}`);
  }
  return {
    kind: 'postgres',
    query: async <R>(sql: string, params?: ReadonlyArray<unknown>, options?: QueryOptions) => {
      if (unusable !== undefined) throw unusable;
      return fromPg<R>(await pool.query(...pgStatement(prepared, sql, params, options)));
    },
    transaction: async <T>(work: (tx: Queryable) => Promise<T>): Promise<T> => {
      if (unusable !== undefined) throw unusable;
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('begin');
        const result = await work({
          query: async <R>(sql: string, params?: ReadonlyArray<unknown>, options?: QueryOptions) =>
            fromPg<R>(await client.query(...pgStatement(prepared, sql, params, options))),
        });
        await client.query('commit');
        return result;
      } catch (cause) {
        try {
          await client.query('rollback');
        } catch (rollback) {
          // A connection that cannot even roll back is dropped, not handed to the next caller.
          broken = rollback instanceof Error ? rollback : new Error(String(rollback));
        }
        throw cause;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
};

/**
 * A {@link Database} on a PGlite instance you made (one connection: its transactions run one at a
 * time). `close()` closes it.
 */
export const pgliteDatabase = (db: PGliteLike): Database => ({
  kind: 'pglite',
  query: async <R>(sql: string, params?: ReadonlyArray<unknown>) => fromPglite<R>(await db.query(sql, params ? [...params] : undefined)),
  transaction: <T>(work: (tx: Queryable) => Promise<T>): Promise<T> =>
    db.transaction((tx) =>
      work({
        query: async <R>(sql: string, params?: ReadonlyArray<unknown>) =>
          fromPglite<R>(await tx.query(sql, params ? [...params] : undefined)),
      }),
    ),
  close: () => db.close(),
});

/** Whether a `--database` value is a server's URL rather than a PGlite directory. */
export const isServerUrl = (location: string): boolean =>
  typeof location === 'string' && (location.startsWith('postgres://') || location.startsWith('postgresql://'));

/** A URL without its password, to name it in messages. */
export const redactUrl = (location: string): string => {
  try {
    const url = new URL(location);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'the database URL';
  }
};

/**
 * Opens a database: nothing (or `memory:`) for an in-memory PGlite, a `postgres://` or
 * `postgresql://` URL for a server (through `pg`), anything else as a PGlite directory, which
 * survives restarts (one process at a time). The driver is loaded now, so neither is needed
 * until used. Never throws.
 *
 * @example
 * ```ts
 * const database = await openDatabase('postgres://app@db.internal/contact_center');
 * ```
 */
export const openDatabase = async (location?: string, options?: OpenDatabaseOptions): Promise<E.Either<StoreError, Database>> => {
  if (location !== undefined && typeof location !== 'string') {
    return E.left(
      storeError('invalid', `expected a postgres:// URL, a PGlite directory or nothing (in memory), got ${describe(location)}`),
    );
  }
  if (location !== undefined && isServerUrl(location)) return openServer(location, options);
  const dataDir = location === undefined || location === '' || location === 'memory:' ? undefined : location;
  let module: typeof import('@electric-sql/pglite');
  try {
    module = await import('@electric-sql/pglite');
  } catch (cause) {
    if (isMissingModule(cause)) return E.left(missingPackage('@electric-sql/pglite', 'an embedded database'));
    return E.left(storeError('unavailable', `could not load @electric-sql/pglite: ${causeText(cause)}`));
  }
  try {
    const db = await module.PGlite.create(dataDir === undefined ? {} : { dataDir });
    return E.right(pgliteDatabase(db as unknown as PGliteLike));
  } catch (cause) {
    return E.left(
      storeError('unavailable', `could not open PGlite ${dataDir === undefined ? 'in memory' : `in ${dataDir}`}: ${causeText(cause)}`),
    );
  }
};

const openServer = async (url: string, options: OpenDatabaseOptions | undefined): Promise<E.Either<StoreError, Database>> => {
  let module: typeof import('pg');
  try {
    module = await import('pg');
  } catch (cause) {
    if (isMissingModule(cause)) return E.left(missingPackage('pg', 'a PostgreSQL server'));
    return E.left(storeError('unavailable', `could not load pg: ${causeText(cause)}`));
  }
  const Pool = (module.default ?? module).Pool;
  try {
    const pool = new Pool({
      connectionString: url,
      max: options?.maxConnections ?? 10,
      connectionTimeoutMillis: options?.connectTimeoutMs ?? 5000,
      application_name: 'dialogflow-conversation',
    });
    // An idle connection the server dropped emits 'error' on the pool; unheard, it would end the process.
    const log = quietLog(options?.log);
    pool.on('error', (cause) => log(`database: an idle connection to ${redactUrl(url)} was lost: ${causeText(cause)}`));
    return E.right(pgDatabase(pool as unknown as PgPoolLike, { preparedStatements: options?.preparedStatements ?? true }));
  } catch (cause) {
    return E.left(storeError('invalid', `could not use ${redactUrl(url)}: ${causeText(cause)}`));
  }
};
