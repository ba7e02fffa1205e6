/**
 * The store's benchmark: pushes per second through `handlePush` (decode, load, apply, save with
 * its outbox event) against a bare SQL loop running the very same statements with the parameters
 * computed beforehand, on PGlite and on a PostgreSQL server (one and two instances, each with its
 * own connections). What is left between the two is this module's own work.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { applyNotification, type Conversation, decodePushDelivery, stringifyPersistedSnapshot } from '../../src/index.js';
import { type ConversationStore, type Database, migrate, openDatabase, openStore } from '../../src/postgres/index.js';
import { postgresBinDir, startPostgres } from '../support/postgres-server.js';
import { aboutName, type PushBody, pushBody, remoteConversation } from '../support/pushes.js';
import type { Row } from './run.js';

/** The store's pushes per second, at least this share of the bare loop's (and its CPU per push at most the inverse). */
const TARGET = 0.7;

/** The server's version, for the report. */
export const postgresVersion = (): string => {
  const bin = postgresBinDir();
  if (bin === undefined) return 'not installed';
  const text = execFileSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' });
  return text.replace('postgres (PostgreSQL) ', '').trim();
};
/** Rounds of each side before the timed ones. */
const WARMUP_ROUNDS = 3;

/** Pushes in flight per instance, as Pub/Sub keeps several outstanding. */
const CONCURRENCY = 8;

const unwrap = <A>(result: { _tag: 'Left'; left: { message: string } } | { _tag: 'Right'; right: A }): A => {
  if (result._tag === 'Left') throw new Error(result.left.message);
  return result.right;
};

interface Timing {
  /** Wall-clock ms. */
  readonly wall: number;
  /** CPU ms of this process and of the database server's processes. */
  readonly cpu: number;
}

/** Runs `work(i)` for i in [0, count) with `width` of them at a time. */
const timed = async (count: number, width: number, serverCpu: () => number, work: (i: number) => Promise<void>): Promise<Timing> => {
  let next = 0;
  const cpu = process.cpuUsage();
  const server = serverCpu();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 + serverCpu() - server };
};

interface Workload {
  readonly pushes: ReadonlyArray<PushBody>;
  /** For the bare loop: per push, the key, the version it finds, and the parameters of the save. */
  readonly raw: ReadonlyArray<{ readonly key: string; readonly params: ReadonlyArray<unknown> }>;
}

let serial = 0;

/** `count` stored conversations (in both schemas), and one push each that changes it: an unrecoverable error. */
const prepare = async (database: Database, ours: string, raw: string, count: number, round: number): Promise<Workload> => {
  const store = unwrap(await openStore({ database, schema: ours }));
  const pushes: PushBody[] = [];
  const rawParams: Array<{ key: string; params: ReadonlyArray<unknown> }> = [];
  for (let i = 0; i < count; i++) {
    const id = `r${round}-${i}`;
    const conversation: Conversation = remoteConversation(id, { phoneNumber: { countryCode: 1, phoneNumber: '+16502530000' } });
    unwrap(await store.save({ conversation, events: [] }, undefined));
    const body = pushBody(
      `m-${serial++}`,
      '2026-11-23T10:01:30Z',
      { conversation: aboutName(id), type: 'UNRECOVERABLE_ERROR', errorStatus: { code: 14, message: 'SIP 503' } },
      i % 2 === 0 ? 'PROTO' : 'JSON',
    );
    pushes.push(body);
    const change = unwrap(applyNotification(conversation, unwrap(decodePushDelivery(body))));
    const key = aboutName(id);
    const event = change.events[0];
    rawParams.push({
      key,
      params: [
        key,
        change.conversation.version,
        change.conversation.name,
        change.conversation.lifecycleState,
        change.conversation.conversationStage,
        stringifyPersistedSnapshot(change.conversation),
        0,
        JSON.stringify([{ version: 1, type: event?.type, data: event?.data }]),
      ],
    });
  }
  await database.query(`insert into ${raw}.conversations select * from ${ours}.conversations where key like $1`, [
    `projects/acme/conversations/r${round}-%`,
  ]);
  return { pushes, raw: rawParams };
};

/** The statements handlePush runs, sent as it sends them (prepared statements), with nothing around them. */
const bareLoop = (database: Database, schema: string) => {
  const load = `select version, snapshot from ${schema}.conversations where key = $1`;
  const save = `with changed as (
      update ${schema}.conversations
      set version = $2, name = $3, lifecycle_state = $4, conversation_stage = $5, snapshot = $6::jsonb, updated_at = now()
      where key = $1 and version = $7
      returning key
    ), queued as (
      insert into ${schema}.outbox (key, conversation, version, type, data)
      select changed.key, $3, e.version, e.type, e.data
      from changed, jsonb_to_recordset($8::jsonb) as e(version integer, type text, data jsonb)
    )
    select count(*)::int as saved from changed`;
  // Prepared once per connection, as the store prepares its own (a name for each text).
  const loadAs = { name: `bench_load_${schema}` };
  const saveAs = { name: `bench_save_${schema}` };
  return async (item: { key: string; params: ReadonlyArray<unknown> }): Promise<void> => {
    const { rows } = await database.query<{ version: number; snapshot: unknown }>(load, [item.key], loadAs);
    if (rows[0] === undefined) throw new Error(`bare loop: ${item.key} is missing`);
    const saved = await database.query<{ saved: number }>(save, item.params, saveAs);
    if (saved.rows[0]?.saved !== 1) throw new Error(`bare loop: ${item.key} was not saved`);
  };
};

let schemas = 0;

