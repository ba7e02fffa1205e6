import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  applyNotification,
  type Conversation,
  type ConversationName,
  type ConversationProfileName,
  createConversation,
  decodeConversation,
  type Notification,
  type PubSubDelivery,
  type Timestamp,
  toMachineSnapshot,
} from '../src/index.js';
import { conversationMachine, toMachineEvent } from '../src/machine/index.js';
import { type ConversationEventNotification, decodeNotification } from '../src/notifications/index.js';
import { aggregate, NOTIFICATION_TYPES } from './arbitraries.js';
import { given } from './decider-spec.js';
import { event, left, right } from './helpers.js';

const name = 'projects/acme/locations/global/conversations/c-42';
const base = {
  name,
  lifecycleState: 'IN_PROGRESS',
  conversationProfile: 'projects/acme/locations/global/conversationProfiles/support',
  startTime: '2026-11-23T10:00:00Z',
  conversationStage: 'VIRTUAL_AGENT_STAGE',
};
const inProgress = right(decodeConversation(base, { version: 4 }));

const delivery = (messageId: string, publishTime: string): PubSubDelivery => ({
  messageId,
  publishTime: publishTime as Timestamp,
  attributes: {},
});

/** A notification about `conversation`, delivered by Pub/Sub. */
const notification = (
  type: string,
  extra: Record<string, unknown> = {},
  via?: PubSubDelivery,
  conversation = name,
): ConversationEventNotification => ({
  ...event(decodeNotification({ conversation, type, ...extra })),
  delivery: via,
});

const finished = notification('CONVERSATION_FINISHED', {}, delivery('1', '2026-11-23T10:30:00Z'));
const humanNeeded = notification('HUMAN_INTERVENTION_NEEDED', {}, delivery('2', '2026-11-23T10:05:00Z'));
const error = notification(
  'UNRECOVERABLE_ERROR',
  { errorStatus: { code: 9, message: 'SIP trunk rejected the call' } },
  delivery('3', '2026-11-23T10:04:00Z'),
);

