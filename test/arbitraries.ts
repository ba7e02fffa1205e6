import * as fc from 'fast-check';
import {
  type Conversation,
  type ConversationDomainEvent,
  type ConversationJson,
  type ConversationName,
  type ConversationPhoneNumber,
  decodeConversation,
  evolve,
  fromMachineSnapshot,
  type JsonObject,
  type Timestamp,
  toMachineSnapshot,
  type UnrecoverableError,
} from '../src/index.js';
import { ConversationPhoneNumberCodec, timestampFromEpoch } from '../src/wire/index.js';
import { right } from './helpers.js';

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
export const canonicalTimestamp = epoch.map((t) => right(timestampFromEpoch(t)) as string);

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

const text = fc.string({ minLength: 1, maxLength: 10 });
const base64 = fc.uint8Array({ minLength: 1, maxLength: 8 }).map((b) => Buffer.from(b).toString('base64'));
const contextReference = fc.record(
  {
    contextContents: fc.array(
      fc.record(
        {
          content: text,
          contentFormat: fc.constantFrom('JSON', 'PLAIN_TEXT'),
          ingestionTime: canonicalTimestamp,
          answerRecord: text,
        },
        { requiredKeys: [] },
      ),
      { minLength: 1, maxLength: 2 },
    ),
    updateMode: fc.constantFrom('APPEND', 'OVERWRITE'),
    languageCode: fc.constantFrom('en-US', 'ja'),
    createTime: canonicalTimestamp,
  },
  { requiredKeys: [] },
);

/** The kept fields of a Conversation, as canonical ProtoJSON of their proto types (the engine checks them). */
const keptFields = {
  telephonyConnectionInfo: fc.record(
    {
      dialedNumber: text,
      sdp: text,
      sipHeaders: fc.array(fc.record({ name: text, value: text }, { requiredKeys: [] }), { minLength: 1, maxLength: 2 }),
      extraMimeContents: fc.array(fc.record({ mimeType: text, content: base64 }, { requiredKeys: [] }), { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
  initialConversationProfile: fc.record(
    {
      name: conversationProfileName,
      displayName: text,
      languageCode: fc.constantFrom('en-US', 'de'),
      createTime: canonicalTimestamp,
      timeZone: fc.constantFrom('Europe/Paris', 'America/New_York'),
    },
    { requiredKeys: [] },
  ),
  ingestedContextReferences: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), contextReference, { minKeys: 1, maxKeys: 2 }),
  initialGeneratorContexts: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 6 }),
    fc.record({ generatorType: fc.constantFrom('FREE_FORM', 'SUMMARIZATION', 'TRANSLATION') }, { requiredKeys: [] }),
    { minKeys: 1, maxKeys: 2 },
  ),
};

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
      ...keptFields,
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

/** A float32 written as protobuf writes it: the shortest decimal that is the same float32. */
export const float32 = fc
  .float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
  .filter((x) => x !== 0)
  .map((x) => {
    const f = Math.fround(x);
    for (let p = 1; p <= 9; p++) {
      const c = Number(f.toPrecision(p));
      if (Math.fround(c) === f) return c;
    }
    return f;
  });

const nonEmpty = fc.string({ minLength: 1, maxLength: 12 });
/** A google.protobuf.Duration in canonical ProtoJSON. */
export const duration = fc
  .tuple(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(0, 500_000_000, 120_000, 7))
  .filter(([s, n]) => s !== 0 || n !== 0)
  .map(([s, n]) => {
    const f =
      n === 0
        ? ''
        : n % 1_000_000 === 0
          ? `.${String(n / 1e6).padStart(3, '0')}`
          : n % 1000 === 0
            ? `.${String(n / 1e3).padStart(6, '0')}`
            : `.${String(n).padStart(9, '0')}`;
    return `${s}${f}s`;
  });

/** A google.cloud.dialogflow.v2.Message, canonical (fields in number order, defaults left out). */
export const messagePayload = fc.record(
  {
    name: conversationName.map((c) => `${c}/messages/m-1`),
    content: nonEmpty,
    languageCode: fc.constantFrom('en-US', 'fr-FR'),
    participant: conversationName.map((c) => `${c}/participants/p-1`),
    participantRole: fc.constantFrom('HUMAN_AGENT', 'AUTOMATED_AGENT', 'END_USER'),
    createTime: canonicalTimestamp,
    messageAnnotation: fc.record(
      {
        parts: fc.array(
          fc.record(
            {
              text: nonEmpty,
              entityType: nonEmpty,
              // No `__proto__` key: Google's fromProto3JSON, which the tests use to make protobuf
              // bytes, loses it (assigned, it becomes the prototype). This library keeps it.
              formattedValue: fc
                .jsonValue({ maxDepth: 2 })
                .filter((v) => v !== null && !JSON.stringify(v).includes('"__proto__"'))
                .map(asJson),
            },
            { requiredKeys: [] },
          ),
          { minLength: 1, maxLength: 2 },
        ),
        containEntities: fc.constant(true),
      },
      { requiredKeys: [] },
    ),
    sentimentAnalysis: fc.record(
      { queryTextSentiment: fc.record({ score: float32, magnitude: float32 }, { requiredKeys: [] }) },
      { requiredKeys: [] },
    ),
    sendTime: canonicalTimestamp,
  },
  { requiredKeys: [] },
);