/** One comparison: `instances` stores (each on its own connections) against as many bare loops. */
const compare = async (
  label: string,
  connections: ReadonlyArray<Database>,
  count: number,
  rounds: number,
  serverCpu: () => number,
): Promise<Result> => {
  const ours = `bench_ours_${schemas}`;
  const raw = `bench_raw_${schemas++}`;
  const first = connections[0] as Database;
  unwrap(await migrate(first, ours));
  unwrap(await migrate(first, raw));
  const stores: ConversationStore[] = [];
  for (const database of connections) stores.push(unwrap(await openStore({ database, schema: ours })));
  const loops = connections.map((database) => bareLoop(database, raw));
  const width = CONCURRENCY * connections.length;
  const oursMs: Timing[] = [];
  const rawMs: Timing[] = [];
  // Warm-up rounds of each (one was not enough: ours still got faster over the next three, its
  // code not yet optimized), then rounds in alternating order, each on fresh conversations.
  for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
    const workload = await prepare(first, ours, raw, count, round);
    const runOurs = () =>
      timed(count, width, serverCpu, async (i) => {
        const outcome = await (stores[i % stores.length] as ConversationStore).handlePush(workload.pushes[i]);
        if (outcome.kind !== 'applied') throw new Error(`${label}: ${outcome.reason}`);
      });
    const runRaw = () =>
      timed(count, width, serverCpu, (i) =>
        (loops[i % loops.length] as (typeof loops)[number])(workload.raw[i] as Workload['raw'][number]),
      );
    let oursTime: Timing;
    let rawTime: Timing;
    if (round % 2 === 0) {
      oursTime = await runOurs();
      rawTime = await runRaw();
    } else {
      rawTime = await runRaw();
      oursTime = await runOurs();
    }
    if (round < WARMUP_ROUNDS) continue;
    oursMs.push(oursTime);
    rawMs.push(rawTime);
  }
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;
  return {
    ours: count / (median(oursMs.map((t) => t.wall)) / 1000),
    raw: count / (median(rawMs.map((t) => t.wall)) / 1000),
    oursBest: count / (Math.min(...oursMs.map((t) => t.wall)) / 1000),
    rawBest: count / (Math.min(...rawMs.map((t) => t.wall)) / 1000),
    oursCpuUs: (median(oursMs.map((t) => t.cpu)) * 1000) / count,
    rawCpuUs: (median(rawMs.map((t) => t.cpu)) * 1000) / count,
    oursCpuMinUs: (Math.min(...oursMs.map((t) => t.cpu)) * 1000) / count,
    rawCpuMinUs: (Math.min(...rawMs.map((t) => t.cpu)) * 1000) / count,
  };
};

interface Result {
  /** Pushes per second, wall clock. */
  readonly ours: number;
  readonly raw: number;
  /** Pushes per second in the fastest round. */
  readonly oursBest: number;
  readonly rawBest: number;
  /** CPU µs per push, this process and the server together (the median round, and the least). */
  readonly oursCpuUs: number;
  readonly rawCpuUs: number;
  readonly oursCpuMinUs: number;
  readonly rawCpuMinUs: number;
}

const rows = (payload: string, result: Result): Row[] => [
  {
    path: 'store',
    payload,
    comparison: 'handlePush vs the same SQL bare: pushes per second',
    oursNs: result.ours,
    otherNs: result.raw,
    oursMinNs: result.oursBest,
    otherMinNs: result.rawBest,
    ratio: result.ours / result.raw,
    target: `≥ ${TARGET}× the bare loop's`,
    met: result.ours / result.raw >= TARGET,
    unit: '/s',
  },
  {
    path: 'store',
    payload,
    comparison: 'handlePush vs the same SQL bare: CPU per push (client and server)',
    oursNs: result.oursCpuUs,
    otherNs: result.rawCpuUs,
    oursMinNs: result.oursCpuMinUs,
    otherMinNs: result.rawCpuMinUs,
    ratio: result.oursCpuUs / result.rawCpuUs,
    target: `≤ ${(1 / TARGET).toFixed(2)}×`,
    met: result.oursCpuUs / result.rawCpuUs <= 1 / TARGET,
    unit: 'µs',
  },
];

/** The store's rows: PGlite in memory, and a PostgreSQL server with one and two instances when its binaries are installed. */
export const storeBenchmarks = async (tiny: boolean, log: (line: string) => void): Promise<Row[]> => {
  const count = tiny ? 40 : 2000;
  const rounds = tiny ? 1 : 5;
  const out: Row[] = [];
  const pglite = await openDatabase();
  if (isLeft(pglite)) throw new Error(pglite.left.message);
  try {
    out.push(...rows('PGlite, 1 instance', await compare('PGlite', [pglite.right], count, rounds, () => 0)));
  } finally {
    await pglite.right.close();
  }
  const bin = postgresBinDir();
  if (bin === undefined) {
    log('store: no PostgreSQL server binaries (apt-get install -y postgresql): the server rows are left out');
    return out;
  }
  const server = await startPostgres(bin);
  try {
    for (const instances of [1, 2]) {
      const url = await server.createDatabase(`bench_${instances}`);
      const connections: Database[] = [];
      for (let i = 0; i < instances; i++) {
        const opened = await openDatabase(url, { maxConnections: CONCURRENCY });
        if (isLeft(opened)) throw new Error(opened.left.message);
        connections.push(opened.right);
      }
      try {
        const result = await compare('PostgreSQL', connections, count, rounds, () => server.cpuMs());
        out.push(...rows(`PostgreSQL, ${instances} instance${instances === 1 ? '' : 's'}`, result));
      } finally {
        await Promise.all(connections.map((c) => c.close()));
      }
    }
  } finally {
    await server.destroy();
  }
  return out;
};
