import type { createActor } from 'xstate';
import type * as Root from '../../src/index.js';
import type * as Machine from '../../src/machine/index.js';
import type * as Notifications from '../../src/notifications/index.js';
import type * as Wire from '../../src/wire/index.js';

/**
 * The same calls, in a browser bundle and in Node (test/browser.test.ts). The library comes in as
 * an argument, so this module imports nothing at run time: the bundle takes the built package
 * (its exports) from the caller, and Node the built files, never the sources.
 */
export interface Library {
  readonly root: typeof Root;
  readonly machine: typeof Machine;
  readonly notifications: typeof Notifications;
  readonly wire: typeof Wire;
  readonly createActor: typeof createActor;
}

export interface ChecksInput {
  /** A Conversation as Dialogflow returns it (ProtoJSON text). */
  readonly conversation: string;
  /** Pub/Sub push bodies, applied in this order. */
  readonly pushes: ReadonlyArray<{ readonly label: string; readonly body: unknown }>;
  /** A serialized ConversationEvent, in base64, for decodeNotificationData. */
  readonly protoData: string;
  /** A push whose data is neither JSON nor protobuf. */
  readonly badPush: unknown;
}

const bytesOf = (base64: string): Uint8Array => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

/** Plain JSON, so the browser's answer and Node's compare as values. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

export const runChecks = (lib: Library, input: ChecksInput): unknown => {
  const { root, machine, notifications, wire } = lib;
  const decoded = root.parseConversation(input.conversation);
  if (decoded._tag === 'Left') return { error: decoded.left.message };
  let conversation = decoded.right;
  const steps: unknown[] = [];
  for (const { label, body } of input.pushes) {
    const notification = root.decodePushDelivery(body);
    if (notification._tag === 'Left') {
      steps.push({ label, error: notification.left.message });
      continue;
    }
    const applied = root.applyNotification(conversation, notification.right);
    if (applied._tag === 'Left') {
      steps.push({ label, notification: notifications.encodeNotification(notification.right), error: applied.left.message });
      continue;
    }
    conversation = applied.right.conversation;
    steps.push({
      label,
      notification: notifications.encodeNotification(notification.right),
      delivery: notification.right.delivery,
      events: applied.right.events.map((e) => e.type),
      conversation: root.stringifyConversation(conversation),
      version: conversation.version,
    });
  }
  const data = root.decodeNotificationData(bytesOf(input.protoData), { format: 'PROTO' });
  const bad = root.decodePushDelivery(input.badPush);

  // The machine, from the aggregate's snapshot and from input; a second handOff changes nothing.
  const actor = lib.createActor(machine.conversationMachine, { snapshot: root.toMachineSnapshot(conversation) }).start();
  actor.send({ type: 'handOff' });
  const restored = root.fromMachineSnapshot(actor.getSnapshot());
  const fresh = lib
    .createActor(machine.conversationMachine, {
      input: {
        conversationProfile: 'projects/acme/conversationProfiles/support',
        virtualAgent: true,
        startTime: '2026-11-23T10:00:00+01:00',
      },
    })
    .start();
  fresh.send({ type: 'handOff' });
  const persisted = root.fromPersistedSnapshot(JSON.parse(JSON.stringify(root.toPersistedSnapshot(conversation))));

  const drawn = (d: ReturnType<typeof machine.toMermaid>): string => (d._tag === 'Right' ? d.right : d.left.message);
  return plain({
    steps,
    data: data._tag === 'Right' ? notifications.encodeNotification(data.right) : data.left.message,
    bad: bad._tag === 'Left' ? bad.left.errors : 'decoded',
    restored: restored._tag === 'Right' ? root.stringifyConversation(restored.right) : restored.left.message,
    fresh: { value: fresh.getSnapshot().value, status: fresh.getSnapshot().status },
    persisted: persisted._tag === 'Right' ? persisted.right.version : persisted.left.message,
    mermaid: drawn(machine.toMermaid()).split('\n').slice(0, 2),
    dot: drawn(machine.toDot()).split('\n')[0],
    timestamp: wire.TimestampCodec.decode('2026-11-23T10:15:30.123456789+05:30'),
    epoch: wire.timestampFromEpoch({ seconds: 1_795_000_000, nanos: 5 }),
    key: root.conversationKey('projects/acme/locations/global/conversations/c-42'),
    name: wire.ConversationNameCodec.decode('projects/acme/conversations/'),
  });
};
