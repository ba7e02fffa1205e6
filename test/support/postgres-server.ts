/**
 * A real PostgreSQL server for the tests, started from Debian's `postgresql` package: initdb into
 * a temporary directory, `postgres` on 127.0.0.1 and a free port, as a user other than root
 * (PostgreSQL refuses to run as root: as root, the `postgres` account runs it through runuser).
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the server binaries are: Debian's layout first, then the PATH's `pg_config`. */
export const postgresBinDir = (): string | undefined => {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(debian, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb'))) return dir;
  }
  return undefined;
};

/**
 * Whether the server-backed tests run: yes when the binaries are there; when they are not, they
 * are skipped with a message, except in CI (`CI=true`), where a missing server is a failure.
 */
export const serverTests = (): { readonly run: true; readonly bin: string } | { readonly run: false; readonly why: string } => {
  const bin = postgresBinDir();
  if (bin !== undefined) return { run: true, bin };
  const why = 'PostgreSQL server binaries not found (apt-get install -y postgresql): the PostgreSQL server tests are skipped';
  if (process.env.CI === 'true') throw new Error(`${why}, but CI=true requires them`);
  console.warn(why);
  return { run: false, why };
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });

export interface PostgresServer {
  readonly port: number;
  /** A URL for a database on this server (`postgres` by default). */
  url(database?: string): string;
  /** Makes a fresh, empty database and gives its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast: connections are cut), keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
  /** CPU time the server's processes have used so far, in ms (Linux: from /proc), for the benchmark. */
  cpuMs(): number;
}

/** utime + stime (and, with `children`, cutime + cstime) of a process, in clock ticks. */
const ticks = (pid: string, children: boolean): { ppid: string; ticks: number } | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const at = (n: number) => Number(fields[n - 3]);
    return { ppid: fields[1] ?? '', ticks: at(14) + at(15) + (children ? at(16) + at(17) : 0) };
  } catch {
    return undefined;
  }
};

const serverCpuMs = (data: string): number => {
  const postmaster = readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]?.trim() ?? '';
  let total = ticks(postmaster, true)?.ticks ?? 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const process = ticks(entry, false);
    if (process?.ppid === postmaster) total += process.ticks;
  }
  return total * 10; // USER_HZ is 100 on Linux
};

const asRoot = userInfo().uid === 0;

/** Runs a server binary as a user PostgreSQL accepts. */
const command = (file: string, args: ReadonlyArray<string>): [string, string[]] =>
  asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, [...args]];

const postgresUid = async (): Promise<{ uid: number; gid: number }> => {
  try {
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  } catch {
    throw new Error(
      "running as root, and PostgreSQL refuses root: the postgres account (which Debian's postgresql package creates) is missing",
    );
  }
};

/** Starts a throwaway server; `settings` go to `postgres -c`. */
export const startPostgres = async (bin: string, settings: Readonly<Record<string, string>> = {}): Promise<PostgresServer> => {
  const dir = mkdtempSync(join(tmpdir(), 'dfc-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, 'test\n');
  if (asRoot) {
    const { uid, gid } = await postgresUid();
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  const [initdb, initArgs] = command(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--pwfile',
    pwfile,
    '-A',
    'scram-sha-256',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale',
    'C',
  ]);
  await run(initdb, initArgs);
  const port = await freePort();
  const options = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `port=${port}`,
    '-c',
    `unix_socket_directories=${dir}`,
    '-c',
    'fsync=off',
    '-c',
    'max_connections=200',
    ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  ];
  const log = join(dir, 'server.log');
  const ctl = (args: ReadonlyArray<string>) => {
    const [file, list] = command(join(bin, 'pg_ctl'), args);
    return run(file, list);
  };
  const start = async () => {
    await ctl(['-D', data, '-l', log, '-w', '-t', '60', '-o', options.map((o) => (o.includes(' ') ? `'${o}'` : o)).join(' '), 'start']);
  };
  const stop = async () => {
    await ctl(['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  await start();
  const url = (database = 'postgres') => `postgres://postgres:test@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    createDatabase: async (name) => {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
    start,
    destroy: async () => {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
    cpuMs: () => serverCpuMs(data),
  };
};
