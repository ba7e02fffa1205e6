import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TIMELINE_HEADER } from '../src/cli/replay/format.js';
import { DEFAULT_MAX_HELD } from '../src/cli/replay/replayer.js';
import { BIN, type BinOptions, REPORT_USAGE, ROOT, runBin, runBinWith, spawnBin } from './cli-helpers.js';
import { freePort } from './inspector-helpers.js';
import { jsonData, pushBody } from './replay-log.js';

/** The command line under abuse: every test runs the built executable, as a user would. */

const dir = mkdtempSync(join(tmpdir(), 'dialogflow-conversation-abuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const PROFILE = 'projects/acme/locations/global/conversationProfiles/support';
const conversation = (name: string, fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  lifecycleState: 'IN_PROGRESS',
  conversationProfile: PROFILE,
  startTime: '2026-11-23T10:00:00Z',
  conversationStage: 'VIRTUAL_AGENT_STAGE',
  ...fields,
});
const line = (i: number): string => JSON.stringify(conversation(`projects/acme/locations/global/conversations/c-${i}`));
const ndjson = (values: ReadonlyArray<unknown>): string => values.map((v) => `${typeof v === 'string' ? v : JSON.stringify(v)}\n`).join('');

const EXAMPLE_LOG = 'docs/examples/replay.ndjson';
/** A log where every line plays: replay exits 0, and its timeline is long. */
const goodLog = file('good.ndjson', ndjson(Array.from({ length: 2000 }, (_, i) => conversation(`projects/acme/conversations/c-${i}`))));
const goodPage = file('page.json', JSON.stringify({ conversations: [JSON.parse(line(1)), JSON.parse(line(2))] }, null, 2));

const peakRss = (stderr: string): number => Number(/peak-rss-kib=(\d+)/.exec(stderr)?.[1]) * 1024;
/** The one-line message a failed write must give: no stack trace, no second line. */
const FULL = 'dialogflow-conversation: cannot write output: no space left on device (ENOSPC)\n';
const hasBash = spawnSync('bash', ['-c', 'true']).status === 0;

describe('output that cannot be written', () => {
  it.skipIf(!existsSync('/dev/full'))(
    'a full disk (> /dev/full): one line on stderr, exit 1, for validate, replay and diagram',
    async () => {
      const runs = [
        ['validate', goodPage],
        ['validate', '--canonical', goodLog],
        ['replay', EXAMPLE_LOG],
        ['diagram'],
        ['diagram', '--format', 'dot'],
      ];
      const full = openSync('/dev/full', 'w');
      try {
        const results = await Promise.all(runs.map((args) => runBinWith(args, { stdio: ['ignore', full, 'pipe'] })));
        expect(results.map((result, i) => ({ args: runs[i], ...result }))).toEqual(
          runs.map((args) => ({ args, code: 1, stdout: '', stderr: FULL })),
        );
      } finally {
        closeSync(full);
      }
    },
  );

  it('a closed stderr (a pipe whose reader is gone): the command carries on, its output and exit status as they would be', async () => {
    const expected = await runBin(['replay', '--canonical', goodLog]);
    expect(expected.code).toBe(0);
    expect(expected.stderr.length).toBeGreaterThan(100_000); // the timeline: far more than a pipe holds
    const { child, output, closed } = spawnBin(['replay', '--canonical', goodLog]);
    child.stderr.destroy(); // the reader goes away before anything is written
    child.stdin.end();
    expect(await closed).toBe(0);
    expect(output.stdout).toBe(expected.stdout);
  });

  it.skipIf(!hasBash)('cmd 2>&1 >/dev/null | head -1: the first line, then a quiet exit with the command’s own status', () => {
    for (const [args, status] of [
      [['replay', '--canonical', goodLog], 0],
      [['validate', '--canonical', 'docs/examples/conversations.ndjson'], 1],
    ] as const) {
      const script = `"${process.execPath}" "${BIN}" ${args.map((a) => `"${a}"`).join(' ')} 2>&1 >/dev/null | head -1; echo "status=\${PIPESTATUS[0]}"`;
      const run = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8' });
      const lines = run.stdout.split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).not.toMatch(/Error|at |node:/);
      expect(lines[1]).toBe(`status=${status}`);
      expect(run.stderr).toBe('');
    }
  });

  it.skipIf(!hasBash)('cmd | head -1 (stdout closed early): one line, a quiet exit', () => {
    for (const args of [
      ['replay', goodLog],
      ['validate', goodLog],
    ]) {
      const script = `"${process.execPath}" "${BIN}" ${args.map((a) => `"${a}"`).join(' ')} | head -1; echo "status=\${PIPESTATUS[0]}"`;
      const run = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8' });
      expect(run.stdout.split('\n')).toHaveLength(3);
      expect(run.stdout).toMatch(/\nstatus=0\n$/);
      expect(run.stderr).toBe('');
    }
  });
});

