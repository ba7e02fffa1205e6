/**
 * Conversations and Pub/Sub deliveries for the store's tests: pushes as Pub/Sub sends them, the
 * notification in JSON or serialized by Google's own code (PROTO), and what applying them in
 * memory gives, to compare the store with.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { fromProto3JSON } from 'proto3-json-serializer';
import type protobuf from 'protobufjs';
import { applyNotification, type Conversation, decodeConversation, decodePushDelivery } from '../../src/index.js';
import { googleType } from '../google.js';

const EVENT = googleType('google.cloud.dialogflow.v2.ConversationEvent');

/** A tiny seeded generator, so a schedule is different each round but repeatable. */
export const random = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

export const shuffle = <T>(items: ReadonlyArray<T>, next: () => number): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

/** A conversation as GetConversation gives it (with its location), decoded at version 0. */
export const remoteConversation = (id: string, fields: Record<string, unknown> = {}): Conversation => {
  const decoded = decodeConversation({
    name: `projects/acme/locations/global/conversations/${id}`,
    lifecycleState: 'IN_PROGRESS',
    conversationProfile: 'projects/acme/locations/global/conversationProfiles/support',
    startTime: '2026-11-23T10:00:00Z',
    conversationStage: 'VIRTUAL_AGENT_STAGE',
    ...fields,
  });
  if (isLeft(decoded)) throw new Error(decoded.left.message);
  return decoded.right;
};

/**
 * The emulated time for the emulator that holds these conversations: shortly after they started
 * (10:00), so that they are what Dialogflow has then, in progress (see `addConversation`).
 */
export const EMULATOR_NOW = '2026-11-23T10:05:00Z';

/** The name notifications use: without the location. */
export const aboutName = (id: string): string => `projects/acme/conversations/${id}`;

export type Format = 'JSON' | 'PROTO';

/** A push body as Pub/Sub sends it. */
export const pushBody = (messageId: string, publishTime: string, event: Record<string, unknown>, format: Format) => {
  const data =
    format === 'JSON'
      ? Buffer.from(JSON.stringify(event))
      : Buffer.from(EVENT.encode(fromProto3JSON(EVENT, event as never) as protobuf.Message).finish());
  return {
    message: { data: data.toString('base64'), messageId, message_id: messageId, publishTime, publish_time: publishTime, attributes: {} },
    subscription: 'projects/acme/subscriptions/dialogflow-events',
  };
};

export type PushBody = ReturnType<typeof pushBody>;

/** A pulled message (`@google-cloud/pubsub`'s Message, the fields read) of the same notification. */
export const pulledMessage = (messageId: string, publishTime: string, event: Record<string, unknown>, format: Format) => {
  const body = pushBody(messageId, publishTime, event, format);
  return { id: messageId, data: Buffer.from(body.message.data, 'base64'), publishTime: new Date(publishTime), attributes: {} };
};

const TYPES = [
  'TYPE_UNSPECIFIED',
  'CONVERSATION_STARTED',
  'NEW_MESSAGE',
  'HUMAN_INTERVENTION_NEEDED',
  'UNRECOVERABLE_ERROR',
  'CONVERSATION_FINISHED',
  'NEW_RECOGNITION_RESULT',
];

/**
 * The distinct deliveries of one conversation: a random mix of every type, in both formats, each a
 * distinct Pub/Sub message (its own ID and publish time).
 */
export const deliveriesFor = (id: string, next: () => number, serial: { n: number }): PushBody[] => {
  const count = 3 + Math.floor(next() * 10);
  const out: PushBody[] = [];
  for (let i = 0; i < count; i++) {
    const type = TYPES[Math.floor(next() * TYPES.length)] as string;
    const n = serial.n++;
    const publishTime = new Date(Date.UTC(2026, 10, 23, 10, 0, 0) + n * 1000).toISOString();
    const event: Record<string, unknown> = { conversation: aboutName(id), type };
    if (type === 'UNRECOVERABLE_ERROR')
      event.errorStatus = { code: 1 + Math.floor(next() * 15), message: `SIP ${400 + Math.floor(next() * 200)}` };
    if (type === 'NEW_MESSAGE') event.newMessagePayload = { content: `message ${n}`, participantRole: 'END_USER' };
    if (type === 'NEW_RECOGNITION_RESULT') event.newRecognitionResultPayload = { transcript: `words ${n}`, isFinal: true };
    out.push(pushBody(`m-${n}`, publishTime, event, next() < 0.5 ? 'JSON' : 'PROTO'));
  }
  return out;
};

/** What the deliveries give when applied in memory, in any order (the library's own semantics). */
export const applyInMemory = (
  start: Conversation,
  deliveries: ReadonlyArray<PushBody>,
): { conversation: Conversation; types: string[] } => {
  let conversation = start;
  const types: string[] = [];
  for (const body of deliveries) {
    const notification = decodePushDelivery(body);
    if (isLeft(notification)) throw new Error(notification.left.message);
    const applied = applyNotification(conversation, notification.right);
    if (isLeft(applied)) throw new Error(applied.left.message);
    conversation = applied.right.conversation;
    types.push(...applied.right.events.map((e) => e.type));
  }
  return { conversation, types: types.sort() };
};

/** Every delivery once, some twice or three times, all shuffled. */
export const duplicatedAndShuffled = <T>(deliveries: ReadonlyArray<T>, next: () => number): T[] =>
  shuffle(
    deliveries.flatMap((d) => Array.from({ length: 1 + Math.floor(next() * 3) }, () => d)),
    next,
  );
