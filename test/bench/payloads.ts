import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder, found from here whether this runs from `test/` or from `dist/test/`. */
export const projectRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || existsSync(join(dir, 'tsconfig.json')) === false) dir = dirname(dir);
  return dir;
};

const fixture = (name: string): string => readFileSync(join(projectRoot(), 'test', 'fixtures', name), 'utf8');

/** A conversation in progress with a virtual agent and a phone number: what most responses look like. */
export const typicalText = (): string => JSON.stringify(JSON.parse(fixture('in-progress-virtual-agent.json')));

/** A completed conversation with every field, the newer ones (kept verbatim) and an unknown one. */
export const completeText = (): string => JSON.stringify(JSON.parse(fixture('completed-all-fields.json')));

/** The i-th of many distinct typical conversations (names, times and phone numbers differ). */
export const conversationJson = (i: number): Record<string, unknown> => ({
  name: `projects/acme-contact-center/locations/global/conversations/c-${i.toString(36).padStart(8, '0')}`,
  lifecycleState: i % 3 === 0 ? 'COMPLETED' : 'IN_PROGRESS',
  conversationProfile: 'projects/acme-contact-center/locations/global/conversationProfiles/support-en-us',
  phoneNumber: { countryCode: 1, phoneNumber: `+1 650-253-${String(i % 10_000).padStart(4, '0')}` },
  startTime: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:07.${String(i % 1000).padStart(3, '0')}${String((i * 7) % 1000).padStart(3, '0')}Z`,
  ...(i % 3 === 0 ? { endTime: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T23:59:59Z` } : {}),
  conversationStage: i % 2 === 0 ? 'VIRTUAL_AGENT_STAGE' : 'HUMAN_ASSIST_STAGE',
});

/** Distinct conversation texts, for memory measurements. */
export const conversationTexts = (count: number): string[] => Array.from({ length: count }, (_, i) => JSON.stringify(conversationJson(i)));

/** A ListConversations page. */
export const pageText = (size: number): string =>
  JSON.stringify({
    conversations: Array.from({ length: size }, (_, i) => conversationJson(i)),
    nextPageToken: 'CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA',
  });