describe('input that is not UTF-8', () => {
  it('is an error that names the line and the byte offset, not U+FFFD; the other lines are still checked', async () => {
    const first = `${line(1)}\n`;
    const bytes = Buffer.concat([
      Buffer.from(first),
      Buffer.from('{"name":"caf'),
      Buffer.from([0xe9]), // latin1 é
      Buffer.from('"}\n'),
      Buffer.from(`${line(3)}\n`),
      Buffer.from([0xed, 0xa0, 0x80, 0x0a]), // an encoded surrogate, then a newline
      Buffer.from(`${line(5)}\n`),
      Buffer.from(line(6).slice(0, -2)),
      Buffer.from([0xe2, 0x82]), // a character cut short by the end of the file
    ]);
    const path = file('latin1.ndjson', bytes);
    const { code, stdout, stderr } = await runBin(['validate', '--quiet', path]);
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      `${path}:2: error: invalid UTF-8 at byte ${first.length + '{"name":"caf'.length}`,
      `${path}:4: error: invalid UTF-8 at byte ${bytes.indexOf(0xed)}`,
      `${path}:6: error: invalid UTF-8 at byte ${bytes.length - 2}`,
      '',
    ]);
    expect(stdout + stderr).not.toContain('\uFFFD');
    expect(stderr).toBe('validate: 6 checked: 3 valid, 3 invalid\n');
    // replay reads the same way: a bad line, and the rest plays.
    const replayed = await runBin(['replay', '--quiet', path]);
    expect(replayed.stdout).toContain(`error: invalid UTF-8 at byte ${bytes.indexOf(0xed)}`);
    expect(replayed.stderr).toBe('replay: 6 lines, 3 bad; 3 conversations\n');
  });

  it('is found in a document too, and a character cut between two reads of 64 KiB is no error', async () => {
    // A two-byte character across the 64 KiB boundary of the file reader, in valid NDJSON.
    const filler = line(1).slice(0, -1); // up to the closing brace
    const pad = 65_536 - filler.length - ',"x":"'.length - 1;
    const straddling = `${filler},"x":"${'a'.repeat(pad)}é"}\n${line(2)}\n`;
    expect(Buffer.from(straddling).indexOf(Buffer.from('é'))).toBe(65_535);
    expect(await runBin(['validate', '--quiet', file('straddling.ndjson', straddling)])).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'validate: 2 checked: 2 valid, 0 invalid\n',
    });
    const pretty = Buffer.from(JSON.stringify(conversation('projects/acme/conversations/c-1', { x: 'é' }), null, 2));
    const bad = Buffer.from(pretty);
    const at = bad.indexOf(Buffer.from('é'));
    bad[at + 1] = 0x41; // the second byte of é is no longer a continuation byte
    const path = file('pretty-bad.json', bad);
    const { code, stdout } = await runBin(['validate', path]);
    expect(code).toBe(1);
    expect(stdout).toBe(`${path}: error: invalid UTF-8 at byte ${at} (line ${pretty.subarray(0, at).toString().split('\n').length})\n`);
  });
});

