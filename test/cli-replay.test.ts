import { readFileSync } from 'node:fs';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TIMELINE_HEADER } from '../src/cli/replay/format.js';
import { conversationKey, HELD_LINES_LISTED, Replayer, type ReplayStep } from '../src/cli/replay/replayer.js';
import { type ConversationName, sameConversation } from '../src/index.js';
import { conversationName, notificationJson } from './arbitraries.js';
import { expectBackpressure, REPORT_USAGE, runCli, spawnBin, spawnNode } from './cli-helpers.js';
import { repoPath } from './golden.js';
import { C1, C2, exampleReplayLog, jsonData, protoData, pushBody } from './replay-log.js';

const EXAMPLE = 'docs/examples/replay.ndjson';

const PROFILE = 'projects/acme/locations/global/conversationProfiles/support';
const A = 'projects/acme/locations/global/conversations/c-1';
const A_NOTIFIED = 'projects/acme/conversations/c-1';
/** Another conversation with the same ID, in another location. */
const B = 'projects/acme/locations/europe-west1/conversations/c-1';
const C = 'projects/other/locations/global/conversations/c-2';

const resource = (name: string, fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  lifecycleState: 'IN_PROGRESS',
  conversationProfile: PROFILE,
  startTime: '2026-11-23T10:00:00Z',
  conversationStage: 'VIRTUAL_AGENT_STAGE',
  ...fields,
});

let nextId = 1000;
/** A push of a ConversationEvent in JSON, with a fresh message ID unless given. */
const push = (conversation: string, type: string, extra: Record<string, unknown> = {}, messageId = String(nextId++)) =>
  pushBody(jsonData({ conversation, type, ...extra }), messageId, '2026-11-23T10:05:00Z');

const ndjson = (lines: ReadonlyArray<unknown>): string => lines.map((l) => `${typeof l === 'string' ? l : JSON.stringify(l)}\n`).join('');

/** The replay of `log` through standard input. */
const replay = (log: string, ...options: string[]) => runCli(['replay', ...options, '-'], { stdin: log });

/** The part of the output after the timeline. */
const finalState = (stdout: string): string => stdout.slice(stdout.indexOf('Final state'));

/** The timeline's lines (the header apart), by input line number. */
const rowsOf = (stdout: string, line: number): string[] => stdout.split('\n').filter((row) => new RegExp(`^\\S+\\s+${line}\\s`).test(row));

/** Where each column of the timeline starts (LINE is right-aligned, 9 wide: where its field may start). */
const COLUMNS = (() => {
  const at = (name: string): number => TIMELINE_HEADER.indexOf(name);
  return { line: at('LINE') + 'LINE'.length - 9, arrived: at('ARRIVED'), state: at('STATE AFTER'), conversation: at('CONVERSATION') };
})();

/**
 * A row as `TIME | LINE | ARRIVED | STATE | CONVERSATION | WHAT HAPPENED`, cut at the header's
 * columns (so a test fails when a column moves), the state's padding squeezed.
 */
const cells = (row: string): string => {
  const { line, arrived, state, conversation } = COLUMNS;
  const tail = row.slice(conversation);
  const gap = tail.indexOf('  ');
  return [
    row.slice(0, line),
    row.slice(line, arrived),
    row.slice(arrived, state),
    row.slice(state, conversation).replace(/ +/g, ' '),
    tail.slice(0, gap),
    tail.slice(gap + 2),
  ]
    .map((cell) => cell.trim())
    .join(' | ');
};

