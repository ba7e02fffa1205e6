/**
 * The command line's benchmark: `validate --quiet` on a generated file of realistic NDJSON
 * conversations, against a bare single-threaded loop on the same file (64 KiB reads, `JSON.parse`
 * on each line: `bare-ndjson.mjs`), each in its own child process, interleaved over three rounds.
 * Also checks that `validate`'s output is the same with worker threads as without.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, fsyncSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './payloads.js';
import type { Row } from './run.js';

/** A small fast generator of numbers in [0, 1), seeded, so that every run writes the same file. */
const random = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const PROJECTS = ['acme-contact-center', 'globex-support', 'initech-care', 'umbrella-helpdesk'];
const LOCATIONS = ['global', 'us-central1', 'europe-west2', 'asia-south1'];
const PROFILES = ['support-en-us', 'billing', 'sales-de', 'agent-assist-only', 'returns', 'vip-line', 'tech-support', 'onboarding'];
/** Country calling codes, the offset of the place, and a national number to vary. */
const PHONES: ReadonlyArray<readonly [number, string, (n: string) => string]> = [
  [1, '-08:00', (n) => `+1 650-253-${n.slice(0, 4)}`],
  [44, 'Z', (n) => `+44 20 7031 ${n.slice(0, 4)}`],
  [91, '+05:30', (n) => `+91 98${n.slice(0, 3)} ${n.slice(3, 8)}`],
  [49, '+01:00', (n) => `+49 30 ${n.slice(0, 8)}`],
  [81, '+09:00', (n) => `+81 3-${n.slice(0, 4)}-${n.slice(4, 8)}`],
  [61, '+10:00', (n) => `+61 2 ${n.slice(0, 4)} ${n.slice(4, 8)}`],
];
const TIERS = ['gold', 'silver', 'bronze', 'none'];
const REASONS = ['billing-dispute', 'password-reset', 'delivery', 'cancellation', 'upgrade', 'outage'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A time as RFC 3339 with an offset (`Z`, `+05:30`) and a fraction of 0, 3, 6 or 9 digits. */
const timestamp = (ms: number, offset: string, fraction: number, nanos: number): string => {
  const minutes = offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const d = new Date(ms + minutes * 60_000);
  const digits = String(nanos).padStart(9, '0').slice(0, fraction);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:` +
    `${pad(d.getUTCSeconds())}${fraction === 0 ? '' : `.${digits}`}${offset}`
  );
};

/**
 * A realistic conversation, as one NDJSON line: distinct names, profiles from a handful, times
 * with fractions and offsets, phone numbers for most, some completed (with an end time), some with
 * fields this library keeps without modelling them (telephony details, a satisfaction score), some
 * with snake_case field names, as the REST API also accepts.
 */
export const realisticLine = (i: number, next: () => number): string => {
  const project = PROJECTS[i % PROJECTS.length]!;
  const location = LOCATIONS[Math.floor(next() * LOCATIONS.length)]!;
  const id = `${(1_700_000_000 + i * 7919).toString(36)}-${Math.floor(next() * 2 ** 32).toString(16)}`;
  const phone = PHONES[Math.floor(next() * PHONES.length)]!;
  const national = String(Math.floor(next() * 1e8)).padStart(8, '0');
  const started = Date.UTC(2026, 10, 1) + Math.floor(next() * 30 * 86_400_000);
  const fraction = [0, 3, 6, 9][Math.floor(next() * 4)]!;
  const nanos = Math.floor(next() * 1e9);
  const completed = next() < 0.4;
  const snake = next() < 0.1;
  const telephony = next() < 0.7;
  const key = (camel: string, snakeName: string): string => (snake ? snakeName : camel);
  const c: Record<string, unknown> = {
    name: `projects/${project}/locations/${location}/conversations/${id}`,
    [key('lifecycleState', 'lifecycle_state')]: completed ? 'COMPLETED' : 'IN_PROGRESS',
    [key('conversationProfile', 'conversation_profile')]:
      `projects/${project}/locations/${location}/conversationProfiles/${PROFILES[Math.floor(next() * PROFILES.length)]}`,
  };
  if (telephony) {
    c[key('phoneNumber', 'phone_number')] = {
      [key('countryCode', 'country_code')]: phone[0],
      [key('phoneNumber', 'phone_number')]: phone[2](national),
    };
  }
  c[key('startTime', 'start_time')] = timestamp(started, phone[1], fraction, nanos);
  if (completed) c[key('endTime', 'end_time')] = timestamp(started + 30_000 + Math.floor(next() * 3_600_000), 'Z', 3, nanos);
  c[key('conversationStage', 'conversation_stage')] = next() < 0.6 ? 'HUMAN_ASSIST_STAGE' : 'VIRTUAL_AGENT_STAGE';
  if (telephony && next() < 0.5) {
    c[key('telephonyConnectionInfo', 'telephony_connection_info')] = {
      dialedNumber: `+${phone[0]}${national}`,
      sipHeaders: [
        { name: 'X-Customer-Tier', value: TIERS[Math.floor(next() * TIERS.length)] },
        { name: 'X-Call-Reason', value: REASONS[Math.floor(next() * REASONS.length)] },
      ],
    };
  }
  if (completed && next() < 0.25) c.satisfactionScore = { score: 1 + Math.floor(next() * 5), scale: 5 };
  return JSON.stringify(c);
};

/** Writes an NDJSON file of `count` realistic conversations, flushed to disk; returns its size in bytes. */
const writeNdjson = async (path: string, count: number): Promise<number> => {
  const out = createWriteStream(path);
  const next = random(20261123);
  let batch = '';
  for (let i = 0; i < count; i++) {
    batch += `${realisticLine(i, next)}\n`;
    if (batch.length >= 1 << 20 || i === count - 1) {
      const chunk = batch;
      batch = '';
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  // Flush it to disk now, so that neither side pays for writing the generator's output.
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
};

interface Run {
  readonly wallMs: number;
  /** User and system CPU time: more than the wall clock when threads ran side by side. */
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node ARGS` in a child process, with a preloaded module that prints its peak RSS at exit. */
const runNode = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}): Run => {
  const root = projectRoot();
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--require', join(root, 'test', 'support', 'report-usage.cjs'), ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  const wallMs = performance.now() - started;
  const usage = /usage user-us=(\d+) system-us=(\d+) peak-rss-kib=(\d+)/.exec(child.stderr);
  if (usage === null) throw new Error(`${args.join(' ')} did not report its usage: ${child.stderr.slice(0, 500)}`);
  return {
    wallMs,
    cpuMs: (Number(usage[1]) + Number(usage[2])) / 1000,
    peakRssMb: Number(usage[3]) / 1024,
    status: child.status,
    stdout: child.stdout,
    stderr: child.stderr,
  };
};