describe('no input at all', () => {
  const empty = file('empty.json', '');
  it.each([
    ['an empty file', [empty], { stdio: 'pipe' }, `no input: ${empty} is empty`],
    ['</dev/null', [], { stdio: ['ignore', 'pipe', 'pipe'] }, 'no input: <stdin> is empty'],
    ['an empty pipe', ['-'], { stdio: 'pipe' }, 'no input: <stdin> is empty'],
    ['blank lines only', [file('blank.ndjson', '\n \r\n\t\n')], { stdio: 'pipe' }, 'has nothing but whitespace'],
  ] satisfies ReadonlyArray<[string, string[], BinOptions, string]>)(
    '%s: "<command>: no input" on stderr, exit 1',
    async (_, args, options, message) => {
      for (const command of ['validate', 'replay']) {
        const result = await runBinWith([command, ...args], options);
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(new RegExp(`^${command}: no input: `));
        expect(result.stderr).toContain(message);
        expect(result.stderr.split('\n')).toHaveLength(2);
      }
    },
  );

  it.skipIf(!hasBash)('a closed stdin (0<&-): no input, exit 1', () => {
    for (const command of ['validate', 'replay']) {
      const run = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" ${command} 0<&-; echo "status=$?"`], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(run.stderr).toBe(`${command}: no input: <stdin> is empty\n`);
      expect(run.stdout).toBe('status=1\n');
    }
  });
});

describe('control characters from input', () => {
  /** Anything a terminal would act on: C0 (but the newline that ends a line), DEL, C1, separators, bidi controls. */
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters.
  const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
  const EVIL = '\u001b[2J\r\u0000\u202e\u0085';
  /** Arguments cannot hold NUL. */
  const EVIL_ARG = EVIL.replace('\u0000', '');
  const evilName = `evil-\u001b[31m-\r-\u202e-${'\u0007'}.ndjson`;
  const lines = [
    // Raw control characters in a line that is not JSON: JSON.parse's message quotes them.
    `${EVIL} not json`,
    // In values, quoted in messages.
    { ...conversation('projects/acme/conversations/c-1'), lifecycleState: EVIL },
    // A valid conversation with an unknown field holding them: --canonical prints it.
    { ...conversation('projects/acme/conversations/c-3'), [`x${EVIL}`]: EVIL },
  ];
  const push = (messageId: string, attributes: Record<string, unknown> = {}) => {
    const body = pushBody(
      jsonData({ conversation: 'projects/acme/conversations/c-9', type: 'NEW_MESSAGE' }),
      messageId,
      '2026-11-23T10:05:00Z',
    );
    return { ...body, message: { ...(body.message as Record<string, unknown>), attributes } };
  };
  const log = [
    conversation('projects/acme/conversations/c-9'),
    // In values: a message ID, shown in the timeline.
    push(`id${EVIL}`),
    // In keys: a path into a map.
    push('2', { [`k${EVIL}`]: 5 }),
    `${EVIL}`,
    { conversation: `projects/acme/conversations/c-9${EVIL}`, type: 'CONVERSATION_FINISHED' },
  ];

  it('never reach the terminal raw: every message escapes them (values, keys, file names, usage errors)', async () => {
    const path = file(evilName, ndjson(lines));
    const logPath = file(`log-${evilName}`, ndjson(log));
    const runs = [
      ['validate', path],
      ['validate', '--json', path],
      ['validate', '--canonical', path],
      ['replay', logPath],
      ['replay', '--quiet', logPath],
      ['validate', join(dir, `missing-${evilName}`)],
      ['replay', `--${EVIL_ARG}`],
      ['inspect', '--conversation', EVIL_ARG, logPath],
    ];
    // All at once: each is a process of its own.
    const results = await Promise.all(runs.map((args) => runBin(args)));
    for (const [i, { stdout, stderr }] of results.entries()) {
      const args = runs[i];
      expect({ args, raw: RAW.exec(stdout + stderr)?.[0] }).toEqual({ args, raw: undefined });
      expect(stdout + stderr).toMatch(/\\u001b|\\u202e|\\r/);
    }
    const [text, json, canonical, replayed] = results.map((r) => r.stdout);
    expect(text).toContain(`${path.replace(evilName, 'evil-\\u001b[31m-\\r-\\u202e-\\u0007.ndjson')}:1: error: invalid JSON: `);
    expect(text).toContain(':2: error: lifecycleState: expected a Conversation.LifecycleState');
    expect(text).toContain('got "\\u001b[2J\\r\\u0000\\u202e\\u0085"');
    expect(replayed).toContain('error: message.attributes["k\\u001b[2J\\r\\u0000\\u202e\\u0085"]: expected a string, got 5');
    expect(replayed).toContain('(message id\\u001b[2J\\r\\u0000\\u202e\\u0085)');
    // JSON output stays JSON, and the same values: its escapes are JSON's own.
    const records = (json ?? '')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string; message?: string });
    expect(records.every((r) => r.source === path)).toBe(true);
    // The value as the decoder quoted it (JSON.stringify escapes C0 only): the same text, read back.
    expect(records.some((r) => r.message?.endsWith(`got "\\u001b[2J\\r\\u0000\u202e\u0085"`) ?? false)).toBe(true);
    expect(JSON.parse((canonical ?? '').trimEnd())).toMatchObject({ [`x${EVIL}`]: EVIL });
  });
});

