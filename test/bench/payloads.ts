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

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A tiny seeded generator, so that the realistic inputs are the same from run to run. */
const seeded = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

const OFFSETS = ['Z', '+05:30', '-08:00', '+01:00', 'Z', '-03:00', '+09:00', 'Z'];
const FRACTIONS = [0, 3, 6, 9];

/**
 * The i-th of many distinct timestamps as a server or a proxy may write them: an offset (ProtoJSON
 * accepts any on input), 0, 3, 6 or 9 digits of fraction.
 */
export const realisticTimestamp = (i: number, next: () => number): string => {
  const digits = FRACTIONS[i % FRACTIONS.length] as number;
  const fraction = digits === 0 ? '' : `.${String(Math.floor(next() * 10 ** digits)).padStart(digits, '0')}`;
  const offset = OFFSETS[(i >>> 2) % OFFSETS.length] as string;
  return `2026-${pad(1 + (i % 12), 2)}-${pad(1 + (i % 28), 2)}T${pad(i % 24, 2)}:${pad(Math.floor(next() * 60), 2)}:${pad(Math.floor(next() * 60), 2)}${fraction}${offset}`;
};

const PROFILES = ['support-en-us', 'billing-en-gb', 'sales-de-de', 'agent-assist-only'];
const LOCATIONS = ['global', 'us-central1', 'europe-west2'];

/**
 * The i-th of many distinct realistic conversations, as GetConversation or a proxy gives them:
 * distinct names and times, timestamps with offsets and fractions, a phone number, kept fields
 * (the newer `telephonyConnectionInfo` and `initialConversationProfile`, and an unknown field),
 * one in four with snake_case field names (what a protobuf-to-JSON step may write).
 */
export const realisticJson = (i: number): Record<string, unknown> => {
  const next = seeded(i + 1);
  const snake = i % 4 === 3;
  const location = LOCATIONS[i % LOCATIONS.length] as string;
  const completed = i % 3 === 0;
  const profile = `projects/acme-contact-center/locations/${location}/conversationProfiles/${PROFILES[i % PROFILES.length]}`;
  const phone = `+1 ${pad(200 + Math.floor(next() * 800), 3)}-${pad(Math.floor(next() * 1000), 3)}-${pad(Math.floor(next() * 10_000), 4)}`;
  const fields: Array<[string, string, unknown]> = [
    [
      'name',
      'name',
      `projects/acme-contact-center/locations/${location}/conversations/c-${i.toString(36)}-${Math.floor(next() * 1e9).toString(36)}`,
    ],
    ['lifecycleState', 'lifecycle_state', completed ? 'COMPLETED' : 'IN_PROGRESS'],
    ['conversationProfile', 'conversation_profile', profile],
    ['phoneNumber', 'phone_number', snake ? { country_code: 1, phone_number: phone } : { countryCode: 1, phoneNumber: phone }],
    ['startTime', 'start_time', realisticTimestamp(i, next)],
    ...(completed ? [['endTime', 'end_time', realisticTimestamp(i + 1, next)] as [string, string, unknown]] : []),
    ['conversationStage', 'conversation_stage', i % 2 === 0 ? 'VIRTUAL_AGENT_STAGE' : 'HUMAN_ASSIST_STAGE'],
    [
      'telephonyConnectionInfo',
      'telephony_connection_info',
      {
        dialedNumber: `+1650253${pad(i % 10_000, 4)}`,
        sipHeaders: [
          { name: 'X-Customer-Tier', value: ['gold', 'silver', 'bronze'][i % 3] },
          { name: 'X-Call-Id', value: Math.floor(next() * 1e12).toString(16) },
        ],
      },
    ],
    ['initialConversationProfile', 'initial_conversation_profile', { name: profile, displayName: 'Support', languageCode: 'en-US' }],
    ['satisfactionScore', 'satisfaction_score', { score: 1 + (i % 5), scale: 5 }],
  ];
  return Object.fromEntries(fields.map(([camel, snakeName, value]) => [snake ? snakeName : camel, value]));
};

/** Distinct realistic conversation texts. */
export const realisticTexts = (count: number): string[] => Array.from({ length: count }, (_, i) => JSON.stringify(realisticJson(i)));

/** A ListConversations page of realistic conversations. */
export const realisticPageText = (size: number, page = 0): string =>
  JSON.stringify({
    conversations: Array.from({ length: size }, (_, i) => realisticJson(page * size + i)),
    nextPageToken: `CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXA${page}`,
  });
