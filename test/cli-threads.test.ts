import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { threadsFrom } from '../src/cli/validate/parallel.js';
import { type RunResult, runBinWith } from './cli-helpers.js';

/**
 * `validate` on a large file checks it in worker threads (src/cli/validate/parallel.ts). Its output
 * must be the single-threaded one, byte for byte, whatever the input holds: these run the built
 * executable on the same files with threads forced off, and forced on with tiny batches (so that
 * every kind of line lands at the start, the middle and the end of a batch, and long lines go back
 * to the main thread), and compare stdout, stderr and the exit status.
 */

const THREADS = 'DIALOGFLOW_CONVERSATION_VALIDATE_THREADS';
const dir = mkdtempSync(join(tmpdir(), 'dfc-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const conversation = (i: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    name: `projects/acme/locations/global/conversations/c-${i}`,
    lifecycleState: i % 3 === 0 ? 'COMPLETED' : 'IN_PROGRESS',
    conversationProfile: 'projects/acme/locations/global/conversationProfiles/support',
    phoneNumber: { countryCode: 44, phoneNumber: `+44 20 7031 ${String(i % 10_000).padStart(4, '0')}` },
    startTime: `2026-11-23T10:15:30.${String(i % 1000).padStart(3, '0')}456+05:30`,
    ...(i % 3 === 0 ? { endTime: '2026-11-23T10:45:00Z' } : {}),
    conversationStage: i % 2 === 0 ? 'HUMAN_ASSIST_STAGE' : 'VIRTUAL_AGENT_STAGE',
    ...extra,
  });

/** Every kind of line validate reads, good and bad, one after the other, over and over. */
const kinds: ReadonlyArray<(i: number) => Buffer | string> = [
  (i) => `${conversation(i)}\n`,
  (i) => `${conversation(i, { unknownField: { kept: [1, 2, 3] } })}\r\n`, // CRLF, a kept field
  (i) => `{"name":"projects/p/conversations/c-${i}","lifecycle_state":"COMPLETED","start_time":"2026-11-23T10:00:00Z"}\n`,
  () => '\n',
  () => '  \t \r\n', // blank
  (i) => `{"name": "c-${i}", broken\n`, // not JSON
  (i) => `${conversation(i, { lifecycleState: 'DONE' })}\n`, // not a valid conversation
  (i) => Buffer.concat([Buffer.from(`{"name":"projects/p/conversations/c-${i}`), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]), // not UTF-8
  () => Buffer.from([0xe2, 0x82, 0x0a]), // a character cut by a newline
  (i) => `{"name":"projects/p/conversations/\u001b[2J\u202e-${i}","lifecycleState":"IN_PROGRESS"}\n`, // raw controls: not JSON
  (i) => `{"name":"projects/p/conversations/\\u001b[2J\u202e-${i}","lifecycleState":"IN_PROGRESS"}\n`, // controls in a value, escaped
  (i) => `${conversation(i, { name: `projects/p/conversations/caf\u00e9-\u{1f600}-${i}\r` })}\n`, // a \r inside, an emoji
  (i) => `{"conversations":[${conversation(i)},{"name":1}],"nextPageToken":"t"}\n`, // a page, one bad item
  () => '{"message":{"data":"e30=","messageId":"1"},"subscription":"projects/p/subscriptions/s"}\n', // a push
  (i) => `${conversation(i, { labels: 'x'.repeat(500 + (i % 3000)) })}\n`, // long: past a tiny batch
  (i) => `${conversation(i, { labels: '\u00e9'.repeat(40_000 + i) })}\n`, // past a 64 KiB chunk, two-byte characters
  (i) => Buffer.concat([Buffer.from(`{"labels":"${'y'.repeat(5000 + i)}`), Buffer.from([0xc3]), Buffer.from('"}\n')]), // long and not UTF-8
];

const mixed = (count: number): Buffer => {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const part = kinds[(i * 7 + (i >> 4)) % kinds.length]!(i);
    parts.push(typeof part === 'string' ? Buffer.from(part) : part);
  }
  // The last line has no newline, and ends in a character cut short.
  parts.push(Buffer.from(conversation(count)), Buffer.from([0xe2, 0x82]));
  return Buffer.concat(parts);
};