describe('NDJSON whose first line is cut short', () => {
  const big = (name: string, lines: number, bad: (i: number) => boolean): { path: string; bytes: number } => {
    const path = join(dir, name);
    const fd = openSync(path, 'w');
    let bytes = 0;
    let batch = '';
    for (let i = 0; i < lines; i++) {
      const text = line(i);
      batch += `${bad(i) ? text.slice(37) : text}\n`; // cut as a log rotated mid-line would be
      if (batch.length > 1_000_000) {
        bytes += writeSync(fd, batch);
        batch = '';
      }
    }
    bytes += writeSync(fd, batch);
    closeSync(fd);
    return { path, bytes };
  };

  it('is still NDJSON: the first line is a bad line, every other line is checked, memory stays flat (tens of MB, a 24 MB heap)', async () => {
    const LINES = 200_000;
    const { path, bytes } = big('cut.ndjson', LINES, (i) => i === 0);
    expect(bytes).toBeGreaterThan(40_000_000);
    // In one thread, and (the default for a file this size) with a worker thread, which loads the
    // library again and makes the main thread's young generation grow (src/cli/validate/parallel.ts).
    for (const [threads, limit] of [
      ['workers=0', 100_000_000],
      [undefined, 140_000_000],
    ] as const) {
      const { code, stdout, stderr } = await runBinWith(['validate', '--quiet', path], {
        nodeOptions: ['--max-old-space-size=24', '--require', REPORT_USAGE],
        ...(threads === undefined ? {} : { env: { DIALOGFLOW_CONVERSATION_VALIDATE_THREADS: threads } }),
      });
      expect(code).toBe(1);
      expect(stdout).toMatch(new RegExp(`^${path}:1: error: invalid JSON: [^\\n]*\\n$`));
      expect(stderr).toContain(`validate: ${LINES} checked: ${LINES - 1} valid, 1 invalid\n`);
      expect(peakRss(stderr)).toBeGreaterThan(0);
      expect(peakRss(stderr)).toBeLessThan(limit);
    }
  });

  it('is still NDJSON when every other line is bad (decided after 16 MiB): all lines are checked, memory stays bounded', async () => {
    const LINES = 100_000;
    const { path } = big('alternate.ndjson', LINES, (i) => i % 2 === 0);
    const { code, stdout, stderr } = await runBin(['validate', '--quiet', path], { nodeOptions: ['--require', REPORT_USAGE] });
    expect(code).toBe(1);
    const problems = stdout.trimEnd().split('\n');
    expect(problems).toHaveLength(LINES / 2);
    expect(problems[1]).toMatch(new RegExp(`^${path}:3: error: invalid JSON: `));
    expect(stderr).toContain(`validate: ${LINES} checked: ${LINES / 2} valid, ${LINES / 2} invalid\n`);
    expect(peakRss(stderr)).toBeLessThan(200_000_000);
  });

  it('a pretty-printed document (first line "{") is still one document, even with one-line items inside', async () => {
    const page = `{"conversations": [\n${line(1)},\n${line(2)}\n]}\n`;
    const pretty = JSON.stringify({ conversations: [JSON.parse(line(1))], labels: ['a', 'b'] }, null, 2);
    for (const [name, text, count] of [
      ['items.json', page, 2],
      ['labels.json', pretty, 1],
    ] as const) {
      const path = file(name, text);
      const { code, stdout } = await runBin(['validate', path]);
      expect(code).toBe(0);
      expect(stdout.trimEnd().split('\n')).toHaveLength(count);
      expect(stdout).toMatch(new RegExp(`^${path}:conversations\\[0\\]: ok `));
    }
  });
});