const bin = (): string => join(projectRoot(), 'dist', 'src', 'cli', 'bin.js');
const THREADS = 'DIALOGFLOW_CONVERSATION_VALIDATE_THREADS';

/**
 * `validate` (every kind of output) on a small file with bad lines of every kind, with worker
 * threads forced onto small batches and without: the output must be the same, byte for byte.
 */
const checkSameOutput = async (dir: string): Promise<void> => {
  const file = join(dir, 'mixed.ndjson');
  const next = random(7);
  const lines: string[] = [];
  for (let i = 0; i < 600; i++) {
    const line = realisticLine(i, next);
    lines.push(i % 37 === 5 ? line.replace('"name":"', '"name":3,"x":"') : i % 53 === 7 ? line.slice(0, 40) : line);
  }
  const out = createWriteStream(file);
  await new Promise<void>((resolve, reject) =>
    out.end(`${lines.join('\n')}\n`, (error?: Error | null) => (error ? reject(error) : resolve())),
  );
  for (const options of [[], ['--json'], ['--canonical']]) {
    const one = runNode([bin(), 'validate', ...options, file], { [THREADS]: 'workers=0' });
    const many = runNode([bin(), 'validate', ...options, file], { [THREADS]: 'workers=2,batch-bytes=2048,long-line=1500' });
    const strip = (text: string): string => text.replace(/usage user-us=.*\n/, '');
    if (one.status !== many.status || one.stdout !== many.stdout || strip(one.stderr) !== strip(many.stderr)) {
      throw new Error(`validate ${options.join(' ')} wrote something else with worker threads than without`);
    }
  }
};

