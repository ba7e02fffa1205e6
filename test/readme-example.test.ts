import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringifyConversation } from '../src/index.js';
import { conversation, events } from './readme-example.js';

describe('the README example', () => {
  it('runs and does what its comments say', () => {
    expect(conversation.lifecycleState).toBe('COMPLETED');
    expect(conversation.version).toBe(2);
    expect(events.map((e) => e.type)).toEqual(['ConversationCompleted']);
    expect(stringifyConversation(conversation)).toBe(
      '{"name":"projects/acme/locations/global/conversations/c-42","lifecycleState":"COMPLETED",' +
        '"conversationProfile":"projects/acme/locations/global/conversationProfiles/support","startTime":"2026-11-23T04:45:30.123Z",' +
        '"endTime":"2026-11-23T05:20:00Z","conversationStage":"HUMAN_ASSIST_STAGE","telephonyConnectionInfo":{"dialedNumber":"+16502530000"}}',
    );
  });

  it('is in the README, verbatim', () => {
    const source = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8');
    const [, afterStart = ''] = source.split('// README-EXAMPLE-START\n');
    const [example = ''] = afterStart.split('// README-EXAMPLE-END');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(example.length).toBeGreaterThan(100);
    expect(readme).toContain(`\`\`\`ts\n${example.replace("'../src/index.js'", "'dialogflow-conversation'").trimEnd()}\n\`\`\``);
  });
});