describe('a file that cannot be read', () => {
  const root = process.getuid?.() === 0;
  const NOBODY = 65_534;
  it.skipIf(process.platform === 'win32')(
    'says permission denied, with the path, and exits 2 (as nobody when the tests run as root)',
    async () => {
      const secret = file('secret.ndjson', `${line(1)}\n`);
      chmodSync(secret, 0o000);
      // Root reads any file whatever its mode: run the command as nobody, who cannot.
      const as = root ? { uid: NOBODY, gid: NOBODY } : {};
      for (const command of ['validate', 'replay']) {
        const result = await runBinWith([command, secret], { stdio: 'pipe', ...as });
        expect(result).toEqual({
          code: 2,
          stdout: '',
          stderr: `dialogflow-conversation: ${command}: cannot read ${secret}: permission denied (EACCES); check its permissions (and those of its folders)\n`,
        });
      }
      chmodSync(secret, 0o644);
      // A file in a folder that may not be entered: the same, said before anything is read.
      const locked = join(dir, 'locked');
      mkdirSync(locked);
      const inside = join(locked, 'log.ndjson');
      writeFileSync(inside, `${line(1)}\n`);
      chmodSync(locked, root ? 0o700 : 0o000);
      const result = await runBinWith(['validate', inside], { stdio: 'pipe', ...as });
      chmodSync(locked, 0o755);
      expect(result).toEqual({
        code: 2,
        stdout: '',
        stderr: `dialogflow-conversation: validate: cannot read ${inside}: permission denied (EACCES); check its permissions (and those of its folders)\n`,
      });
    },
  );
});

