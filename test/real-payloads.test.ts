import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeListConversationsResponse } from '../src/dialogflow/index.js';
import {
  applyNotification,
  conversationKey,
  decodeConversation,
  decodeNotificationData,
  decodePushDelivery,
  encodeConversation,
  fromPersistedSnapshot,
  handOff,
  observe,
  parseConversation,
  sameConversation,
  stringifyConversation,
  toPersistedSnapshot,
} from '../src/index.js';
import { decodeNotification, type SuggestionNotification } from '../src/notifications/index.js';
import { googleType } from './google.js';
import { event, left, right } from './helpers.js';

// Payloads as Google publishes them (test/fixtures/real/SOURCES.md), and protobuf made by Google's
// own message classes: what a new user feeds the module first.

const real = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/real/${name}`, import.meta.url), 'utf8'));

/** Bytes as Dialogflow publishes them in the default format, made by Google's own class. */
const googleBytes = (fullName: string, object: Record<string, unknown>): Uint8Array => {
  const type = googleType(fullName);
  const message = type.fromObject(object);
  const problem = type.verify(message);
  if (problem !== null) throw new Error(`${fullName}: ${problem}`);
  return type.encode(message).finish();
};

const push = (data: Uint8Array, messageId = '1') => ({
  message: { data: Buffer.from(data).toString('base64'), messageId, publishTime: '2026-11-23T10:05:00Z' },
  subscription: 'projects/acme/subscriptions/dialogflow',
});

const started = right(
  decodeConversation({
    name: 'projects/acme/locations/global/conversations/c-1',
    lifecycleState: 'IN_PROGRESS',
    conversationProfile: 'projects/acme/locations/global/conversationProfiles/support',
    startTime: '2026-11-23T10:00:00Z',
    conversationStage: 'VIRTUAL_AGENT_STAGE',
  }),
);

describe("a conversation without conversationStage (Agent Assist's sample CreateConversation response)", () => {
  const sample = real('agent-assist-create-conversation-response.json');

  it('decodes: the stage is HUMAN_ASSIST_STAGE, what the default means for a profile without a virtual agent', () => {
    const c = right(decodeConversation(sample));
    expect(c).toMatchObject({ lifecycleState: 'IN_PROGRESS', conversationStage: 'HUMAN_ASSIST_STAGE', conversationStageInferred: true });
    // Encoding invents nothing: the stage stays out, as it came, and a round trip gives the same.
    expect(encodeConversation(c)).toEqual(sample);
    expect(right(parseConversation(stringifyConversation(c)))).toEqual(c);
    // … and so does a stored one.
    expect(right(fromPersistedSnapshot(JSON.parse(JSON.stringify(toPersistedSnapshot(c)))))).toEqual(c);
  });

  it('… VIRTUAL_AGENT_STAGE when the caller says the profile has a virtual agent, as a boolean or by profile name', () => {
    expect(right(decodeConversation(sample, { virtualAgent: true })).conversationStage).toBe('VIRTUAL_AGENT_STAGE');
    const profiles = new Set(['projects/PROJECT_ID/locations/global/conversationProfiles/CONVERSATION_PROFILE_ID']);
    const byProfile = right(decodeConversation(sample, { virtualAgent: (profile) => profiles.has(profile) }));
    expect(byProfile).toMatchObject({ conversationStage: 'VIRTUAL_AGENT_STAGE', virtualAgent: true, conversationStageInferred: true });
    expect(right(decodeConversation(sample, { virtualAgent: () => false })).conversationStage).toBe('HUMAN_ASSIST_STAGE');
    // Once the machine moves the stage, it is known: it is emitted.
    const handed = right(handOff(byProfile)).conversation;
    expect(handed.conversationStageInferred).toBeUndefined();
    expect(encodeConversation(handed).conversationStage).toBe('HUMAN_ASSIST_STAGE');
  });

  it('the same for an explicit CONVERSATION_STAGE_UNSPECIFIED (by name or number); lifecycleState stays required', () => {
    for (const unspecified of ['CONVERSATION_STAGE_UNSPECIFIED', 0]) {
      const c = right(decodeConversation({ ...(sample as object), conversationStage: unspecified }));
      expect(c).toMatchObject({ conversationStage: 'HUMAN_ASSIST_STAGE', conversationStageInferred: true });
      expect(encodeConversation(c)).toEqual(sample);
    }
    const { lifecycleState: _, ...withoutState } = sample as Record<string, unknown>;
    expect(left(decodeConversation(withoutState)).errors).toEqual([
      { path: 'lifecycleState', message: 'missing: every Conversation returned by Dialogflow has it' },
    ]);
  });

  it('a fetched resource without a stage does not move (or regress) a stage known here: it reports none', () => {
    const handed = right(handOff(started)).conversation;
    const { conversationStage: _, ...withoutStage } = encodeConversation(handed);
    // Decoded as if the profile had a virtual agent: the inferred stage would be a regression, were it a fact.
    const remote = right(decodeConversation(withoutStage, { virtualAgent: true }));
    expect(remote).toMatchObject({ conversationStage: 'VIRTUAL_AGENT_STAGE', conversationStageInferred: true });
    const observed = right(observe(handed, remote));
    expect(observed.events).toEqual([]);
    expect(observed.conversation).toBe(handed);
  });
});

describe('v2beta1: JSON and PROTO decode to the same notification, response messages included', () => {
  const newMessage = {
    conversation: 'projects/acme/conversations/c-1',
    type: 'NEW_MESSAGE',
    newMessagePayload: {
      name: 'projects/acme/conversations/c-1/messages/m-1',
      content: 'I need to talk to a person',
      participantRole: 'AUTOMATED_AGENT',
      createTime: '2026-11-23T10:04:59.250Z',
      responseMessages: [
        { text: { text: ['Let me transfer you.'] } },
        { liveAgentHandoff: { metadata: { fields: { queue: { stringValue: 'billing' } } } } },
        { endInteraction: {} },
      ],
    },
  };

  it('with bytes made by Google’s own v2beta1 classes', () => {
    const bytes = googleBytes('google.cloud.dialogflow.v2beta1.ConversationEvent', {
      ...newMessage,
      newMessagePayload: { ...newMessage.newMessagePayload, createTime: { seconds: 1795428299, nanos: 250_000_000 } },
    });
    const fromProto = event(decodeNotificationData(bytes));
    const fromJson = event(
      decodeNotificationData(
        new TextEncoder().encode(
          JSON.stringify({
            ...newMessage,
            newMessagePayload: {
              ...newMessage.newMessagePayload,
              responseMessages: [
                { text: { text: ['Let me transfer you.'] } },
                { liveAgentHandoff: { metadata: { queue: 'billing' } } },
                { endInteraction: {} },
              ],
            },
          }),
        ),
      ),
    );
    expect(fromProto).toEqual(fromJson);
    expect(fromProto.newMessagePayload?.responseMessages).toEqual([
      { text: { text: ['Let me transfer you.'] } },
      { liveAgentHandoff: { metadata: { queue: 'billing' } } },
      { endInteraction: {} },
    ]);
  });

  it('… and v2 bytes decode the same way, nothing of v2 lost (ArticleAnswer.confidence, which v2beta1 lacks)', () => {
    const suggestion = {
      conversation: 'projects/acme/conversations/c-1',
      participant: 'projects/acme/conversations/c-1/participants/agent',
      suggestionResults: [
        { suggestArticlesResponse: { articleAnswers: [{ title: 'Refunds', uri: 'https://example.com/refunds', confidence: 0.75 }] } },
      ],
    };
    const fromV2 = right(decodeNotificationData(googleBytes('google.cloud.dialogflow.v2.HumanAgentAssistantEvent', suggestion)));
    const fromJson = right(decodeNotificationData(new TextEncoder().encode(JSON.stringify(suggestion))));
    expect(fromV2).toEqual(fromJson);
    expect((fromV2 as SuggestionNotification).suggestionResults).toEqual(suggestion.suggestionResults);
  });
});

describe('suggestion notifications (HumanAgentAssistantEvent): their own kind, kept whole, changing no state', () => {
  const suggestion = {
    conversation: 'projects/acme/conversations/c-1',
    participant: 'projects/acme/conversations/c-1/participants/agent-7',
    suggestionResults: [
      {
        suggestFaqAnswersResponse: {
          faqAnswers: [{ answer: 'Within 5 days.', confidence: 0.9, question: 'When will I be refunded?' }],
          latestMessage: 'projects/acme/conversations/c-1/messages/m-2',
        },
      },
      { error: { code: 8, message: 'quota' } },
    ],
  };

  it.each([
    ['v2', 'google.cloud.dialogflow.v2.HumanAgentAssistantEvent'],
    ['v2beta1', 'google.cloud.dialogflow.v2beta1.HumanAgentAssistantEvent'],
  ])('%s, in PROTO (made by Google’s classes) and in JSON, as a push', (_, fullName) => {
    const fromProto = right(decodePushDelivery(push(googleBytes(fullName, suggestion))));
    const fromJson = right(decodePushDelivery(push(new TextEncoder().encode(JSON.stringify(suggestion)))));
    expect(fromProto).toEqual(fromJson);
    expect(fromProto).toMatchObject({ kind: 'HumanAgentAssistantEvent', ...suggestion });
    const applied = right(applyNotification(started, fromProto));
    expect(applied.events).toEqual([]);
    expect(applied.conversation).toBe(started);
  });

  it('a subscription that carries one topic can say so', () => {
    expect(right(decodeNotification({ conversation: suggestion.conversation }, { message: 'HumanAgentAssistantEvent' })).kind).toBe(
      'HumanAgentAssistantEvent',
    );
  });
});

describe('a ConversationEvent.Type this version does not know is a notification that changes nothing, kept whole', () => {
  it('in PROTO (a number) and in JSON (a name)', () => {
    const bytes = googleBytes('google.cloud.dialogflow.v2.ConversationEvent', { conversation: 'projects/acme/conversations/c-1', type: 3 });
    // Field 2 rewritten to 8: a type Google might add.
    const newer = Uint8Array.from(bytes.map((b, i) => (i > 0 && bytes[i - 1] === 0x10 ? 8 : b)));
    for (const n of [
      event(decodePushDelivery(push(newer))),
      event(decodeNotification({ conversation: 'projects/acme/conversations/c-1', type: 'NEW_SENTIMENT' })),
    ]) {
      const applied = right(applyNotification(started, n));
      expect(applied.events).toEqual([]);
      expect(applied.conversation).toBe(started);
    }
    expect(event(decodePushDelivery(push(newer))).type).toBe(8);
  });
});

describe('one conversation, whatever its name says of its location', () => {
  it('notifications name conversations without a location, even regional ones: the key is the project and the ID', () => {
    const regional = right(
      decodeConversation({ ...encodeConversation(started), name: 'projects/acme/locations/europe-west2/conversations/c-1' }),
    );
    expect(conversationKey('projects/acme/locations/europe-west2/conversations/c-1')).toBe('projects/acme/conversations/c-1');
    expect(conversationKey('projects/acme/conversations/c-1')).toBe('projects/acme/conversations/c-1');
    expect(conversationKey('projects/acme/conversationProfiles/x')).toBeUndefined();
    expect(sameConversation(regional.name as never, 'projects/acme/conversations/c-1' as never)).toBe(true);
    const finished = event(decodeNotification({ conversation: 'projects/acme/conversations/c-1', type: 'CONVERSATION_FINISHED' }));
    expect(right(applyNotification(regional, finished)).conversation.lifecycleState).toBe('COMPLETED');
  });

  it('agent-assist-integrations’ push: a location-qualified name, no subscription', () => {
    const n = event(decodePushDelivery(real('agent-assist-integrations-push.json')));
    expect(n).toMatchObject({
      type: 'CONVERSATION_STARTED',
      conversation: 'projects/aa-integration-poc/locations/global/conversations/fake-conversation-001',
    });
    expect(conversationKey(n.conversation)).toBe('projects/aa-integration-poc/conversations/fake-conversation-001');
  });
});

describe('empty and odd shapes', () => {
  it('an empty ListConversations body ({}) is a valid empty page', () => {
    expect(right(decodeListConversationsResponse({}))).toEqual({ conversations: [], invalid: [], nextPageToken: undefined });
  });

  it('a ListConversations page takes the decode options for every item: the virtual agent for items without a stage, the version', () => {
    const item = (id: string, profile: string) => ({
      name: `projects/acme/conversations/${id}`,
      lifecycleState: 'IN_PROGRESS',
      conversationProfile: `projects/acme/conversationProfiles/${profile}`,
      startTime: '2026-11-23T10:00:00Z',
    });
    const body = { conversations: [item('c-1', 'bot'), item('c-2', 'humans')] };
    const page = right(decodeListConversationsResponse(body, { virtualAgent: (p) => p.endsWith('/bot'), version: 3 }));
    expect(page.conversations.map((c) => [c.conversationStage, c.version])).toEqual([
      ['VIRTUAL_AGENT_STAGE', 3],
      ['HUMAN_ASSIST_STAGE', 3],
    ]);
    expect(left(decodeListConversationsResponse(body, { virtualAgent: 'yes' } as never)).message).toContain('options.virtualAgent');
  });

  it('a push whose data is not a ConversationEvent (Pub/Sub’s own sample, "Hello Cloud Pub/Sub!") says so', () => {
    expect(left(decodePushDelivery(real('pubsub-push-sample.json'))).errors).toEqual([
      {
        path: 'message.data',
        message:
          'not a Dialogflow notification (a ConversationEvent or a HumanAgentAssistantEvent, as JSON or protobuf): it is text, "Hello Cloud Pub/Sub! Here is my message!"',
      },
    ]);
  });
});