describe('applying a notification', () => {
  it('CONVERSATION_FINISHED completes the conversation (no end time: the notification has none), and again changes nothing', () => {
    const once = right(applyNotification(inProgress, finished));
    expect(once.events).toEqual([{ type: 'ConversationCompleted', data: { conversation: name, endTime: undefined } }]);
    expect(once.conversation).toMatchObject({ lifecycleState: 'COMPLETED', endTime: undefined, version: 5 });
    for (let i = 0; i < 3; i++) {
      const again = right(applyNotification(once.conversation, { ...finished, delivery: delivery(`x${i}`, '2026-11-23T11:00:00Z') }));
      expect(again.events).toEqual([]);
      expect(again.conversation).toBe(once.conversation);
    }
  });

  it('HUMAN_INTERVENTION_NEEDED hands the conversation off, at the publish time', () => {
    const { conversation, events } = right(applyNotification(inProgress, humanNeeded));
    expect(events).toEqual([{ type: 'ConversationHandedOff', data: { conversation: name, at: '2026-11-23T10:05:00Z' } }]);
    expect(conversation).toMatchObject({ conversationStage: 'HUMAN_ASSIST_STAGE', lifecycleState: 'IN_PROGRESS', version: 5 });
  });

  it('… even when it arrives after the completion: the handoff happened before the end', () => {
    const completed = right(applyNotification(inProgress, finished)).conversation;
    const { conversation, events } = right(applyNotification(completed, humanNeeded));
    expect(events.map((e) => e.type)).toEqual(['ConversationHandedOff']);
    expect(conversation).toMatchObject({ conversationStage: 'HUMAN_ASSIST_STAGE', lifecycleState: 'COMPLETED', version: 6 });
  });

  it('UNRECOVERABLE_ERROR is recorded on the aggregate, once per distinct error, sorted by publishTime then messageId', () => {
    const first = right(applyNotification(inProgress, error));
    expect(first.events).toEqual([
      {
        type: 'ConversationErrorRecorded',
        data: {
          conversation: name,
          error: { publishTime: '2026-11-23T10:04:00Z', messageId: '3', errorStatus: { code: 9, message: 'SIP trunk rejected the call' } },
        },
      },
    ]);
    expect(first.conversation.unrecoverableErrors).toHaveLength(1);
    expect(first.conversation).toMatchObject({ lifecycleState: 'IN_PROGRESS', conversationStage: 'VIRTUAL_AGENT_STAGE', version: 5 });
    // Redelivered: the same Pub/Sub message. Nothing changes.
    const again = right(applyNotification(first.conversation, { ...error }));
    expect(again.events).toEqual([]);
    expect(again.conversation).toBe(first.conversation);
    // Another error, published earlier: recorded before the first.
    const earlier = right(applyNotification(first.conversation, { ...error, delivery: delivery('0', '2026-11-23T10:01:00Z') }));
    expect(earlier.conversation.unrecoverableErrors?.map((e) => e.messageId)).toEqual(['0', '3']);
    expect(earlier.conversation.version).toBe(6);
    // The errors are not part of the resource's JSON, but they are in machine snapshots.
    expect(toMachineSnapshot(earlier.conversation).context.unrecoverableErrors).toEqual(earlier.conversation.unrecoverableErrors);
  });

  it('the other types change nothing', () => {
    for (const type of ['TYPE_UNSPECIFIED', 'CONVERSATION_STARTED', 'NEW_MESSAGE', 'NEW_RECOGNITION_RESULT']) {
      const result = right(applyNotification(inProgress, notification(type, {}, delivery('9', '2026-11-23T10:10:00Z'))));
      expect(result.events).toEqual([]);
      expect(result.conversation).toBe(inProgress);
    }
  });

  it('a notification about another conversation is refused', () => {
    expect(
      left(applyNotification(inProgress, notification('CONVERSATION_FINISHED', {}, undefined, 'projects/acme/conversations/other'))),
    ).toEqual({
      type: 'WrongConversation',
      message: `the notification is about projects/acme/conversations/other, not ${name}`,
      expected: name,
      actual: 'projects/acme/conversations/other',
    });
    // Notifications name conversations without `locations/global/`: the same conversation.
    expect(
      right(applyNotification(inProgress, notification('CONVERSATION_FINISHED', {}, undefined, 'projects/acme/conversations/c-42'))).events,
    ).toHaveLength(1);
    // Nor with any other location: a conversation is known by its project and ID (conversationKey).
    expect(
      right(
        applyNotification(
          inProgress,
          notification('CONVERSATION_FINISHED', {}, undefined, 'projects/acme/locations/us-central1/conversations/c-42'),
        ),
      ).events,
    ).toHaveLength(1);
    expect(
      left(applyNotification(inProgress, notification('CONVERSATION_FINISHED', {}, undefined, 'projects/other/conversations/c-42'))).type,
    ).toBe('WrongConversation');
    // A conversation created here has no name until Dialogflow's is observed.
    const local = right(
      createConversation({ conversationProfile: base.conversationProfile, virtualAgent: true, startTime: base.startTime }),
    ).conversation;
    expect(left(applyNotification(local, finished))).toMatchObject({
      type: 'WrongConversation',
      expected: undefined,
      message: expect.stringContaining('no name yet'),
    });
  });

  it('an actor fed the same events stays equal to the aggregate', () => {
    let c = inProgress;
    const actor = createActor(conversationMachine, { snapshot: toMachineSnapshot(c) }).start();
    for (const n of [error, finished, humanNeeded, error, finished]) {
      const { conversation, events } = right(applyNotification(c, n));
      for (const event of events) actor.send(toMachineEvent(event) ?? { type: 'complete' });
      c = conversation;
      expect(toMachineSnapshot(c).value).toEqual(actor.getSnapshot().value);
      expect(toMachineSnapshot(c).context).toEqual(actor.getSnapshot().context);
    }
  });
});

describe('as a decider: given the history, when a notification, then the events', () => {
  const created = {
    type: 'ConversationCreated' as const,
    data: {
      conversation: name as ConversationName,
      conversationProfile: base.conversationProfile as ConversationProfileName,
      conversationStage: 'VIRTUAL_AGENT_STAGE' as const,
      startTime: base.startTime as Timestamp,
    },
  };
  const completed = { type: 'ConversationCompleted' as const, data: { conversation: name as ConversationName, endTime: undefined } };

  it('a finished conversation hears of the handoff that happened before the end', () => {
    const c = given(created, completed)
      .when({ type: 'ApplyNotification', notification: humanNeeded })
      .then({ type: 'ConversationHandedOff', data: { conversation: name as ConversationName, at: '2026-11-23T10:05:00Z' as Timestamp } });
    expect(c).toMatchObject({ lifecycleState: 'COMPLETED', conversationStage: 'HUMAN_ASSIST_STAGE', version: 3 });
  });

  it('a finished conversation finishing again: no events', () => {
    given(created, completed).when({ type: 'ApplyNotification', notification: finished }).then();
  });

  it('no conversation yet: refused', () => {
    given()
      .when({ type: 'ApplyNotification', notification: finished })
      .thenFails({ type: 'ConversationMissing', command: 'applyNotification' });
  });
});