describe('replay, with notifications for many conversations that are never fetched', () => {
  it(`holds back at most --max-held lines (${DEFAULT_MAX_HELD} by default): 500,000 conversations, memory bounded, what was dropped said`, async () => {
    const CONVERSATIONS = 500_000;
    const path = join(dir, 'never-fetched.ndjson');
    const fd = openSync(path, 'w');
    let batch = '';
    for (let i = 0; i < CONVERSATIONS; i++) {
      const type = i % 2 === 0 ? 'CONVERSATION_FINISHED' : 'HUMAN_INTERVENTION_NEEDED';
      batch += `{"conversation":"projects/acme/conversations/c-${i}","type":"${type}"}\n`;
      if (batch.length > 1_000_000) {
        writeSync(fd, batch);
        batch = '';
      }
    }
    writeSync(fd, `${batch}${JSON.stringify(conversation(`projects/acme/conversations/c-${CONVERSATIONS - 1}`))}\n`);
    closeSync(fd);
    // Stdout is counted as it comes, not kept: it is a line per dropped conversation.
    const child = spawn(process.execPath, ['--require', REPORT_USAGE, BIN, 'replay', '--quiet', path], { cwd: ROOT });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const counts = { dropped: 0, unfetched: 0, first: '', tail: '' };
    let rest = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const parts = (rest + d).split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) {
        if (part.includes('error: dropped, not applied')) {
          counts.dropped++;
          counts.first ||= part;
        } else if (part.includes('error: never fetched')) counts.unfetched++;
        else counts.tail += `${part}\n`;
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const dropped = CONVERSATIONS - DEFAULT_MAX_HELD;
    expect(code).toBe(1);
    expect(counts.dropped).toBe(dropped);
    expect(counts.unfetched).toBe(DEFAULT_MAX_HELD - 1);
    expect(counts.first).toMatch(
      new RegExp(
        `^-\\s+1  CONVERSATION_FINISHED \\(notification\\)\\s+-\\s+c-0  error: dropped, not applied: more than ${DEFAULT_MAX_HELD} lines were held back, and this conversation had waited longest \\(see --max-held\\)$`,
      ),
    );
    // The last conversation was fetched, its held notification applied.
    expect(counts.tail).toBe(
      `Final state of 1 conversation:\n  projects/acme/conversations/c-${CONVERSATIONS - 1}  IN_PROGRESS HUMAN_ASSIST_STAGE version=1\n`,
    );
    expect(stderr).toContain(
      `replay: ${CONVERSATIONS + 1} lines, ${CONVERSATIONS - 1} bad; 1 conversation, ${DEFAULT_MAX_HELD - 1} never fetched; ` +
        `${dropped} held-back lines dropped, about ${dropped} conversations (more than --max-held ${DEFAULT_MAX_HELD} waiting)\n`,
    );
    expect(peakRss(stderr)).toBeGreaterThan(0);
    expect(peakRss(stderr)).toBeLessThan(200_000_000);
  });

  it('--max-held N: a small limit drops early; CONVERSATION_STARTED is never held, never a bad line', async () => {
    const log = ndjson([
      { conversation: 'projects/acme/conversations/a', type: 'CONVERSATION_FINISHED' },
      { conversation: 'projects/acme/conversations/a', type: 'CONVERSATION_STARTED' },
      { conversation: 'projects/acme/conversations/b', type: 'CONVERSATION_STARTED' },
      { conversation: 'projects/acme/conversations/b', type: 'HUMAN_INTERVENTION_NEEDED' },
      { conversation: 'projects/acme/conversations/c', type: 'HUMAN_INTERVENTION_NEEDED' },
      conversation('projects/acme/conversations/c'),
      conversation('projects/acme/conversations/a'),
    ]);
    const { code, stdout, stderr } = await runBin(['replay', '--quiet', '--max-held', '1', file('small.ndjson', log)]);
    expect(code).toBe(1);
    const rows = stdout.split('\n').map((row) => row.replace(/ {2,}/g, ' | '));
    expect(rows.slice(0, 2)).toEqual([
      '- | 1 | CONVERSATION_FINISHED (notification) | - | a | error: dropped, not applied: more than 1 lines were held back, and this conversation had waited longest (see --max-held)',
      '- | 4 | HUMAN_INTERVENTION_NEEDED (notification) | - | b | error: dropped, not applied: more than 1 lines were held back, and this conversation had waited longest (see --max-held)',
    ]);
    // a, fetched after its notification was dropped, starts without it.
    expect(stdout).toContain('projects/acme/conversations/a  IN_PROGRESS VIRTUAL_AGENT_STAGE version=0');
    expect(stdout).toContain('projects/acme/conversations/c  IN_PROGRESS HUMAN_ASSIST_STAGE version=1');
    expect(stderr).toBe(
      'replay: 7 lines, 2 bad; 2 conversations; 2 held-back lines dropped, about 2 conversations (more than --max-held 1 waiting)\n',
    );
  });
});

