import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { fromPersistedSnapshot } from '../src/index.js';
import { handle, published, table } from './examples/handler.js';
import { expectGeneratedSection } from './golden.js';
import { right } from './helpers.js';
import { aboutName, type Format, pushBody, random, shuffle } from './support/pushes.js';

const NAME = 'projects/acme/locations/global/conversations/c-42';
const KEY = 'projects/acme/conversations/c-42';
const resource = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    name: NAME,
    lifecycleState: 'IN_PROGRESS',
    conversationProfile: 'projects/acme/locations/global/conversationProfiles/support',
    startTime: '2026-11-23T10:15:30Z',
    conversationStage: 'VIRTUAL_AGENT_STAGE',
    ...fields,
  });

const put = (body: string) => handle(new Request('http://localhost/conversations', { method: 'PUT', body }));
const push = (body: unknown) => handle(new Request('http://localhost/pubsub/push', { method: 'POST', body: JSON.stringify(body) }));
const completeIt = () => handle(new Request(`http://localhost/${NAME}:complete`, { method: 'POST' }));
/** What the table holds, read back as a backend would after a restart. */
const stored = () => right(fromPersistedSnapshot(JSON.parse(table.get(KEY)?.snapshot ?? 'null')));

/** Three notifications of one conversation, each its own Pub/Sub message. */
const deliveries = (format: Format) => [
  pushBody('m-1', '2026-11-23T10:20:00Z', { conversation: aboutName('c-42'), type: 'HUMAN_INTERVENTION_NEEDED' }, format),
  pushBody(
    'm-2',
    '2026-11-23T10:25:00Z',
    { conversation: aboutName('c-42'), type: 'UNRECOVERABLE_ERROR', errorStatus: { code: 13, message: 'the agent failed' } },
    format,
  ),
  pushBody('m-3', '2026-11-23T10:30:00Z', { conversation: aboutName('c-42'), type: 'CONVERSATION_FINISHED' }, format),
];

beforeEach(() => {
  table.clear();
  published.length = 0;
});

describe('the handler in docs/getting-started.md', () => {
  it('stores a conversation, completes it once, publishes one event, and refuses bad input with paths', async () => {
    expect((await put(resource({ conversationStage: 'HUMAN_ASSIST_STAGE' }))).status).toBe(200);
    const done = await completeIt();
    expect(done.status).toBe(200);
    expect(JSON.parse(await done.text())).toMatchObject({ lifecycleState: 'COMPLETED', endTime: expect.any(String) });
    expect((await completeIt()).status).toBe(200); // again: accepted, nothing new
    expect(published.map((e) => e.type)).toEqual(['ConversationCompleted']);
    const bad = await put('{"name":"projects/acme/conversations/x"}');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual([
      'lifecycleState',
      'conversationProfile',
      'startTime',
    ]);
    expect((await handle(new Request('http://localhost/projects/acme/conversations/nope:complete', { method: 'POST' }))).status).toBe(404);
  });

  it.each(['JSON', 'PROTO'] as const)(
    'under redelivery in any order (%s), each notification counts once: one error recorded, one event each',
    async (format) => {
      const next = random(format === 'JSON' ? 7 : 11);
      for (let round = 0; round < 20; round++) {
        table.clear();
        published.length = 0;
        await put(resource());
        // Every delivery at least once, some several times, shuffled.
        const schedule = shuffle([...deliveries(format), ...deliveries(format), ...deliveries(format).slice(0, 1 + (round % 3))], next);
        for (const body of schedule) expect((await push(body)).status).toBe(204);
        const c = stored();
        // A notification carries no end time (its publish time is not one): a later fetch brings it.
        expect([c.lifecycleState, c.conversationStage, c.endTime]).toEqual(['COMPLETED', 'HUMAN_ASSIST_STAGE', undefined]);
        expect(c.unrecoverableErrors?.map((e) => e.errorStatus?.message)).toEqual(['the agent failed']);
        expect(published.map((e) => e.type).sort()).toEqual([
          'ConversationCompleted',
          'ConversationErrorRecorded',
          'ConversationHandedOff',
        ]);
        expect(c.version).toBe(3);
      }
    },
  );

  it('a stale fetch (a resource older than what is held) is refused and changes nothing', async () => {
    await put(resource());
    for (const body of deliveries('JSON')) await push(body);
    const before = table.get(KEY);
    const events = published.length;
    // What GetConversation said before the handoff, arriving late (a slow poller, another instance).
    const stale = await put(resource());
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: string }).error).toBe('Regression');
    expect(table.get(KEY)).toBe(before);
    expect(published.length).toBe(events);
    const c = stored();
    expect([c.lifecycleState, c.unrecoverableErrors?.length]).toEqual(['COMPLETED', 1]);
    // A fresh fetch is accepted: it moves nothing back, and brings what the notifications did not say.
    const fresh = await put(
      resource({ lifecycleState: 'COMPLETED', conversationStage: 'HUMAN_ASSIST_STAGE', endTime: '2026-11-23T10:30:00Z' }),
    );
    expect(fresh.status).toBe(200);
    expect(published.slice(events).map((e) => e.type)).toEqual(['ConversationDataObserved']);
    expect([stored().endTime, stored().version, stored().unrecoverableErrors?.length]).toEqual(['2026-11-23T10:30:00Z', 4, 1]);
    // The same fetch again changes nothing.
    const after = table.get(KEY);
    expect(
      (await put(resource({ lifecycleState: 'COMPLETED', conversationStage: 'HUMAN_ASSIST_STAGE', endTime: '2026-11-23T10:30:00Z' })))
        .status,
    ).toBe(200);
    expect(table.get(KEY)).toBe(after);
  });

  it('asks for a push about an unknown conversation again (503), and applies it once the conversation is known', async () => {
    const [handoff] = deliveries('PROTO');
    expect((await push(handoff)).status).toBe(503);
    expect(table.size).toBe(0);
    await put(resource());
    expect((await push(handoff)).status).toBe(204);
    expect(stored().conversationStage).toBe('HUMAN_ASSIST_STAGE');
    // A push that can never be read is acknowledged, not redelivered forever.
    expect((await push({ message: { data: '!!' } })).status).toBe(200);
  });

  it('is in docs/getting-started.md, verbatim (npm run docs copies it there)', () => {
    const source = readFileSync(new URL('./examples/handler.ts', import.meta.url), 'utf8');
    const example = source.split('// HANDLER-START\n')[1]?.split('// HANDLER-END')[0] ?? '';
    expect(example.length).toBeGreaterThan(500);
    expectGeneratedSection(
      'docs/getting-started.md',
      'handler',
      `\`\`\`ts\n${example.replace("'../../src/index.js'", "'dialogflow-conversation'")}\`\`\`\n`,
    );
  });
});
