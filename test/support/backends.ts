/**
 * The databases the store's suites run on, written once and run on each (as emmett runs one suite
 * on every event store): PGlite in memory, and a real PostgreSQL server the suite starts itself.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { type Database, openDatabase } from '../../src/postgres/index.js';
import { type PostgresServer, serverTests, startPostgres } from './postgres-server.js';

export interface Backend {
  readonly name: string;
  /** Opens a connection to the backend's database (several may share it: several instances). */
  open(): Promise<Database>;
  /** A `--database` value for `serve`. */
  readonly location: string;
  /** The server, for tests that stop it. */
  readonly server?: PostgresServer | undefined;
  close(): Promise<void>;
}

const opened = async (location: string | undefined): Promise<Database> => {
  const database = await openDatabase(location, { maxConnections: 20 });
  if (isLeft(database)) throw new Error(database.left.message);
  return database.right;
};

/** PGlite, in memory: one instance, which every `open()` shares (it is one process's database). */
export const pgliteBackend = async (): Promise<Backend> => {
  const database = await opened(undefined);
  const shared: Database = { ...database, close: async () => undefined };
  return { name: 'PGlite', open: async () => shared, location: '', close: () => database.close() };
};

let serial = 0;

/** A PostgreSQL server started for this file, and a fresh database on it. */
export const serverBackend = async (server: PostgresServer): Promise<Backend> => {
  const url = await server.createDatabase(`t_${process.pid}_${serial++}`);
  const connections: Database[] = [];
  return {
    name: 'PostgreSQL',
    location: url,
    server,
    open: async () => {
      const database = await opened(url);
      connections.push(database);
      return database;
    },
    close: async () => {
      await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
    },
  };
};

/**
 * The backends of this run: PGlite always; PostgreSQL when the server binaries are installed
 * (required in CI). Each entry makes its backend when a suite starts.
 */
export const backends = (): ReadonlyArray<{
  readonly name: string;
  readonly make: () => Promise<{ backend: Backend; stop: () => Promise<void> }>;
}> => {
  const server = serverTests();
  const list = [
    {
      name: 'PGlite',
      make: async () => {
        const backend = await pgliteBackend();
        return { backend, stop: () => backend.close() };
      },
    },
  ];
  if (server.run) {
    list.push({
      name: 'PostgreSQL',
      make: async () => {
        const started = await startPostgres(server.bin);
        const backend = await serverBackend(started);
        return {
          backend,
          stop: async () => {
            await backend.close();
            await started.destroy();
          },
        };
      },
    });
  }
  return list;
};
