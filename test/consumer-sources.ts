/**
 * The programs a scratch project compiles and runs against the packed package (test/peer-versions.test.ts):
 * what a user writes, by the package's public names only. Kept as text: they import
 * `dialogflow-conversation` by name, which resolves only where the tarball is installed.
 */

/**
 * Every entry point but the emulator, with the user's own xstate, fp-ts and io-ts: actors from a
 * snapshot and from input, a codec composed with io-ts, commands, notifications, persisted
 * snapshots. Type-checked with `skipLibCheck: false` and no Node types; prints one JSON line.
 */
export const CHECK_TS = String.raw`import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { createActor, type SnapshotFrom } from 'xstate';
import {
  applyNotification,
  type Conversation,
  ConversationCodec,
  conversationKey,
  decodePushDelivery,
  fromPersistedSnapshot,
  handOff,
  parseConversation,
  stringifyConversation,
  toMachineSnapshot,
  toPersistedSnapshot,
} from 'dialogflow-conversation';
import { clientOptionsFor, encodeCreateConversationRequest } from 'dialogflow-conversation/dialogflow';
import { fromGoogleConversation, toGoogleConversation } from 'dialogflow-conversation/google';
import { type ConversationMachine, conversationMachine, fromMachineSnapshot, toMermaid } from 'dialogflow-conversation/machine';
import { decodeNotification, NotificationCodec } from 'dialogflow-conversation/notifications';
import { ConversationNameCodec, TimestampCodec, timestampFromEpoch } from 'dialogflow-conversation/wire';

const fail = (what: string): never => {
  throw new Error(what);
};

const decoded = parseConversation(
  '{"name":"projects/p/conversations/c","lifecycleState":"IN_PROGRESS","conversationProfile":"projects/p/conversationProfiles/s","startTime":"2026-11-23T10:00:00Z","conversationStage":"VIRTUAL_AGENT_STAGE"}',
);
const c: Conversation = isRight(decoded) ? decoded.right : fail('parse');

// A restored actor, typed by the user's own xstate.
const restored = createActor(conversationMachine, { snapshot: toMachineSnapshot(c) }).start();
restored.send({ type: 'handOff' });
restored.send({ type: 'complete', at: '2026-11-23T10:20:00Z' });
const snapshot: SnapshotFrom<ConversationMachine> = restored.getSnapshot();
const back = fromMachineSnapshot(snapshot);
const after: Conversation = isRight(back) ? back.right : fail('fromMachineSnapshot');

// A new actor from input.
const fresh = createActor(conversationMachine, {
  input: { conversationProfile: 'projects/p/conversationProfiles/s', virtualAgent: true, startTime: '2026-11-23T10:00:00+01:00' },
}).start();
const freshStage: string = fresh.getSnapshot().value.stage;
fresh.send({ type: 'handOff' });

// The library's codecs compose with the user's io-ts.
const page = t.type({ conversations: t.array(ConversationCodec) }).decode({ conversations: [JSON.parse(stringifyConversation(c))] });

const handed = handOff(c);
const push = decodePushDelivery({
  message: {
    data: btoa(JSON.stringify({ conversation: 'projects/p/conversations/c', type: 'CONVERSATION_FINISHED' })),
    messageId: '1',
    publishTime: '2026-11-23T10:30:00Z',
  },
  subscription: 'projects/p/subscriptions/s',
});
const applied = isRight(push) ? applyNotification(c, push.right) : fail('push');
const persisted = fromPersistedSnapshot(JSON.parse(JSON.stringify(toPersistedSnapshot(after))));
const google = toGoogleConversation(c);

console.log(
  JSON.stringify({
    restored: snapshot.value,
    version: after.version,
    endTime: after.endTime,
    freshStage,
    freshAfter: fresh.getSnapshot().value,
    page: isRight(page) ? page.right.conversations.length : 'left',
    handed: isRight(handed) ? handed.right.events.map((e) => e.type) : 'left',
    applied: isRight(applied) ? applied.right.conversation.lifecycleState : 'left',
    persisted: isRight(persisted) ? persisted.right.lifecycleState : 'left',
    key: conversationKey('projects/p/locations/global/conversations/c'),
    mermaid: ((d) => (d._tag === 'Right' ? d.right.split('\n')[0] : d.left.message))(toMermaid()),
    name: isRight(ConversationNameCodec.decode('projects/p/conversations/c')),
    timestamp: TimestampCodec.is('2026-11-23T10:00:00Z'),
    epoch: timestampFromEpoch({ seconds: 0, nanos: 0 }),
    notification: isRight(NotificationCodec.decode({ conversation: 'projects/p/conversations/c' })) && isLeft(decodeNotification({})),
    google: isRight(google) ? isRight(fromGoogleConversation(google.right)) : 'left',
    endpoint: isRight(clientOptionsFor('europe-west1')) ? clientOptionsFor('europe-west1') : 'left',
    create: encodeCreateConversationRequest({ parent: 'projects/p', conversation: { conversationProfile: 'projects/p/conversationProfiles/s' } }),
  }),
);
`;

/** The emulator's entry point, without its optional peers: it loads, and starting it says what to install. */
export const EMULATOR_TS = `import { EMULATED_RPCS, EmulatorError, startEmulator } from 'dialogflow-conversation/emulator';

const started = await startEmulator();
const error = started._tag === 'Left' ? started.left : undefined;
console.log(JSON.stringify({ missing: error instanceof EmulatorError ? [error.code, ...error.packageNames] : 'started', rpcs: EMULATED_RPCS.length > 0 }));
`;
