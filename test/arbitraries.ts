import * as fc from 'fast-check';
import { type ConversationJson, timestampFromEpoch } from '../src/index.js';

/** JSON as it travels: what JSON.stringify then JSON.parse gives (no -0, no undefined). */
export const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const segmentChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~:');
export const segment = fc.string({ unit: segmentChar, minLength: 1, maxLength: 20 });

const resourceName = (collection: string) =>
  fc
    .tuple(segment, fc.option(segment, { nil: undefined }), segment)
    .map(([project, location, id]) =>
      location === undefined ? `projects/${project}/${collection}/${id}` : `projects/${project}/locations/${location}/${collection}/${id}`,
    );
export const conversationName = resourceName('conversations');
export const conversationProfileName = resourceName('conversationProfiles');

/** An instant in ProtoJSON's range. */
export const epoch = fc.record({
  seconds: fc.integer({ min: -62_135_596_800, max: 253_402_300_799 }),
  nanos: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 999 }).map((n) => n * 1_000_000),
    fc.integer({ min: 0, max: 999_999_999 }),
  ),
});
export const canonicalTimestamp = epoch.map((t) => timestampFromEpoch(t) as string);

const KNOWN = new Set([
  'name',
  'lifecycleState',
  'lifecycle_state',
  'conversationProfile',
  'conversation_profile',
  'phoneNumber',
  'phone_number',
  'startTime',
  'start_time',
  'endTime',
  'end_time',
  'conversationStage',
  'conversation_stage',
  'telephonyConnectionInfo',
  'telephony_connection_info',
  'initialConversationProfile',
  'initial_conversation_profile',
  'ingestedContextReferences',
  'ingested_context_references',
  'initialGeneratorContexts',
  'initial_generator_contexts',
]);

const unknownKey = fc
  .oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'))
  .filter((k) => !KNOWN.has(k));
const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }).map(asJson);
const nonEmptyMap = fc.dictionary(fc.string({ maxLength: 8 }), jsonObject, { minKeys: 1, maxKeys: 3 }).map(asJson);

/** A conversation as canonical ProtoJSON, the way Dialogflow returns it (every required field set). */
export const canonicalConversationJson: fc.Arbitrary<ConversationJson> = fc
  .record(
    {
      name: conversationName,
      lifecycleState: fc.constantFrom('IN_PROGRESS', 'COMPLETED'),
      conversationProfile: conversationProfileName,
      phoneNumber: fc.record(
        {
          countryCode: fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }).filter((n) => n !== 0),
          phoneNumber: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
        },
        { requiredKeys: [] },
      ),
      startTime: canonicalTimestamp,
      endTime: canonicalTimestamp,
      conversationStage: fc.constantFrom('VIRTUAL_AGENT_STAGE', 'HUMAN_ASSIST_STAGE'),
      telephonyConnectionInfo: jsonObject,
      initialConversationProfile: jsonObject,
      ingestedContextReferences: nonEmptyMap,
      initialGeneratorContexts: nonEmptyMap,
    },
    { requiredKeys: ['name', 'lifecycleState', 'conversationProfile', 'startTime', 'conversationStage'] },
  )
  .chain((known) =>
    fc
      .array(
        fc.tuple(
          unknownKey,
          fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null),
        ),
        { maxLength: 3 },
      )
      .map((unknown) => {
        const out: Record<string, unknown> = { ...known };
        for (const [k, v] of unknown)
          Object.defineProperty(out, k, { value: asJson(v), enumerable: true, writable: true, configurable: true });
        return out as ConversationJson;
      }),
  );

const SNAKE: Record<string, string> = {
  lifecycleState: 'lifecycle_state',
  conversationProfile: 'conversation_profile',
  phoneNumber: 'phone_number',
  startTime: 'start_time',
  endTime: 'end_time',
  conversationStage: 'conversation_stage',
  telephonyConnectionInfo: 'telephony_connection_info',
  initialConversationProfile: 'initial_conversation_profile',
  ingestedContextReferences: 'ingested_context_references',
  initialGeneratorContexts: 'initial_generator_contexts',
  countryCode: 'country_code',
};
const ENUM_NUMBERS: Record<string, number> = { IN_PROGRESS: 1, COMPLETED: 2, VIRTUAL_AGENT_STAGE: 1, HUMAN_ASSIST_STAGE: 2 };

/** The same timestamp written with an offset and extra zero digits. */
const respell = (ts: string, offsetMinutes: number, pad: number): string => {
  const [whole, fraction = ''] = ts.slice(0, -1).split('.');
  const base = Date.parse(`${whole}Z`);
  if (Number.isNaN(base) || (whole ?? '').startsWith('00')) return ts;
  const local = new Date(base + offsetMinutes * 60_000);
  const year = local.getUTCFullYear();
  if (year < 1 || year > 9999) return ts;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const digits = `${fraction}${'0'.repeat(pad)}`.slice(0, 9);
  const text = local
    .toISOString()
    .slice(0, 19)
    .replace(/^\+?0*(\d{4})/, '$1');
  const padded = year < 1000 ? text.padStart(19, '0') : text;
  return `${padded}${digits ? `.${digits}` : ''}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/**
 * The same conversation, spelled as other ProtoJSON writers may: proto names, enum numbers,
 * quoted int32s, offsets, explicit nulls, shuffled keys. Decodes to the same aggregate.
 */
export const respelledConversationJson = canonicalConversationJson.chain((json) =>
  fc
    .record({
      snake: fc.boolean(),
      numbers: fc.boolean(),
      quoted: fc.boolean(),
      offset: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
      pad: fc.integer({ min: 0, max: 9 }),
      nulls: fc.boolean(),
      seed: fc.integer(),
    })
    .map(({ snake, numbers, quoted, offset, pad, nulls, seed }) => {
      const entries: Array<[string, unknown]> = [];
      for (const key of Object.keys(json)) {
        let value: unknown = json[key];
        if (numbers && (key === 'lifecycleState' || key === 'conversationStage') && typeof value === 'string') value = ENUM_NUMBERS[value];
        if ((key === 'startTime' || key === 'endTime') && typeof value === 'string') value = respell(value, offset, pad);
        if (key === 'phoneNumber' && typeof value === 'object' && value !== null) {
          const phone: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(value)) {
            phone[snake && Object.hasOwn(SNAKE, k) ? (SNAKE[k] as string) : k] = quoted && k === 'countryCode' ? String(v) : v;
          }
          value = phone;
        }
        const spelled = snake && Object.hasOwn(SNAKE, key) ? (SNAKE[key] as string) : key;
        entries.push([spelled, value]);
      }
      if (nulls && !('endTime' in json)) entries.push(['end_time', null]);
      // Shuffle deterministically from the seed.
      let s = seed;
      for (let i = entries.length - 1; i > 0; i--) {
        s = (s * 1103515245 + 12345) & 0x7fffffff;
        const j = s % (i + 1);
        [entries[i], entries[j]] = [entries[j] as [string, unknown], entries[i] as [string, unknown]];
      }
      // Unknown fields keep their relative order: it is theirs to keep, and output follows it.
      const isUnknown = (k: string) => !KNOWN.has(k);
      const unknownInOrder = entries
        .filter(([k]) => isUnknown(k))
        .sort((a, b) => Object.keys(json).indexOf(a[0]) - Object.keys(json).indexOf(b[0]));
      let u = 0;
      for (let i = 0; i < entries.length; i++)
        if (isUnknown((entries[i] as [string, unknown])[0])) entries[i] = unknownInOrder[u++] as [string, unknown];
      const out: Record<string, unknown> = {};
      for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      return { canonical: json, respelled: out };
    }),
);