describe('validate --json', () => {
  it('prints one JSON object per line: a record per valid conversation, one per problem, in a documented shape', async () => {
    const input = ndjson([line(1), { conversations: [JSON.parse(line(2)), { ...JSON.parse(line(3)), startTime: 'now' }] }, '{"name":']);
    const { code, stdout } = await runBin(['validate', '--json', 'docs/examples/list-conversations-page.json', '-'], { input });
    expect(code).toBe(1);
    const records = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const PAGE = 'docs/examples/list-conversations-page.json';
    expect(records.slice(0, 2)).toEqual([
      {
        source: PAGE,
        line: null,
        path: 'conversations[0]',
        ok: true,
        name: 'projects/acme-contact-center/locations/global/conversations/c-20261123-0001',
        lifecycleState: 'COMPLETED',
        conversationStage: 'HUMAN_ASSIST_STAGE',
        version: 0,
      },
      { source: PAGE, line: null, path: 'conversations[1].phoneNumber.countryCode', ok: false, message: 'expected an int32, got 1.5' },
    ]);
    expect(records.slice(5)).toEqual([
      {
        source: '<stdin>',
        line: 1,
        path: '',
        ok: true,
        name: 'projects/acme/locations/global/conversations/c-1',
        lifecycleState: 'IN_PROGRESS',
        conversationStage: 'VIRTUAL_AGENT_STAGE',
        version: 0,
      },
      {
        source: '<stdin>',
        line: 2,
        path: 'conversations[0]',
        ok: true,
        name: 'projects/acme/locations/global/conversations/c-2',
        lifecycleState: 'IN_PROGRESS',
        conversationStage: 'VIRTUAL_AGENT_STAGE',
        version: 0,
      },
      {
        source: '<stdin>',
        line: 2,
        path: 'conversations[1].startTime',
        ok: false,
        message: expect.stringMatching(/^expected an RFC 3339 timestamp/),
      },
      { source: '<stdin>', line: 3, path: '', ok: false, message: expect.stringMatching(/^invalid JSON: /) },
    ]);
    // The keys, in this order, and nothing else.
    for (const r of records) {
      expect(Object.keys(r)).toEqual(
        r.ok === true
          ? ['source', 'line', 'path', 'ok', 'name', 'lifecycleState', 'conversationStage', 'version']
          : ['source', 'line', 'path', 'ok', 'message'],
      );
    }
  });

  it('--json --quiet prints only the problems; an empty input is a record too; --json with --canonical is refused', async () => {
    const empty = file('empty-for-json.ndjson', '');
    const quiet = await runBin(['validate', '--json', '--quiet', 'docs/examples/conversations.ndjson', empty]);
    expect(quiet.code).toBe(1);
    const records = quiet.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r.line, r.ok])).toEqual([
      [3, false],
      [4, false],
      [null, false],
    ]);
    expect(records[2]).toEqual({ source: empty, line: null, path: '', ok: false, message: `no input: ${empty} is empty` });
    expect(await runBin(['validate', '--json', '--canonical', 'docs/examples/conversation.json'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'dialogflow-conversation: validate: --json and --canonical both say what stdout is: give one of them\n',
    });
  });
});