// ---------------------------------------------------------------------------------------------
// Order independence

const PUBLISH_TIMES = ['2026-11-23T10:01:00Z', '2026-11-23T10:02:00.500Z', '2026-11-23T10:03:00Z'];

/** A notification about `conversation`, from small pools of IDs and times, so distinct ones collide often. */
const notificationFor = (conversation: string): fc.Arbitrary<ConversationEventNotification> =>
  fc
    .record({
      type: fc.constantFrom(...NOTIFICATION_TYPES),
      messageId: fc.constantFrom('1', '2', '3', '4', '5'),
      publishTime: fc.constantFrom(...PUBLISH_TIMES),
      code: fc.constantFrom(9, 14),
      delivered: fc.boolean(),
    })
    .map(({ type, messageId, publishTime, code, delivered }) =>
      notification(
        type,
        type === 'UNRECOVERABLE_ERROR' ? { errorStatus: { code } } : {},
        delivered ? delivery(messageId, publishTime) : undefined,
        conversation,
      ),
    );

/** A named conversation and a set of notifications about it. */
const conversationAndNotifications = aggregate
  .filter((c) => c.name !== undefined)
  .chain((conversation) =>
    fc.record({
      conversation: fc.constant(conversation),
      notifications: fc.array(notificationFor(conversation.name as string), { minLength: 1, maxLength: 8 }),
    }),
  );

/** Applies notifications in order; a refusal is a test failure. */
const applyAll = (c: Conversation, notifications: ReadonlyArray<ConversationEventNotification>): Conversation =>
  notifications.reduce((state, n) => right(applyNotification(state, n)).conversation, c);

/** The key that makes two UNRECOVERABLE_ERROR notifications the same error. */
const errorKey = (n: ConversationEventNotification) => JSON.stringify([n.delivery?.publishTime, n.delivery?.messageId, n.errorStatus]);

describe('order independence: Pub/Sub delivers at least once, in any order', () => {
  it('any order and any duplication of the same notifications give the same conversation, version included', () => {
    fc.assert(
      fc.property(
        conversationAndNotifications.chain(({ conversation, notifications }) =>
          fc.record({
            conversation: fc.constant(conversation),
            notifications: fc.constant(notifications),
            // Another delivery of the same set: shuffled, and with each one repeated 1 to 3 times.
            redelivered: fc
              .array(fc.integer({ min: 1, max: 3 }), { minLength: notifications.length, maxLength: notifications.length })
              .chain((times) =>
                fc.shuffledSubarray(
                  notifications.flatMap((n, i) => Array<ConversationEventNotification>(times[i] ?? 1).fill(n)),
                  {
                    minLength: notifications.reduce((sum, _, i) => sum + (times[i] ?? 1), 0),
                  },
                ),
              ),
          }),
        ),
        ({ conversation, notifications, redelivered }) => {
          const inOrder = applyAll(conversation, notifications);
          const shuffled = applyAll(conversation, redelivered);
          expect(shuffled).toEqual(inOrder);
          // Each distinct fact is exactly one change.
          const finishes = notifications.some((n) => n.type === 'CONVERSATION_FINISHED') && conversation.lifecycleState === 'IN_PROGRESS';
          const handsOff =
            notifications.some((n) => n.type === 'HUMAN_INTERVENTION_NEEDED') && conversation.conversationStage === 'VIRTUAL_AGENT_STAGE';
          const known = new Set(
            (conversation.unrecoverableErrors ?? []).map((e) => JSON.stringify([e.publishTime, e.messageId, e.errorStatus])),
          );
          const newErrors = new Set(
            notifications
              .filter((n) => n.type === 'UNRECOVERABLE_ERROR')
              .map(errorKey)
              .filter((k) => !known.has(k)),
          );
          expect(inOrder.version).toBe(conversation.version + Number(finishes) + Number(handsOff) + newErrors.size);
          expect(inOrder.lifecycleState).toBe(finishes ? 'COMPLETED' : conversation.lifecycleState);
          expect(inOrder.conversationStage).toBe(handsOff ? 'HUMAN_ASSIST_STAGE' : conversation.conversationStage);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('applying a notification twice changes nothing the second time', () => {
    fc.assert(
      fc.property(
        conversationAndNotifications.chain(({ conversation, notifications }) =>
          fc.tuple(fc.constant(applyAll(conversation, notifications.slice(1))), fc.constant(notifications[0] as Notification)),
        ),
        ([conversation, n]) => {
          const once = right(applyNotification(conversation, n));
          const twice = right(applyNotification(once.conversation, n));
          expect(twice.events).toEqual([]);
          expect(twice.conversation).toBe(once.conversation);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
