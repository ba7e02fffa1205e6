import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_TEXT } from '../src/cli/validate/scanner.js';
import { parseConversation, stringifyConversation } from '../src/index.js';
import { expectBackpressure, runCli } from './cli-helpers.js';
import { right } from './helpers.js';

const PAGE = 'docs/examples/list-conversations-page.json';
const NDJSON = 'docs/examples/conversations.ndjson';
const ONE = 'docs/examples/conversation.json';

const conversationLine = (i: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    name: `projects/p/conversations/c-${i}`,
    lifecycleState: 'IN_PROGRESS',
    conversationProfile: 'projects/p/conversationProfiles/support',
    startTime: '2026-11-23T10:00:00Z',
    conversationStage: 'VIRTUAL_AGENT_STAGE',
    ...extra,
  });

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe('validate', () => {
  it('prints the state of a conversation (a GetConversation body) and exits 0', async () => {
    const { code, stdout, stderr } = await runCli(['validate', ONE]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      `${ONE}: ok projects/acme-contact-center/locations/global/conversations/c-20261123-0042 IN_PROGRESS VIRTUAL_AGENT_STAGE version=0\n`,
    );
    expect(stderr).toBe('validate: 1 checked: 1 valid, 0 invalid\n');
  });

  it('checks each item of a ListConversations page: an invalid one is reported with its index and paths, the others still pass', async () => {
    const { code, stdout } = await runCli(['validate', PAGE]);
    expect(code).toBe(1);
    expect(lines(stdout)).toEqual([
      `${PAGE}:conversations[0]: ok projects/acme-contact-center/locations/global/conversations/c-20261123-0001 COMPLETED HUMAN_ASSIST_STAGE version=0`,
      `${PAGE}:conversations[1]: error: phoneNumber.countryCode: expected an int32, got 1.5`,
      `${PAGE}:conversations[1]: error: startTime: 2025-02-29 is not a date in the calendar, in "2025-02-29T09:05:00Z"`,
      `${PAGE}:conversations[1]: error: conversationStage: expected a Conversation.ConversationStage (CONVERSATION_STAGE_UNSPECIFIED, VIRTUAL_AGENT_STAGE, HUMAN_ASSIST_STAGE, or a number), got "HUMAN_ASSIST"`,
      `${PAGE}:conversations[2]: ok projects/acme-contact-center/locations/global/conversations/c-20261123-0003 IN_PROGRESS HUMAN_ASSIST_STAGE version=0`,
    ]);
  });

  it('says so when given notifications, and points to replay, instead of listing the fields a Conversation lacks', async () => {
    const { code, stdout, stderr } = await runCli(['validate', 'docs/examples/replay.ndjson']);
    expect(code).toBe(1);
    const out = lines(stdout);
    expect(out[1]).toBe(
      'docs/examples/replay.ndjson:2: error: this is a Pub/Sub push delivery, not a Conversation or a ListConversations page: play notifications with "dialogflow-conversation replay FILE"',
    );
    expect(out[9]).toBe(
      'docs/examples/replay.ndjson:10: error: this is a ConversationEvent notification, not a Conversation or a ListConversations page: play notifications with "dialogflow-conversation replay FILE"',
    );
    expect(out).toHaveLength(12);
    expect(stderr).toBe('validate: 12 checked: 3 valid, 9 invalid\n');
  });

  it('reads NDJSON of conversations and pages, with line numbers; a bad line does not stop the rest', async () => {
    const { code, stdout, stderr } = await runCli(['validate', NDJSON]);
    expect(code).toBe(1);
    const out = lines(stdout);
    expect(out).toHaveLength(5);
    expect(out[0]).toBe(`${NDJSON}:1: ok projects/acme-contact-center/conversations/c-1 IN_PROGRESS VIRTUAL_AGENT_STAGE version=0`);
    expect(out[1]).toBe(`${NDJSON}:2: ok projects/acme-contact-center/conversations/c-2 COMPLETED HUMAN_ASSIST_STAGE version=0`);
    expect(out[2]).toMatch(new RegExp(`^${NDJSON}:3: error: lifecycleState: expected a Conversation.LifecycleState .*got "DONE"$`));
    expect(out[3]).toMatch(new RegExp(`^${NDJSON}:4: error: invalid JSON: `));
    expect(out[4]).toBe(
      `${NDJSON}:5:conversations[0]: ok projects/acme-contact-center/conversations/c-5 IN_PROGRESS HUMAN_ASSIST_STAGE version=0`,
    );
    expect(stderr).toBe('validate: 5 checked: 3 valid, 2 invalid\n');
  });

  it('reads standard input when no file is given, and for "-"', async () => {
    const input = `${conversationLine(1)}\n${conversationLine(2, { lifecycleState: 'COMPLETED' })}\n`;
    for (const args of [['validate'], ['validate', '-']]) {
      const { code, stdout } = await runCli(args, { stdin: input });
      expect(code).toBe(0);
      expect(lines(stdout)).toEqual([
        '<stdin>:1: ok projects/p/conversations/c-1 IN_PROGRESS VIRTUAL_AGENT_STAGE version=0',
        '<stdin>:2: ok projects/p/conversations/c-2 COMPLETED VIRTUAL_AGENT_STAGE version=0',
      ]);
    }
  });

  it('reads several inputs in order, each detected on its own', async () => {
    const { code, stdout } = await runCli(['validate', ONE, '-', PAGE], { stdin: conversationLine(7) });
    expect(code).toBe(1);
    const where = lines(stdout).map((l) => l.split(': ')[0]);
    expect(where).toEqual([
      ONE,
      '<stdin>:1',
      `${PAGE}:conversations[0]`,
      `${PAGE}:conversations[1]`,
      `${PAGE}:conversations[1]`,
      `${PAGE}:conversations[1]`,
      `${PAGE}:conversations[2]`,
    ]);
  });

  it('--canonical prints canonical ProtoJSON, one line per valid conversation, and the problems on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['validate', '--canonical', PAGE, NDJSON]);
    expect(code).toBe(1);
    const out = lines(stdout);
    expect(out).toHaveLength(5);
    for (const line of out) expect(stringifyConversation(right(parseConversation(line)))).toBe(line);
    expect(out[1]).toContain('"lifecycleState":"IN_PROGRESS"'); // from `lifecycle_state: 1`
    expect(out[1]).toContain('"startTime":"2026-11-23T08:12:00.000000001Z"'); // offset applied, nanoseconds kept
    const problems = lines(stderr);
    expect(problems.filter((l) => l.includes(': error: '))).toHaveLength(5);
    expect(problems.at(-1)).toBe('validate: 8 checked: 5 valid, 3 invalid');
  });

  it('--quiet prints only the problems', async () => {
    const { code, stdout } = await runCli(['validate', '--quiet', PAGE]);
    expect(code).toBe(1);
    expect(lines(stdout).every((l) => l.startsWith(`${PAGE}:conversations[1]: error: `))).toBe(true);
    expect(lines(stdout)).toHaveLength(3);
    expect(await runCli(['validate', '-q', ONE])).toMatchObject({ code: 0, stdout: '' });
  });

  it('reads a pretty-printed document whatever its line breaks, and NDJSON with CRLF, blank lines, a byte order mark and no final newline', async () => {
    const pretty = `\n\n${JSON.stringify(JSON.parse(conversationLine(1)), null, 2).replace(/\n/g, '\r\n')}\r\n`;
    expect(await runCli(['validate'], { stdin: pretty })).toMatchObject({
      code: 0,
      stdout: '<stdin>: ok projects/p/conversations/c-1 IN_PROGRESS VIRTUAL_AGENT_STAGE version=0\n',
    });
    const ndjson = `\uFEFF\r\n${conversationLine(1)}\r\n   \r\n\n${conversationLine(2)}`;
    const { code, stdout } = await runCli(['validate'], { stdin: ndjson });
    expect(code).toBe(0);
    expect(lines(stdout).map((l) => l.split(': ')[0])).toEqual(['<stdin>:2', '<stdin>:5']);
  });

  it('gives the same answers however the input is cut into chunks, even inside a UTF-8 character', async () => {
    const text = `${conversationLine(1, { telephonyConnectionInfo: { note: 'Grüße, 会話 🎧' } })}\n${conversationLine(2)}\nnot json\n${conversationLine(3)}\n`;
    const bytes = Buffer.from(text, 'utf8');
    const whole = await runCli(['validate', '--canonical'], { stdin: Readable.from([bytes]) });
    expect(whole.stdout).toContain('Grüße, 会話 🎧');
    for (const size of [1, 2, 3, 7, 64, 333]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const cut = await runCli(['validate', '--canonical'], { stdin: Readable.from(chunks) });
      expect(cut).toEqual(whole);
    }
  });

  it('reports a problem with the page itself at its path, and still checks its items', async () => {
    const page = JSON.stringify({ conversations: [JSON.parse(conversationLine(1))], nextPageToken: 5 });
    const { code, stdout } = await runCli(['validate'], { stdin: `${page}\n{"conversations":{}}\n` });
    expect(code).toBe(1);
    expect(lines(stdout)).toEqual([
      '<stdin>:1: error: nextPageToken: expected a string, got 5',
      '<stdin>:1:conversations[0]: ok projects/p/conversations/c-1 IN_PROGRESS VIRTUAL_AGENT_STAGE version=0',
      '<stdin>:2: error: conversations: expected an array of conversations, got an object',
    ]);
  });

  it('takes empty pages as pages: {"conversations":[]}, a last page with only a token, and {} (the empty ListConversations body)', async () => {
    const { code, stdout, stderr } = await runCli(['validate'], { stdin: '{"conversations":[]}\n{"next_page_token":"x"}\n{}\n' });
    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([]);
    expect(stderr).toBe('validate: 0 checked: 0 valid, 0 invalid\n');
    // A conversation that lacks everything still says what it lacks.
    const lacking = await runCli(['validate'], { stdin: '{"etag":"x"}\n' });
    expect(lacking.code).toBe(1);
    expect(lines(lacking.stdout)).toEqual([
      '<stdin>:1: error: name: missing: every Conversation returned by Dialogflow has it',
      '<stdin>:1: error: lifecycleState: missing: every Conversation returned by Dialogflow has it',
      '<stdin>:1: error: conversationProfile: missing: every Conversation returned by Dialogflow has it',
      '<stdin>:1: error: startTime: missing: every Conversation returned by Dialogflow has it',
    ]);
  });

  it('skips a line longer than its limit, says so, and goes on', async () => {
    const huge = `{"name":"${'x'.repeat(MAX_TEXT + 10)}"}`;
    const { code, stdout } = await runCli(['validate'], {
      stdin: Readable.from([`${conversationLine(1)}\n`, huge, `\n${conversationLine(3)}\n`]),
    });
    expect(code).toBe(1);
    expect(lines(stdout).map((l) => l.replace(/ok .*/, 'ok'))).toEqual([
      '<stdin>:1: ok',
      '<stdin>:2: error: line longer than 16 MiB: skipped',
      '<stdin>:3: ok',
    ]);
  });

  it('refuses an empty input, or one of blank lines: no input, exit 1; the other inputs are still checked', async () => {
    expect(await runCli(['validate'], { stdin: '' })).toEqual({ code: 1, stdout: '', stderr: 'validate: no input: <stdin> is empty\n' });
    expect(await runCli(['validate'], { stdin: '\uFEFF \r\n\n' })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'validate: no input: <stdin> has nothing but whitespace\n',
    });
    const { code, stdout, stderr } = await runCli(['validate', ONE, '-'], { stdin: '' });
    expect(code).toBe(1);
    expect(lines(stdout)).toHaveLength(1);
    expect(stderr).toBe('validate: no input: <stdin> is empty\nvalidate: 1 checked: 1 valid, 0 invalid\n');
  });

  describe('usage errors: exit 2, one line that says what to do, nothing checked', () => {
    it.each([
      [
        ['validate', '--canonicle', ONE],
        'dialogflow-conversation: validate: unknown option --canonicle: see dialogflow-conversation validate --help',
      ],
      [
        ['validate', ONE, 'docs/examples/nope.json'],
        'dialogflow-conversation: validate: cannot read docs/examples/nope.json: no such file (ENOENT); check the path (or use - for standard input)',
      ],
      [['validate', 'docs'], 'dialogflow-conversation: validate: docs is a directory: give a JSON or NDJSON file'],
      [['validate', '--quiet=yes', ONE], expect.stringMatching(/^dialogflow-conversation: validate: .*--help$/)],
    ])('%j', async (argv, message) => {
      const { code, stdout, stderr } = await runCli(argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.split('\n')).toEqual([message, '']);
    });
  });

  it('--help prints the usage and exits 0', async () => {
    const { code, stdout } = await runCli(['validate', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: dialogflow-conversation validate \[options\] \[FILE\.\.\.\]/);
    expect(stdout).toContain('--canonical');
  });

  describe('the progress line', () => {
    const longInput = (): Readable =>
      Readable.from(
        Array.from({ length: 40 }, (_, chunk) => `${Array.from({ length: 50 }, (_, i) => conversationLine(chunk * 50 + i)).join('\n')}\n`),
      );
    /** A clock that advances 300 ms each time it is read: the input looks long. */
    const slowClock = (): (() => number) => {
      let t = 0;
      return () => (t += 300);
    };

    it('shows on a terminal for a long input, and is erased at the end', async () => {
      const { code, stderr, stdout } = await runCli(['validate', '--quiet'], { stdin: longInput(), stderrIsTTY: true, now: slowClock() });
      expect(code).toBe(0);
      expect(stdout).toBe('');
      const ERASE = '\r\u001b[K'; // back to the start of the line, and clear it
      expect(stderr.split(ERASE).some((part) => /^validate: [\d,]+ checked, 0 invalid: <stdin>$/.test(part))).toBe(true);
      expect(stderr.endsWith(`${ERASE}validate: 2000 checked: 2000 valid, 0 invalid\n`)).toBe(true);
    });

    it('never shows when stderr is not a terminal (piped, or a log file)', async () => {
      const { stderr } = await runCli(['validate', '--quiet'], { stdin: longInput(), stderrIsTTY: false, now: slowClock() });
      expect(stderr).toBe('validate: 2000 checked: 2000 valid, 0 invalid\n');
    });

    it('does not show for a short input', async () => {
      const { stderr } = await runCli(['validate', '--quiet'], { stdin: longInput(), stderrIsTTY: true, now: () => 0 });
      expect(stderr).toBe('validate: 2000 checked: 2000 valid, 0 invalid\n');
    });
  });

  it('respects stdout backpressure: while the reader is stuck, input is not read ahead, and Ctrl-C ends it with 130', async () => {
    await expectBackpressure(['validate'], '', () => `${Array.from({ length: 100 }, (_, i) => conversationLine(i)).join('\n')}\n`);
  });
});