const median = (xs: ReadonlyArray<number>): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * `validate --quiet` against the bare loop on one file of realistic conversations (1,000,000 lines;
 * `tiny`: 20,000), three rounds, each side in its own process, one after the other: lines per second
 * (median and best round), and validate's peak RSS.
 */
export const cliBenchmarks = async (tiny: boolean, log: (line: string) => void): Promise<Row[]> => {
  const count = tiny ? 20_000 : 1_000_000;
  const rounds = 3;
  const dir = mkdtempSync(join(tmpdir(), 'dfc-bench-cli-'));
  try {
    await checkSameOutput(dir);
    const file = join(dir, 'conversations.ndjson');
    const bytes = await writeNdjson(file, count);
    const ours: Run[] = [];
    const bare: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      const v = runNode([bin(), 'validate', '--quiet', file]);
      if (v.status !== 0)
        throw new Error(`validate exited with ${v.status} on valid conversations: ${v.stdout.slice(0, 500)}${v.stderr.slice(0, 500)}`);
      ours.push(v);
      const b = runNode([join(projectRoot(), 'test', 'bench', 'bare-ndjson.mjs'), file]);
      if (b.status !== 0 || Number(b.stdout) !== count) throw new Error(`the bare loop failed: ${b.stderr.slice(0, 500)}`);
      bare.push(b);
      // Progress for whoever runs the full benchmark; the test of --tiny counts one logged line per row.
      if (!tiny)
        log(
          `cli round ${round + 1}: validate ${v.wallMs.toFixed(0)} ms (CPU ${v.cpuMs.toFixed(0)} ms, ${v.peakRssMb.toFixed(0)} MB), ` +
            `bare loop ${b.wallMs.toFixed(0)} ms (CPU ${b.cpuMs.toFixed(0)} ms)`,
        );
    }
    const perSecond = (ms: number): number => count / (ms / 1000);
    const oursMedian = perSecond(median(ours.map((r) => r.wallMs)));
    const bareMedian = perSecond(median(bare.map((r) => r.wallMs)));
    const oursBest = perSecond(Math.min(...ours.map((r) => r.wallMs)));
    const bareBest = perSecond(Math.min(...bare.map((r) => r.wallMs)));
    const peak = Math.max(...ours.map((r) => r.peakRssMb));
    const payload = `${count.toLocaleString('en-US')} lines, ${(bytes / 2 ** 20).toFixed(0)} MiB`;
    const faster = (comparison: string, a: number, b: number): Row => ({
      path: 'cli',
      payload,
      comparison,
      oursNs: a,
      otherNs: b,
      ratio: a / b,
      target: '≥ 1.0×',
      met: a / b >= 1,
      unit: '/s',
    });
    return [
      faster('validate --quiet / bare read+JSON.parse loop: lines per second (median wall clock)', oursMedian, bareMedian),
      faster('validate --quiet / bare read+JSON.parse loop: lines per second (best wall clock)', oursBest, bareBest),
      {
        path: 'cli',
        payload,
        comparison: 'validate --quiet: peak RSS (worst round)',
        oursNs: peak,
        otherNs: 160,
        ratio: peak / 160,
        target: '≤ 160 MB',
        met: peak <= 160,
        unit: 'MB',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
