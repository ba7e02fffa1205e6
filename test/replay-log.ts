import { fromProto3JSON } from 'proto3-json-serializer';
import type protobuf from 'protobufjs';
import { googleType } from './google.js';

// Builds replay logs the way a backend would have recorded them: Pub/Sub push bodies whose data
// Dialogflow serialized (protobuf, with Google's own code, or JSON), ConversationEvents in JSON,
// GetConversation bodies and ListConversations pages.

const EVENT = 'google.cloud.dialogflow.v2.ConversationEvent';
export const SUBSCRIPTION = 'projects/acme-contact-center/subscriptions/dialogflow-conversation-events';

/** A ConversationEvent serialized as protobuf by Google's code (proto3-json-serializer, then protobufjs): the format PROTO. */
export const protoData = (event: Record<string, unknown>): string => {
  const type = googleType(EVENT);
  return Buffer.from(type.encode(fromProto3JSON(type, event as never) as protobuf.Message).finish()).toString('base64');
};

/** A ConversationEvent as JSON text: the format JSON. */
export const jsonData = (event: Record<string, unknown>): string => Buffer.from(JSON.stringify(event)).toString('base64');

/** A Pub/Sub push body, as Pub/Sub sends it (both spellings of the message's ID and publish time). */
export const pushBody = (data: string, messageId: string, publishTime: string): Record<string, unknown> => ({
  message: { data, messageId, message_id: messageId, publishTime, publish_time: publishTime },
  subscription: SUBSCRIPTION,
});

/** A push body as a tool that reformatted it would have logged it: one spelling of each field. */
const reformattedPushBody = (data: string, messageId: string, publishTime: string): Record<string, unknown> => ({
  message: { data, messageId, publishTime },
  subscription: SUBSCRIPTION,
});

const PROJECT = 'projects/acme-contact-center';
/** How resources name the two conversations, and how notifications do (no `locations/global`). */
export const C1 = `${PROJECT}/locations/global/conversations/c-20261123-0042`;
export const C1_NOTIFIED = `${PROJECT}/conversations/c-20261123-0042`;
export const C2 = `${PROJECT}/locations/global/conversations/c-20261123-0043`;
export const C2_NOTIFIED = `${PROJECT}/conversations/c-20261123-0043`;
const PROFILE = `${PROJECT}/locations/global/conversationProfiles/support-en-us`;

const c1Fetched = {
  name: C1,
  lifecycleState: 'IN_PROGRESS',
  conversationProfile: PROFILE,
  phoneNumber: { countryCode: 1, phoneNumber: '+16502530000' },
  startTime: '2026-11-23T10:15:30.250Z',
  conversationStage: 'VIRTUAL_AGENT_STAGE',
  telephonyConnectionInfo: { dialedNumber: '+16502530000' },
};

/**
 * The bundled example, `docs/examples/replay.ndjson`: two conversations, the first fetched at once,
 * then its notifications in both formats, out of order (the completion before the handoff, which
 * comes after it) and one delivered twice, an UNRECOVERABLE_ERROR, a notification about the second
 * before it is fetched, one bad line (a publish time that is not RFC 3339), and a list page with
 * both.
 */
export const exampleReplayLog = (): string =>
  [
    c1Fetched,
    pushBody(jsonData({ conversation: C1_NOTIFIED, type: 'CONVERSATION_STARTED' }), '2070443601311540', '2026-11-23T10:15:30.512Z'),
    pushBody(
      protoData({
        conversation: C1_NOTIFIED,
        type: 'NEW_MESSAGE',
        newMessagePayload: {
          name: `${C1_NOTIFIED}/messages/m-0001`,
          content: 'I was charged twice for my order',
          languageCode: 'en-US',
          participant: `${C1_NOTIFIED}/participants/end-user`,
          participantRole: 'END_USER',
          createTime: '2026-11-23T10:16:05.120Z',
        },
      }),
      '2070443601311541',
      '2026-11-23T10:16:05.402Z',
    ),
    pushBody(
      protoData({
        conversation: C1_NOTIFIED,
        type: 'UNRECOVERABLE_ERROR',
        errorStatus: { code: 9, message: 'The SIP trunk refused the transfer: 503 Service Unavailable' },
      }),
      '2070443601311542',
      '2026-11-23T10:16:40.077Z',
    ),
    pushBody(protoData({ conversation: C1_NOTIFIED, type: 'CONVERSATION_FINISHED' }), '2070443601311544', '2026-11-23T10:31:46.219Z'),
    pushBody(jsonData({ conversation: C1_NOTIFIED, type: 'HUMAN_INTERVENTION_NEEDED' }), '2070443601311543', '2026-11-23T10:17:02.311Z'),
    pushBody(protoData({ conversation: C1_NOTIFIED, type: 'CONVERSATION_FINISHED' }), '2070443601311544', '2026-11-23T10:31:46.219Z'),
    pushBody(jsonData({ conversation: C2_NOTIFIED, type: 'HUMAN_INTERVENTION_NEEDED' }), '2070443601311550', '2026-11-23T10:22:10.004Z'),
    reformattedPushBody(jsonData({ conversation: C2_NOTIFIED, type: 'NEW_MESSAGE' }), '2070443601311551', '2026-11-23 10:24:00'),
    { conversation: C2_NOTIFIED, type: 'CONVERSATION_STARTED' },
    {
      conversations: [
        { ...c1Fetched, lifecycleState: 'COMPLETED', endTime: '2026-11-23T10:31:45Z', conversationStage: 'HUMAN_ASSIST_STAGE' },
        {
          name: C2,
          lifecycleState: 'IN_PROGRESS',
          conversationProfile: PROFILE,
          startTime: '2026-11-23T10:20:00Z',
          conversationStage: 'VIRTUAL_AGENT_STAGE',
        },
      ],
      nextPageToken: 'CgwI2p7NpwYQwJ2k3QI',
    },
  ]
    .map((line) => `${JSON.stringify(line)}\n`)
    .join('');
