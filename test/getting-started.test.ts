import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handle, published } from './examples/handler.js';
import { expectGeneratedSection } from './golden.js';

const body = JSON.stringify({
  name: 'projects/acme/locations/global/conversations/c-42',
  lifecycleState: 'IN_PROGRESS',
  conversationProfile: 'projects/acme/locations/global/conversationProfiles/support',
  startTime: '2026-11-23T10:15:30Z',
  conversationStage: 'HUMAN_ASSIST_STAGE',
});

describe('the handler in docs/getting-started.md', () => {
  it('stores a conversation, completes it once, publishes one event, and refuses bad input with paths', async () => {
    const put = await handle(new Request('http://localhost/conversations', { method: 'PUT', body }));
    expect(put.status).toBe(200);
    const url = 'http://localhost/projects/acme/locations/global/conversations/c-42:complete';
    const done = await handle(new Request(url, { method: 'POST' }));
    expect(done.status).toBe(200);
    expect(JSON.parse(await done.text())).toMatchObject({ lifecycleState: 'COMPLETED', endTime: expect.any(String) });
    expect((await handle(new Request(url, { method: 'POST' }))).status).toBe(200); // again: accepted, nothing new
    expect(published.map((e) => e.type)).toEqual(['ConversationCompleted']);
    const bad = await handle(
      new Request('http://localhost/conversations', { method: 'PUT', body: '{"name":"projects/acme/conversations/x"}' }),
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual([
      'lifecycleState',
      'conversationProfile',
      'startTime',
    ]);
    expect((await handle(new Request('http://localhost/projects/acme/conversations/nope:complete', { method: 'POST' }))).status).toBe(404);
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
