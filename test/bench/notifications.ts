/**
 * The notifications' benchmark: every notification type, in JSON and in PROTO, as Pub/Sub pushes
 * them (a push body whose `message.data` is the notification in base64), decoded by
 * `decodePushDelivery` against Google's own path for the same bytes: for JSON, base64 → UTF-8 →
 * `JSON.parse` → `fromProto3JSON`; for PROTO, base64 → protobufjs `decode` → `toProto3JSON`. Both
 * sides start from the same push body object (what a web framework gives a handler) and both
 * decode its base64; only ours also reads the envelope (message ID, publish time, attributes).
 */
import { fromProto3JSON, type JSONValue, toProto3JSON } from 'proto3-json-serializer';
import type protobuf from 'protobufjs';
import { googleType } from '../google.js';
import { realisticTimestamp } from './payloads.js';

export type Format = 'JSON' | 'PROTO';

export const CONVERSATION_EVENT = googleType('google.cloud.dialogflow.v2.ConversationEvent');
export const SUGGESTION_EVENT = googleType('google.cloud.dialogflow.v2.HumanAgentAssistantEvent');

export const NOTIFICATION_KINDS = [
  'CONVERSATION_STARTED',
  'CONVERSATION_FINISHED',
  'HUMAN_INTERVENTION_NEEDED',
  'NEW_MESSAGE',
  'UNRECOVERABLE_ERROR',
  'NEW_RECOGNITION_RESULT',
  'suggestions',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

const seeded = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

const WORDS = [
  'I',
  'would',
  'like',
  'to',
  'check',
  'my',
  'refund',
  'order',
  'please',
  'the',
  'billing',
  'account',
  'number',
  'is',
  'wrong',
];
const words = (next: () => number, count: number): string[] =>
  Array.from({ length: count }, () => WORDS[Math.floor(next() * WORDS.length)] as string);

/** The canonical `Duration` text of a number of milliseconds. */
const seconds = (ms: number): string => `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}s`;

/** The i-th distinct realistic notification of a kind, as ProtoJSON (what format JSON publishes). */
export const notificationJson = (kind: NotificationKind, i: number): Record<string, unknown> => {
  const next = seeded(i * 31 + kind.length);
  const conversation = `projects/acme-contact-center/conversations/c-${i.toString(36)}-${Math.floor(next() * 1e9).toString(36)}`;
  switch (kind) {
    case 'NEW_MESSAGE': {
      const text = words(next, 4 + Math.floor(next() * 12)).join(' ');
      return {
        conversation,
        type: kind,
        newMessagePayload: {
          name: `${conversation}/messages/m-${i}`,
          content: text,
          languageCode: 'en-US',
          participant: `${conversation}/participants/p-${i % 7}`,
          participantRole: i % 2 === 0 ? 'END_USER' : 'HUMAN_AGENT',
          createTime: realisticTimestamp(i, next),
          sendTime: realisticTimestamp(i + 1, next),
          sentimentAnalysis: {
            queryTextSentiment: { score: Math.round(next() * 100) / 100 - 0.5, magnitude: Math.round(next() * 100) / 10 },
          },
        },
      };
    }
    case 'NEW_RECOGNITION_RESULT': {
      const said = words(next, 3 + Math.floor(next() * 6));
      let at = Math.floor(next() * 5000);
      return {
        conversation,
        type: kind,
        newRecognitionResultPayload: {
          messageType: 'TRANSCRIPT',
          transcript: said.join(' '),
          isFinal: i % 2 === 0,
          confidence: Math.round(next() * 1000) / 1000,
          speechWordInfo: said.map((word) => {
            const start = at;
            at += 100 + Math.floor(next() * 400);
            return { word, startOffset: seconds(start), endOffset: seconds(at), confidence: Math.round(next() * 1000) / 1000 };
          }),
          speechEndOffset: seconds(at),
          languageCode: 'en-US',
        },
      };
    }
    case 'UNRECOVERABLE_ERROR':
      return {
        conversation,
        type: kind,
        errorStatus: { code: 1 + (i % 15), message: `SIP ${400 + Math.floor(next() * 200)}: ${words(next, 3).join(' ')}` },
      };
    case 'suggestions':
      return {
        conversation,
        participant: `${conversation}/participants/agent-${i % 5}`,
        suggestionResults: [
          {
            suggestFaqAnswersResponse: {
              faqAnswers: [
                {
                  answer: words(next, 8).join(' '),
                  confidence: Math.round(next() * 100) / 100,
                  question: `${words(next, 5).join(' ')}?`,
                  source: 'projects/acme-contact-center/knowledgeBases/kb/documents/faq',
                  answerRecord: `projects/acme-contact-center/answerRecords/a-${i}`,
                },
              ],
              latestMessage: `${conversation}/messages/m-${i}`,
              contextSize: 1 + (i % 10),
            },
          },
        ],
      };
    default:
      return { conversation, type: kind };
  }
};

/** A push body as Pub/Sub sends it, carrying the notification in a format. */
export const notificationPush = (kind: NotificationKind, i: number, format: Format) => {
  const json = notificationJson(kind, i);
  const type = kind === 'suggestions' ? SUGGESTION_EVENT : CONVERSATION_EVENT;
  const data =
    format === 'JSON'
      ? Buffer.from(JSON.stringify(json))
      : Buffer.from(type.encode(fromProto3JSON(type, json as JSONValue) as protobuf.Message).finish());
  const publishTime = new Date(Date.UTC(2026, 10, 23, 10, 0, 0) + i * 1000 + (i % 1000)).toISOString();
  return {
    message: { data: data.toString('base64'), messageId: `${17_000_000_000_000 + i}`, publishTime, attributes: {} },
    subscription: 'projects/acme-contact-center/subscriptions/dialogflow-events',
  };
};

export type NotificationPush = ReturnType<typeof notificationPush>;

/** Google's path for a push's data in JSON: base64 → text → JSON.parse → fromProto3JSON. */
export const googleFromJsonPush = (type: protobuf.Type, body: NotificationPush): unknown =>
  fromProto3JSON(type, JSON.parse(Buffer.from(body.message.data, 'base64').toString('utf8')) as JSONValue);

/** Google's path for a push's data in PROTO: base64 → protobufjs decode → toProto3JSON. */
export const googleFromProtoPush = (type: protobuf.Type, body: NotificationPush): unknown =>
  toProto3JSON(type.decode(Buffer.from(body.message.data, 'base64')));