describe('replay', () => {
  it('plays the bundled example: a timeline line per input line, the final states, a bad line, exit 1', async () => {
    expect(readFileSync(repoPath(EXAMPLE), 'utf8')).toBe(exampleReplayLog());
    const { code, stdout, stderr } = await runCli(['replay', EXAMPLE]);
    expect(code).toBe(1);
    expect(stderr).toBe('replay: 11 lines, 1 bad; 2 conversations\n');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(TIMELINE_HEADER);
    expect(lines[0]).toMatch(/^TIME\s+LINE\s+ARRIVED\s+STATE AFTER\s+CONVERSATION\s+WHAT HAPPENED$/);
    const row = (n: number): string => {
      const found = rowsOf(stdout, n);
      expect(found).toHaveLength(1);
      return cells(found[0] ?? '');
    };
    expect(row(1)).toBe(
      '- | 1 | fetched resource | IN_PROGRESS VIRTUAL_AGENT_STAGE version=0 | c-20261123-0042 | started from this resource',
    );
    expect(row(2)).toBe(
      '2026-11-23T10:15:30.512Z | 2 | CONVERSATION_STARTED (push) | IN_PROGRESS VIRTUAL_AGENT_STAGE version=0 | c-20261123-0042 | no change (message 2070443601311540)',
    );
    // Protobuf data, decoded.
    expect(row(4)).toBe(
      '2026-11-23T10:16:40.077Z | 4 | UNRECOVERABLE_ERROR (push) | IN_PROGRESS VIRTUAL_AGENT_STAGE version=1 | c-20261123-0042 | ConversationErrorRecorded(code=9) (message 2070443601311542)',
    );
    expect(row(5)).toContain('COMPLETED VIRTUAL_AGENT_STAGE version=2 | c-20261123-0042 | ConversationCompleted');
    // The handoff, delivered after the completion, still counts: it happened before the end.
    expect(row(6)).toContain(
      'COMPLETED HUMAN_ASSIST_STAGE version=3 | c-20261123-0042 | ConversationHandedOff(at=2026-11-23T10:17:02.311Z)',
    );
    // The redelivery of line 5 changes nothing.
    expect(row(7)).toBe(
      '2026-11-23T10:31:46.219Z | 7 | CONVERSATION_FINISHED (push) | COMPLETED HUMAN_ASSIST_STAGE version=3 | c-20261123-0042 | no change (message 2070443601311544)',
    );
    expect(row(8)).toBe(
      '2026-11-23T10:22:10.004Z | 8 | HUMAN_INTERVENTION_NEEDED (push) | - | c-20261123-0043 | held back: not fetched yet; applied once it is (the order of notifications does not matter) (message 2070443601311550)',
    );
    expect(row(9)).toBe(
      '- | 9 | Pub/Sub push | - | - | error: message.publishTime: expected an uppercase "T" between date and time (RFC 3339), got "2026-11-23 10:24:00"',
    );
    // A CONVERSATION_STARTED changes nothing, whatever the conversation: not held, and not a bad line.
    expect(row(10)).toBe(
      '- | 10 | CONVERSATION_STARTED (notification) | - | c-20261123-0043 | not fetched yet, and changes nothing: not held',
    );
    expect(rowsOf(stdout, 11).map(cells)).toEqual([
      '- | 11 | fetched in a page | COMPLETED HUMAN_ASSIST_STAGE version=4 | c-20261123-0042 | ConversationDataObserved(endTime=2026-11-23T10:31:45Z) (conversations[0])',
      '- | 11 | fetched in a page | IN_PROGRESS HUMAN_ASSIST_STAGE version=1 | c-20261123-0043 | started from this resource; held-back line 8: ConversationHandedOff(at=2026-11-23T10:22:10.004Z) (conversations[1])',
    ]);
    expect(finalState(stdout)).toBe(
      'Final state of 2 conversations:\n' +
        `  ${C1}  COMPLETED HUMAN_ASSIST_STAGE version=4  endTime=2026-11-23T10:31:45Z  1 unrecoverable error\n` +
        `  ${C2}  IN_PROGRESS HUMAN_ASSIST_STAGE version=1\n`,
    );
    expect(lines.filter((l) => /^\S+\s+\d+\s/.test(l))).toHaveLength(12);
  });

  it('reads standard input, for "-" or when no FILE is given, the same as the file', async () => {
    const fromFile = await runCli(['replay', EXAMPLE]);
    const text = readFileSync(repoPath(EXAMPLE), 'utf8');
    expect(await runCli(['replay', '-'], { stdin: text })).toEqual(fromFile);
    expect(await runCli(['replay'], { stdin: text })).toEqual(fromFile);
  });

  it('exits 0 when every line played, and reads \r\n and blank lines (numbered, not counted)', async () => {
    const log = `${JSON.stringify(resource(A))}\r\n\r\n   \n${JSON.stringify(push(A_NOTIFIED, 'CONVERSATION_FINISHED'))}\r\n`;
    const { code, stdout, stderr } = await replay(log);
    expect(code).toBe(0);
    expect(stderr).toBe('replay: 2 lines, 0 bad; 1 conversation\n');
    expect(cells(rowsOf(stdout, 4)[0] ?? '')).toMatch(
      /\| COMPLETED VIRTUAL_AGENT_STAGE version=1 \| c-1 \| ConversationCompleted \(message \d+\)$/,
    );
    expect(finalState(stdout)).toBe(`Final state of 1 conversation:\n  ${A}  COMPLETED VIRTUAL_AGENT_STAGE version=1\n`);
  });

  it('reports each bad line with its number and paths, and plays the rest', async () => {
    const log = ndjson([
      resource(A),
      '{"name": "projects/acme/locations/global/conversations/c-1",',
      '[1, 2]',
      push(A_NOTIFIED, 'HUMAN_INTERVENTION_NEDED'),
      { conversation: A_NOTIFIED, type: 'NEW_MESSAGE', newMessagePayload: { createTime: 'yesterday' } },
      { conversations: [resource(C), resource(B, { startTime: '2025-02-29T09:05:00Z' })], nextPageToken: 'next' },
      { conversations: {} },
      resource(A, { conversationStage: 'HUMAN_ASSIST_STAGE', lifecycleState: 'COMPLETED', endTime: '2026-11-23T10:30:00Z' }),
      resource(A, { conversationStage: 'VIRTUAL_AGENT_STAGE', lifecycleState: 'IN_PROGRESS' }),
      {
        conversations: [
          resource(A, {
            conversationProfile: 'projects/acme/conversationProfiles/other',
            lifecycleState: 'COMPLETED',
            conversationStage: 'HUMAN_ASSIST_STAGE',
            endTime: '2026-11-23T10:20:00Z',
          }),
        ],
      },
      resource(A, { lifecycleState: 'DONE' }),
      push(A_NOTIFIED, 'CONVERSATION_FINISHED'),
    ]);
    const { code, stdout, stderr } = await replay(log);
    expect(code).toBe(1);
    expect(stderr).toBe('replay: 12 lines, 8 bad; 2 conversations\n');
    const errors = stdout
      .split('\n')
      .filter((l) => l.includes('error: '))
      .map((l) => cells(l).replace(/invalid JSON: .*/, 'invalid JSON: …'));
    // A regression keeps the conversation as it was: its state is the state after the line.
    const kept = 'COMPLETED HUMAN_ASSIST_STAGE version=2';
    expect(errors).toEqual([
      '- | 2 | not JSON | - | - | error: invalid JSON: …',
      '- | 3 | not an object | - | - | error: expected a JSON object (a Pub/Sub push, a ConversationEvent, a Conversation or a ListConversations page), got an array',
      expect.stringMatching(/^- \| 5 \| ConversationEvent \| - \| - \| error: newMessagePayload\.createTime: /),
      expect.stringMatching(/^- \| 6 \| fetched in a page \| - \| - \| error: conversations\[1\]\.startTime: 2025-02-29 is not a date/),
      expect.stringMatching(/^- \| 7 \| ListConversations page \| - \| - \| error: conversations: expected an array of conversations/),
      `- | 9 | fetched resource | ${kept} | c-1 | error: lifecycleState: would go back from COMPLETED to IN_PROGRESS: a stale read? The conversation is kept as it was`,
      `- | 9 | fetched resource | ${kept} | c-1 | error: conversationStage: would go back from HUMAN_ASSIST_STAGE to VIRTUAL_AGENT_STAGE: a stale read? The conversation is kept as it was`,
      `- | 10 | fetched in a page | ${kept} | c-1 | error: conversations[0].conversationProfile: projects/acme/conversationProfiles/other here, ${PROFILE} in the conversation so far: it never changes`,
      `- | 10 | fetched in a page | ${kept} | c-1 | error: conversations[0].endTime: would go back from 2026-11-23T10:30:00Z to 2026-11-23T10:20:00Z: a stale read? The conversation is kept as it was`,
      expect.stringMatching(/^- \| 11 \| fetched resource \| - \| - \| error: lifecycleState: expected a Conversation.LifecycleState/),
    ]);
    // A type this library does not know (a newer one, or a typo) is no bad line: kept, changing nothing, said so.
    expect(cells(rowsOf(stdout, 4)[0] ?? '')).toMatch(
      /\| 4 \| HUMAN_INTERVENTION_NEDED \(push\) \| IN_PROGRESS VIRTUAL_AGENT_STAGE version=0 \| c-1 \| no change: a type this library does not know \(newer, or misspelt\): kept, and it changes no state \(message \d+\)$/,
    );
    // The good item of the page on line 6 played (C is in another project than A, the first
    // conversation shown: its full name); line 8 moved the conversation forward; line 12 played after all the bad ones.
    expect(cells(rowsOf(stdout, 6)[0] ?? '')).toBe(
      `- | 6 | fetched in a page | IN_PROGRESS VIRTUAL_AGENT_STAGE version=0 | ${C} | started from this resource (conversations[0])`,
    );
    expect(cells(rowsOf(stdout, 8)[0] ?? '')).toBe(
      '- | 8 | fetched resource | COMPLETED HUMAN_ASSIST_STAGE version=2 | c-1 | ConversationHandedOff, ConversationCompleted(endTime=2026-11-23T10:30:00Z)',
    );
    expect(cells(rowsOf(stdout, 12)[0] ?? '')).toMatch(/\| COMPLETED HUMAN_ASSIST_STAGE version=2 \| c-1 \| no change \(message \d+\)$/);
  });

  it('reads every line on its own: a bad first line is a bad line, not the start of a document', async () => {
    const { code, stdout } = await replay(`{\n${JSON.stringify(resource(A))}\n`);
    expect(code).toBe(1);
    expect(cells(rowsOf(stdout, 1)[0] ?? '')).toMatch(/^- \| 1 \| not JSON \| - \| - \| error: invalid JSON: /);
    expect(cells(rowsOf(stdout, 2)[0] ?? '')).toBe(
      '- | 2 | fetched resource | IN_PROGRESS VIRTUAL_AGENT_STAGE version=0 | c-1 | started from this resource',
    );
  });

  it('reports, at the end, each notification about a conversation never fetched, with its line; one that changes nothing is not one', async () => {
    const log = ndjson([
      push(C, 'HUMAN_INTERVENTION_NEEDED', {}, '7'),
      resource(A),
      push(C, 'HUMAN_INTERVENTION_NEEDED', {}, '7'),
      push(C, 'NEW_MESSAGE', {}, '8'),
      push(C, 'CONVERSATION_STARTED', {}, '9'),
    ]);
    const { code, stdout, stderr } = await replay(log);
    expect(code).toBe(1);
    // Lines 4 and 5 change nothing whatever the conversation: nothing is lost by not applying them.
    expect(stderr).toBe('replay: 5 lines, 2 bad; 1 conversation, 1 never fetched\n');
    // C is the first conversation shown: by its ID; A, in another project, by its full name.
    expect(cells(rowsOf(stdout, 2)[0] ?? '')).toContain(`| ${A} | started from this resource`);
    expect(cells(rowsOf(stdout, 3)[0] ?? '')).toMatch(
      /\| - \| c-2 \| held back: not fetched yet; adds nothing to the notifications held \(message 7\)$/,
    );
    expect(cells(rowsOf(stdout, 4)[0] ?? '')).toMatch(/\| - \| c-2 \| not fetched yet, and changes nothing: not held \(message 8\)$/);
    expect(cells(rowsOf(stdout, 5)[0] ?? '')).toMatch(/\| not fetched yet, and changes nothing: not held \(message 9\)$/);
    const tail = stdout.split('\n').filter((l) => l.includes('never fetched'));
    expect(tail.map(cells)).toEqual(
      [1, 3].map(
        (n) =>
          `2026-11-23T10:05:00Z | ${n} | HUMAN_INTERVENTION_NEEDED (push) | - | c-2 | error: never fetched in this log, so not applied: add its GetConversation body or a list page with it (message 7)`,
      ),
    );
    expect(finalState(stdout)).toBe(`Final state of 1 conversation:\n  ${A}  IN_PROGRESS VIRTUAL_AGENT_STAGE version=0\n`);
  });

  it('holds back notifications until their conversation is fetched, and says so; the result is what the other order gives', async () => {
    const notifications = [
      push(A_NOTIFIED, 'CONVERSATION_FINISHED', {}, '1'),
      push(A_NOTIFIED, 'CONVERSATION_FINISHED', {}, '1'),
      push(A_NOTIFIED, 'NEW_MESSAGE', {}, '2'),
      push(A_NOTIFIED, 'UNRECOVERABLE_ERROR', { errorStatus: { code: 14, message: 'SIP trunk unreachable' } }, '3'),
      push(A_NOTIFIED, 'HUMAN_INTERVENTION_NEEDED', {}, '4'),
    ];
    const held = await replay(ndjson([...notifications, resource(A)]));
    const direct = await replay(ndjson([resource(A), ...notifications]));
    expect(held.code).toBe(0);
    expect(finalState(held.stdout)).toBe(finalState(direct.stdout));
    expect(finalState(held.stdout)).toBe(
      `Final state of 1 conversation:\n  ${A}  COMPLETED HUMAN_ASSIST_STAGE version=3  1 unrecoverable error\n`,
    );
    const rows = held.stdout.split('\n').slice(1, 7).map(cells);
    expect(rows.map((r) => r.replace(/^.*? \| c-1 \| /, ''))).toEqual([
      'held back: not fetched yet; applied once it is (the order of notifications does not matter) (message 1)',
      'held back: not fetched yet; adds nothing to the notifications held (message 1)',
      'not fetched yet, and changes nothing: not held (message 2)',
      'held back: not fetched yet; applied once it is (the order of notifications does not matter) (message 3)',
      'held back: not fetched yet; applied once it is (the order of notifications does not matter) (message 4)',
      'started from this resource; held-back line 1: ConversationCompleted; ' +
        'held-back line 4: ConversationErrorRecorded(code=14); held-back line 5: ConversationHandedOff(at=2026-11-23T10:05:00Z)',
    ]);
    expect(rows[5]).toContain('| COMPLETED HUMAN_ASSIST_STAGE version=3 | c-1 |');
  });

  it('keeps one aggregate per conversation: names with and without locations/global are one, another location is another', async () => {
    const log = ndjson([resource(A), resource(B), push(A_NOTIFIED, 'CONVERSATION_FINISHED'), push(A, 'HUMAN_INTERVENTION_NEEDED')]);
    const { code, stdout } = await replay(log);
    expect(code).toBe(0);
    // B has the ID of A, in another location: shown by its full name, so that c-1 names one conversation.
    expect(cells(rowsOf(stdout, 2)[0] ?? '')).toBe(
      `- | 2 | fetched resource | IN_PROGRESS VIRTUAL_AGENT_STAGE version=0 | ${B} | started from this resource`,
    );
    expect(cells(rowsOf(stdout, 3)[0] ?? '')).toMatch(/\| COMPLETED VIRTUAL_AGENT_STAGE version=1 \| c-1 \| ConversationCompleted/);
    expect(finalState(stdout)).toBe(
      'Final state of 2 conversations:\n' +
        `  ${B}  IN_PROGRESS VIRTUAL_AGENT_STAGE version=0\n` +
        `  ${A.padEnd(B.length)}  COMPLETED HUMAN_ASSIST_STAGE version=2\n`,
    );
  });

  it('keys conversations as sameConversation compares them', () => {
    const respell = (name: string): string =>
      name.replace(/^(projects\/[^/]+)\/(locations\/global\/)?/, (_, p, g) => (g ? `${p}/` : `${p}/locations/global/`));
    fc.assert(
      fc.property(conversationName, conversationName, fc.boolean(), (a, b, same) => {
        const other = (same ? respell(a) : b) as ConversationName;
        const x = a as ConversationName;
        expect(conversationKey(x) === conversationKey(other)).toBe(sameConversation(x, other));
      }),
    );
  });

  it('gives the same final states, versions included, for any order and duplication of the same lines', async () => {
    const names = [A_NOTIFIED, A, C, B];
    const line = fc.oneof(
      // Pub/Sub pushes, data in JSON or protobuf; few message IDs and times, so duplicates are common.
      fc
        .tuple(
          notificationJson(fc.constantFrom(...names)),
          fc.boolean(),
          fc.constantFrom('1', '2', '3'),
          fc.constantFrom('10:01:00Z', '10:02:00.5Z'),
        )
        .map(([event, proto, messageId, time]) => pushBody(proto ? protoData(event) : jsonData(event), messageId, `2026-11-23T${time}`)),
      // ConversationEvents in JSON.
      notificationJson(fc.constantFrom(...names)),
    );
    const fetched = fc
      .tuple(fc.constantFrom('IN_PROGRESS', 'COMPLETED'), fc.constantFrom('VIRTUAL_AGENT_STAGE', 'HUMAN_ASSIST_STAGE'))
      .map(([lifecycleState, conversationStage]) => ({ lifecycleState, conversationStage }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 12 }),
        fc.tuple(fetched, fetched, fetched),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (notifications, [a, b, c], seed) => {
          // One fetched resource per conversation (A is fetched as a list page), in any place.
          const lines: unknown[] = [
            ...notifications,
            ...notifications.slice(0, 3),
            { conversations: [resource(A, a)] },
            resource(B, b),
            resource(C, c),
          ];
          const shuffled = [...lines];
          let s = seed;
          for (let i = shuffled.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) % 2 ** 31;
            const j = s % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
          }
          const before = await replay(ndjson(lines));
          const after = await replay(ndjson(shuffled));
          expect(before.code).toBe(0);
          expect(after.code).toBe(0);
          expect(finalState(after.stdout)).toBe(finalState(before.stdout));
          expect((await replay(ndjson(shuffled), '--canonical')).stdout).toBe((await replay(ndjson(lines), '--canonical')).stdout);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('--canonical prints the final states as canonical ProtoJSON on stdout (what validate reads), the timeline on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['replay', '--canonical', EXAMPLE]);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      name: C1,
      lifecycleState: 'COMPLETED',
      conversationProfile: 'projects/acme-contact-center/locations/global/conversationProfiles/support-en-us',
      phoneNumber: { countryCode: 1, phoneNumber: '+16502530000' },
      startTime: '2026-11-23T10:15:30.250Z',
      endTime: '2026-11-23T10:31:45Z',
      conversationStage: 'HUMAN_ASSIST_STAGE',
      telephonyConnectionInfo: { dialedNumber: '+16502530000' },
    });
    expect(JSON.parse(lines[1] ?? '').name).toBe(C2);
    expect(stderr).toMatch(/^TIME/);
    expect(stderr.split('\n').map(cells)).toContain(
      '- | 9 | Pub/Sub push | - | - | error: message.publishTime: expected an uppercase "T" between date and time (RFC 3339), got "2026-11-23 10:24:00"',
    );
    expect(stderr).toMatch(/replay: 11 lines, 1 bad; 2 conversations\n$/);
    const validated = await runCli(['validate', '-'], { stdin: stdout });
    expect(validated.code).toBe(0);
  });

  it('--quiet prints only the problems and the final states', async () => {
    const { code, stdout } = await runCli(['replay', '--quiet', EXAMPLE]);
    expect(code).toBe(1);
    expect(cells(stdout.split('\n')[0] ?? '')).toMatch(/^- \| 9 \| Pub\/Sub push \| - \| - \| error: message\.publishTime: /);
    expect(stdout.split('\n').slice(1).join('\n')).toBe(finalState((await runCli(['replay', EXAMPLE])).stdout));
  });

  it('remembers at most HELD_LINES_LISTED lines of a conversation never fetched, and counts the rest', () => {
    const steps: ReplayStep[] = [];
    const replayer = new Replayer((step) => steps.push(step));
    for (let i = 1; i <= HELD_LINES_LISTED + 5; i++) replayer.line(JSON.stringify(push(C, 'CONVERSATION_FINISHED')), i);
    replayer.finish();
    const last = steps.at(-1);
    expect(last?.type === 'unfetched' && [last.arrivals.length, last.arrivals.at(-1)?.line, last.more]).toEqual([
      HELD_LINES_LISTED,
      HELD_LINES_LISTED,
      5,
    ]);
    expect(replayer.badLines).toBe(HELD_LINES_LISTED + 5);
  });

  it('streams, in a real process: memory holds the conversations, not the lines (120,000 held-back notifications, a 24 MB heap)', async () => {
    const LINES = 120_000;
    const late = 'projects/acme/conversations/late';
    const { child, output, closed } = spawnBin(['replay', '--quiet'], ['--max-old-space-size=24', '--require', REPORT_USAGE]);
    // Writing to a child that has died fails with EPIPE; its exit status tells the story.
    child.stdin.on('error', () => undefined);
    // Every notification comes before its conversation is fetched, each with its own message ID:
    // kept, they would not fit in the heap.
    for (let i = 0; i < LINES; i += 1000) {
      let batch = '';
      for (let j = i; j < i + 1000; j++) {
        const event =
          j % 2 === 0
            ? { conversation: late, type: 'NEW_MESSAGE', newMessagePayload: { name: `${late}/messages/m-${j}`, content: 'x'.repeat(600) } }
            : { conversation: late, type: 'HUMAN_INTERVENTION_NEEDED' };
        batch += `${JSON.stringify(pushBody(jsonData(event), String(j), '2026-11-23T10:05:00Z'))}\n`;
      }
      // A child that died early never drains: stop waiting then, and let the assertions say why.
      if (!child.stdin.write(batch)) await Promise.race([new Promise((resolve) => child.stdin.once('drain', resolve)), closed]);
      if (child.exitCode !== null) break;
    }
    if (child.exitCode === null) child.stdin.end(`${JSON.stringify(resource('projects/acme/locations/global/conversations/late'))}\n`);
    expect(await closed).toBe(0);
    const { stdout, stderr } = output;
    expect(stdout).toBe(
      'Final state of 1 conversation:\n  projects/acme/locations/global/conversations/late  IN_PROGRESS HUMAN_ASSIST_STAGE version=1\n',
    );
    expect(stderr).toContain(`replay: ${LINES + 1} lines, 0 bad; 1 conversation\n`);
    const peak = Number(/peak-rss-kib=(\d+)/.exec(stderr)?.[1]) * 1024;
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(100 * 1000 * 1000);
  });

  it('respects stdout backpressure (input is not read ahead while the reader is stuck), and stops on Ctrl-C with 130', async () => {
    await expectBackpressure(['replay'], `${JSON.stringify(resource(A))}\n`, () =>
      ndjson(Array.from({ length: 100 }, () => push(A_NOTIFIED, 'NEW_MESSAGE'))),
    );
  });

  it('says so when the log fetched no conversation', async () => {
    const { code, stdout, stderr } = await replay(ndjson([push(A_NOTIFIED, 'CONVERSATION_STARTED', {}, '5')]));
    expect(code).toBe(0);
    expect(stderr).toBe('replay: 1 line, 0 bad; 0 conversations\n');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(TIMELINE_HEADER);
    expect(cells(lines[1] ?? '')).toBe(
      '2026-11-23T10:05:00Z | 1 | CONVERSATION_STARTED (push) | - | c-1 | not fetched yet, and changes nothing: not held (message 5)',
    );
    expect(lines.slice(2)).toEqual(['', 'Final state: no conversation was fetched.', '']);
  });

  it('refuses an empty log, or one of blank lines: no input, exit 1', async () => {
    expect(await replay('')).toEqual({ code: 1, stdout: '', stderr: 'replay: no input: <stdin> is empty\n' });
    expect(await replay('\n  \r\n')).toEqual({ code: 1, stdout: '', stderr: 'replay: no input: <stdin> has nothing but whitespace\n' });
  });

  it('reports a line it could not read (longer than the scanner reads) as a bad line', () => {
    const steps: ReplayStep[] = [];
    const replayer = new Replayer((step) => steps.push(step));
    replayer.problem(3, 'line longer than 16 MiB: skipped');
    expect(steps).toEqual([
      {
        type: 'invalid',
        arrival: { line: 3, what: 'unreadable line' },
        errors: [{ path: '', message: 'line longer than 16 MiB: skipped' }],
      },
    ]);
    expect(replayer.badLines).toBe(1);
  });

  it('is part of npm start: docs/examples/start.mjs replays the bundled example, and exits 0 when every command answers as expected', async () => {
    const { output, closed } = spawnNode(['docs/examples/start.mjs']);
    expect(await closed).toBe(0);
    const played = output.stdout.split(`$ dialogflow-conversation replay ${EXAMPLE}\n`)[1]?.split('\n$ ')[0] ?? '';
    expect(played).toContain(finalState((await runCli(['replay', EXAMPLE])).stdout));
    expect(played).toContain('(exit status 1: line 9 is invalid on purpose)');
  });

  it('prints its usage for --help', async () => {
    const { code, stdout, stderr } = await runCli(['replay', '--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: dialogflow-conversation replay \[options\] \[FILE\]\n/);
    expect(stdout).toContain('order-independent');
  });

  it.each([
    [
      ['replay', 'a.ndjson', 'b.ndjson'],
      'replay takes one FILE (a log is one file; concatenate several with cat): see dialogflow-conversation replay --help',
    ],
    [['replay', 'nope.ndjson'], 'replay: cannot read nope.ndjson: no such file (ENOENT); check the path (or use - for standard input)'],
    [['replay', 'docs'], 'replay: docs is a directory: give a JSON or NDJSON file'],
    [['replay', '--json', EXAMPLE], 'replay: unknown option --json: see dialogflow-conversation replay --help'],
    [['replay', '--max-held', 'many', EXAMPLE], 'replay: --max-held takes a whole number from 0 to 1000000000, got "many"'],
  ])('refuses %j with exit 2 and one line', async (argv, message) => {
    expect(await runCli(argv)).toEqual({ code: 2, stdout: '', stderr: `dialogflow-conversation: ${message}\n` });
  });
});