describe('inspect', () => {
  /** Starts `inspect ARGS` on a free port; resolves once it says where to look. */
  const startInspect = async (args: ReadonlyArray<string>) => {
    const port = await freePort();
    const { child, output, closed } = spawnBin(['inspect', '--port', String(port), ...args]);
    child.stdin.end();
    for (let i = 0; i < 200 && !output.stdout.includes('Inspector: open'); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    return { port, child, output, closed };
  };
  /** Whether something accepts a TCP connection at host:port. */
  const accepts = (host: string, port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
  /** The local addresses listening on `port`, from the kernel's table (Linux), as 127.0.0.1. */
  const listening = (port: number): string[] => {
    if (!existsSync('/proc/net/tcp')) return [];
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    return readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((row) => row.trim().split(/\s+/))
      .filter((cols) => cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A')
      .map((cols) => {
        const address = cols[1]?.split(':')[0] ?? '';
        return [6, 4, 2, 0].map((at) => Number.parseInt(address.slice(at, at + 2), 16)).join('.');
      });
  };

  it.skipIf(process.platform !== 'linux')('listens on 127.0.0.1 by default: this machine only', async () => {
    const { port, child, output, closed } = await startInspect([]);
    try {
      expect(output.stdout).toContain(`Inspector: open http://127.0.0.1:${port} in a browser`);
      expect(listening(port)).toEqual(['127.0.0.1']);
      expect(await accepts('127.0.0.1', port)).toBe(true);
      // Another loopback address reaches a server on every interface, not this one.
      expect(await accepts('127.0.0.2', port)).toBe(false);
      // The page: the Stately inspector in a frame, fed from this server's WebSocket.
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(page).toContain('<iframe id="inspector" src="https://stately.ai/inspect">');
      expect(page).toContain("new WebSocket('ws://' + location.host)");
    } finally {
      child.kill('SIGINT');
    }
    expect(await closed).toBe(0);
  });

  it.skipIf(process.platform !== 'linux')('--host 0.0.0.0 listens on every interface, and says so', async () => {
    const { port, child, output, closed } = await startInspect(['--host', '0.0.0.0']);
    try {
      expect(output.stdout).toContain(`Inspector: open http://localhost:${port} in a browser`);
      expect(listening(port)).toEqual(['0.0.0.0']);
      expect(await accepts('127.0.0.2', port)).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    expect(await closed).toBe(0);
  });

  it("gives the inspection events to its own page only: not to another site's page, nor to one that renamed itself to 127.0.0.1", async () => {
    const { port, child, closed } = await startInspect([]);
    /** Whether a WebSocket with these headers is let in (a browser sends Origin; Node's clients do not). */
    const opens = (headers: Record<string, string>): Promise<boolean> =>
      new Promise((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${port}`, { headers });
        socket.once('open', () => {
          socket.close();
          resolve(true);
        });
        socket.once('unexpected-response', () => resolve(false));
        socket.once('error', () => resolve(false));
      });
    try {
      expect(await opens({})).toBe(true);
      expect(await opens({ Origin: `http://127.0.0.1:${port}` })).toBe(true);
      expect(await opens({ Origin: `http://localhost:${port}`, Host: `localhost:${port}` })).toBe(true);
      expect(await opens({ Origin: 'https://evil.example' })).toBe(false);
      expect(await opens({ Origin: `http://evil.example:${port}`, Host: `evil.example:${port}` })).toBe(false); // DNS rebinding
    } finally {
      child.kill('SIGINT');
    }
    expect(await closed).toBe(0);
  });

  it('an address it cannot listen on is a usage error, in one line', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await runBin(['inspect', '--port', String(port), '--host', '192.0.2.1']);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(
      `dialogflow-conversation: inspect: cannot listen on 192.0.2.1:${port}: no such address on this machine (EADDRNOTAVAIL): choose another --host\n`,
    );
  });
});

describe('the replay timeline', () => {
  it('lines up however long the conversation IDs, message IDs and line numbers are: every column starts where the header says', async () => {
    const ids = ['c', `c-${'x'.repeat(64)}`, 'conversation-2026', `z${'9'.repeat(30)}`];
    const lines: unknown[] = [];
    for (const [i, id] of ids.entries()) {
      lines.push(
        pushBody(
          jsonData({ conversation: `projects/acme/conversations/${id}`, type: 'HUMAN_INTERVENTION_NEEDED' }),
          'm'.repeat(i * 9 + 1),
          '2026-11-23T10:05:00.123456789Z',
        ),
      );
      lines.push(conversation(`projects/acme/locations/global/conversations/${id}`));
      lines.push({ conversation: `projects/acme/conversations/${id}`, type: 'CONVERSATION_FINISHED' });
    }
    // Another project: full names; a page; a bad line; blank lines so that line numbers grow to several digits.
    lines.push({ conversations: [conversation('projects/other-project-with-a-long-name/locations/europe-west1/conversations/c')] });
    lines.push('not json');
    const text =
      ndjson(lines) + '\n'.repeat(12_345) + ndjson([{ conversation: 'projects/acme/conversations/c', type: 'UNRECOVERABLE_ERROR' }]);
    const { stdout } = await runBin(['replay', file('widths.ndjson', text)]);
    const rows = stdout.slice(0, stdout.indexOf('\n\nFinal state')).split('\n');
    expect(rows[0]).toBe(TIMELINE_HEADER);
    expect(rows.length).toBeGreaterThan(14);
    const starts = ['ARRIVED', 'STATE AFTER', 'CONVERSATION'].map((name) => TIMELINE_HEADER.indexOf(name));
    const lineEnd = TIMELINE_HEADER.indexOf('LINE') + 'LINE'.length;
    for (const row of rows.slice(1)) {
      expect(row[0], row).not.toBe(' ');
      // LINE is right-aligned: its last digit is where the header's LINE ends.
      expect(row.slice(lineEnd - 1, lineEnd + 2), row).toMatch(/^[\d…] {2}$/);
      for (const start of starts) expect(row.slice(start - 2, start + 1), row).toMatch(/^ {2}\S$/);
    }
    const widths = new Set(rows.slice(1).map((row) => row.slice(starts[2]).split('  ')[0]?.length));
    expect(widths.size).toBeGreaterThan(3); // the conversation column really held labels of different lengths
  });
});