const file = (name: string, content: Buffer | string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const run = (args: ReadonlyArray<string>, threads: string | undefined, input?: string): Promise<RunResult> =>
  runBinWith(args, { ...(threads === undefined ? {} : { env: { [THREADS]: threads } }), ...(input === undefined ? {} : { input }) });

/** Threads off; then on, in ways that cut the input differently. */
const SINGLE = 'workers=0';
const FORCED = ['workers=2,batch-bytes=4096,long-line=1000', 'workers=1,batch-bytes=300,long-line=1', 'workers=2'];

const expectSameOutput = async (args: ReadonlyArray<string>, forced: ReadonlyArray<string | undefined> = FORCED, input?: string) => {
  const one = await run(args, SINGLE, input);
  const many = await Promise.all(forced.map((threads) => run(args, threads, input)));
  for (const result of many) expect(result).toEqual(one);
  return one;
};

describe('validate in worker threads', () => {
  const path = file('mixed.ndjson', mixed(1500));

  it.each([[[]], [['--json']], [['--canonical']], [['--quiet']]])(
    'writes what one thread writes, byte for byte, on a file with lines of every kind (%j)',
    async (options) => {
      const result = await expectSameOutput(['validate', ...options, path]);
      // The file holds each kind, so each is reported (a sanity check of the input).
      expect(result.code).toBe(1);
      if (options.length === 0) {
        expect(result.stdout).toContain(': error: invalid UTF-8 at byte ');
        expect(result.stdout).toContain('\\u001b[2J\\u202e-');
        expect(result.stdout).toContain(': error: invalid JSON: Bad control character');
        expect(result.stdout).toContain(': error: invalid JSON: ');
        expect(result.stdout).toContain(':conversations[1]: error: ');
        expect(result.stdout).toMatch(/:1501: error: invalid UTF-8 at byte \d+\n$/);
      }
      expect(result.stderr).toMatch(/validate: \d+ checked: \d+ valid, \d+ invalid\n$/);
    },
  );

  it('and on a file whose first line is cut short, a line longer than 16 MiB, several files and standard input', async () => {
    const cut = file(
      'cut.ndjson',
      Buffer.concat([Buffer.from('"projects/p/conversations/c-0", "lifecycleState": "COMPLETED"}\n'), mixed(300)]),
    );
    const huge = file(
      'huge.ndjson',
      `${conversation(1)}\n${conversation(2, { labels: 'z'.repeat(17 * 1024 * 1024) })}\n${conversation(3)}\n{"broken"\n${conversation(4)}\n`,
    );
    const empty = file('empty.ndjson', '');
    const result = await expectSameOutput(['validate', cut, huge, empty, '-', path], [...FORCED, undefined], `${conversation(9)}\n`);
    expect(result.stdout).toContain(`${huge}:2: error: line longer than 16 MiB: skipped\n${huge}:3: ok `);
    expect(result.stderr).toContain(`validate: no input: ${empty} is empty\n`);
  });

  it('a worker that fails ends the command with one line that says so, what was checked before it written, in order', async () => {
    // Long enough that the failure (as the worker starts: its heap is too small to load the
    // library) comes before this thread, which checks batches meanwhile, is done.
    const long = file('long.ndjson', mixed(40_000));
    const one = await run(['validate', long], SINGLE);
    const failed = await run(['validate', long], 'workers=2,batch-bytes=4096,worker-heap-mb=1');
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^dialogflow-conversation: validate failed: a worker thread stopped: [^\n]+\n$/);
    expect(one.stdout.startsWith(failed.stdout)).toBe(true);
  });

  it('uses a worker per core but one (this thread checks batches too), none on one core, for files of 8 MiB and more; the environment variable overrides it', () => {
    expect(threadsFrom(undefined, 2)).toEqual({ workers: 1, minBytes: 8 * 1024 * 1024, batchBytes: 256 * 1024, longLine: 1024 * 1024 });
    expect(threadsFrom(undefined, 1).workers).toBe(0);
    expect(threadsFrom(undefined, 8).workers).toBe(3);
    expect(threadsFrom('workers=3,batch-bytes=4096', 2)).toEqual({ workers: 3, minBytes: 0, batchBytes: 4096, longLine: 1024 * 1024 });
    expect(threadsFrom('workers=2,min-bytes=10,long-line=999999999,worker-heap-mb=8', 2)).toEqual({
      workers: 2,
      minBytes: 10,
      batchBytes: 256 * 1024,
      longLine: 4 * 1024 * 1024,
      workerHeapMb: 8,
    });
  });
});