/** A google.cloud.dialogflow.v2.StreamingRecognitionResult, canonical. */
export const recognitionPayload = fc.record(
  {
    messageType: fc.constantFrom('TRANSCRIPT', 'END_OF_SINGLE_UTTERANCE', 'DTMF_DIGITS', 'PARTIAL_DTMF_DIGITS'),
    transcript: nonEmpty,
    isFinal: fc.constant(true),
    confidence: float32,
    speechWordInfo: fc.array(
      fc.record({ startOffset: duration, endOffset: duration, word: nonEmpty, confidence: float32 }, { requiredKeys: [] }),
      { minLength: 1, maxLength: 3 },
    ),
    speechEndOffset: duration,
    languageCode: fc.constantFrom('en-US', 'de-DE'),
  },
  { requiredKeys: [] },
);

/** A google.rpc.Status, canonical, with a standard error detail. */
export const rpcStatus = fc.record(
  {
    code: fc.integer({ min: 1, max: 16 }),
    message: nonEmpty,
    details: fc.array(
      fc
        .record(
          {
            reason: fc.constantFrom('TELEPHONY_MISCONFIGURED', 'SIP_TRUNK_UNREACHABLE'),
            domain: fc.constant('dialogflow.googleapis.com'),
            metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.string({ maxLength: 5 }), { minKeys: 1, maxKeys: 2 }),
          },
          { requiredKeys: [] },
        )
        .map((info) => ({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', ...info })),
      { minLength: 1, maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

export const NOTIFICATION_TYPES = [
  'TYPE_UNSPECIFIED',
  'CONVERSATION_STARTED',
  'CONVERSATION_FINISHED',
  'HUMAN_INTERVENTION_NEEDED',
  'UNRECOVERABLE_ERROR',
  'NEW_MESSAGE',
  'NEW_RECOGNITION_RESULT',
] as const;

/** A ConversationEvent in canonical ProtoJSON, with the payload its type carries. */
export const notificationJson = (conversation: fc.Arbitrary<string> = conversationName) =>
  fc
    .tuple(conversation, fc.constantFrom(...NOTIFICATION_TYPES), rpcStatus, messagePayload, recognitionPayload)
    .map(([name, type, errorStatus, message, recognition]) => {
      const out: Record<string, unknown> = { conversation: name };
      if (type !== 'TYPE_UNSPECIFIED') out.type = type;
      if (type === 'UNRECOVERABLE_ERROR') out.errorStatus = errorStatus;
      if (type === 'NEW_MESSAGE') out.newMessagePayload = message;
      if (type === 'NEW_RECOGNITION_RESULT') out.newRecognitionResultPayload = recognition;
      return out;
    });

/** A v2beta1 SuggestionResult, canonical: FAQ answers, smart replies, or an error. */
export const suggestionResult = fc.oneof(
  fc.record({ error: rpcStatus }),
  fc.record({
    suggestFaqAnswersResponse: fc.record(
      {
        faqAnswers: fc.array(
          fc.record(
            {
              answer: nonEmpty,
              confidence: float32,
              question: nonEmpty,
              source: fc.constant('projects/p/knowledgeBases/kb/documents/d'),
              metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 4 }), { minKeys: 1, maxKeys: 2 }),
              answerRecord: fc.constant('projects/p/answerRecords/a-1'),
            },
            { requiredKeys: [] },
          ),
          { minLength: 1, maxLength: 2 },
        ),
        latestMessage: conversationName.map((c) => `${c}/messages/m-1`),
        contextSize: fc.integer({ min: 1, max: 20 }),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.record({
    suggestSmartRepliesResponse: fc.record(
      {
        smartReplyAnswers: fc.array(fc.record({ reply: nonEmpty, confidence: float32 }, { requiredKeys: [] }), {
          minLength: 1,
          maxLength: 2,
        }),
        contextSize: fc.integer({ min: 1, max: 20 }),
      },
      { requiredKeys: [] },
    ),
  }),
);

/** A HumanAgentAssistantEvent in canonical ProtoJSON: a participant, suggestions, or both. */
export const suggestionJson = (conversation: fc.Arbitrary<string> = conversationName) =>
  fc
    .tuple(
      conversation,
      fc.option(
        conversationName.map((c) => `${c}/participants/agent-1`),
        { nil: undefined },
      ),
      fc.option(fc.array(suggestionResult, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    )
    .filter(([, participant, results]) => participant !== undefined || results !== undefined)
    .map(([name, participant, results]) => {
      const out: Record<string, unknown> = { conversation: name };
      if (participant !== undefined) out.participant = participant;
      if (results !== undefined) out.suggestionResults = results;
      return out;
    });

const PUBLISH_TIMES = ['2026-11-23T10:01:00Z', '2026-11-23T10:01:00.500Z', '2026-11-23T10:02:00Z'] as Timestamp[];

/** An unrecoverable error as recorded; drawn from few values, so duplicates and ties are common. */
export const unrecoverableError: fc.Arbitrary<UnrecoverableError> = fc.record(
  {
    publishTime: fc.constantFrom(...PUBLISH_TIMES),
    messageId: fc.constantFrom('1', '2', '10'),
    errorStatus: fc.constantFrom<JsonObject>({ code: 9 }, { code: 14, message: 'SIP trunk unreachable' }),
  },
  { requiredKeys: [] },
);

const phoneNumberOf = (json: unknown): ConversationPhoneNumber => {
  const decoded = ConversationPhoneNumberCodec.decode(json);
  if (decoded._tag === 'Left') throw new Error('bad phone number');
  return decoded.right;
};

/** Output-only data a fetched resource may report. */
export const observedData = fc.record(
  {
    name: conversationName.map((n) => n as ConversationName),
    startTime: canonicalTimestamp.map((t) => t as Timestamp),
    endTime: canonicalTimestamp.map((t) => t as Timestamp),
    phoneNumber: fc
      .record(
        { countryCode: fc.integer({ min: 1, max: 999 }), phoneNumber: fc.string({ minLength: 1, maxLength: 8 }) },
        { requiredKeys: [] },
      )
      .map(phoneNumberOf),
    unknownFields: jsonObject.filter((o) => Object.keys(o).length > 0).map((o) => o as JsonObject),
  },
  { requiredKeys: [] },
);

/** Any conversation: named or not (created here), with some recorded errors, at any version. */
export const aggregate: fc.Arbitrary<Conversation> = fc
  .tuple(canonicalConversationJson, fc.nat(1000), fc.boolean(), fc.array(unrecoverableError, { maxLength: 3 }))
  .map(([json, version, unnamed, errors]) => {
    const decoded = decodeConversation(json, { version });
    if (decoded._tag === 'Left') throw new Error(decoded.left.message);
    let c = decoded.right;
    if (unnamed) {
      const { name: _, ...context } = toMachineSnapshot(c).context;
      const restored = fromMachineSnapshot({ value: toMachineSnapshot(c).value, context });
      if (restored._tag === 'Left') throw new Error(restored.left.message);
      c = restored.right;
    }
    for (const error of errors) c = evolve(c, { type: 'ConversationErrorRecorded', data: { conversation: c.name, error } });
    return c;
  });

/** A conversation and a fact that carries data: new, or one it already knows. */
export const aggregateWithFact = aggregate.chain((conversation) => {
  const known: fc.Arbitrary<ConversationDomainEvent>[] = [
    fc.constant({
      type: 'ConversationDataObserved' as const,
      data: {
        conversation: conversation.name,
        name: conversation.name,
        startTime: conversation.startTime,
        endTime: conversation.endTime,
        phoneNumber: conversation.phoneNumber,
        unknownFields: conversation.unknownFields,
      },
    }),
  ];
  if (conversation.unrecoverableErrors?.length) {
    known.push(
      fc
        .constantFrom(...conversation.unrecoverableErrors)
        .map((error) => ({ type: 'ConversationErrorRecorded' as const, data: { conversation: conversation.name, error: { ...error } } })),
    );
  }
  return fc.record({
    conversation: fc.constant(conversation),
    event: fc.oneof(
      observedData.map((data) => ({ type: 'ConversationDataObserved' as const, data: { conversation: conversation.name, ...data } })),
      unrecoverableError.map((error) => ({ type: 'ConversationErrorRecorded' as const, data: { conversation: conversation.name, error } })),
      fc.option(canonicalTimestamp, { nil: undefined }).map((at) => ({
        type: 'ConversationHandedOff' as const,
        data: { conversation: conversation.name, at: at as Timestamp | undefined },
      })),
      fc.option(canonicalTimestamp, { nil: undefined }).map((endTime) => ({
        type: 'ConversationCompleted' as const,
        data: { conversation: conversation.name, endTime: endTime as Timestamp | undefined },
      })),
      ...known,
    ),
  });
});

/**
 * A conversation as canonical ProtoJSON whose kept fields follow their proto types (so Google's
 * message types can hold them), and with no unknown field (Google's code drops those).
 */
export const schemaConversationJson: fc.Arbitrary<ConversationJson> = fc.record(
  {
    name: conversationName,
    lifecycleState: fc.constantFrom('IN_PROGRESS', 'COMPLETED'),
    conversationProfile: conversationProfileName,
    phoneNumber: fc.record(
      {
        countryCode: fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }).filter((n) => n !== 0),
        phoneNumber: fc.string({ minLength: 1, maxLength: 20 }),
      },
      { requiredKeys: [] },
    ),
    startTime: canonicalTimestamp,
    endTime: canonicalTimestamp,
    conversationStage: fc.constantFrom('VIRTUAL_AGENT_STAGE', 'HUMAN_ASSIST_STAGE'),
    ...keptFields,
  },
  { requiredKeys: ['name', 'lifecycleState', 'conversationProfile', 'startTime', 'conversationStage'] },
) as fc.Arbitrary<ConversationJson>;
