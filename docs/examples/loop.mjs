// The whole loop, offline: the emulator of Dialogflow's Conversations API (driven by this module's
// machine), Google's own client, the gateway, and a backend made of this module (backend.mjs) that
// receives the pushes and keeps the conversations in the store (PGlite, embedded), publishing
// their domain events from its outbox. A script plays conversations with handoffs, a
// telephony error, a transient failure, duplicated and reordered deliveries (seeded chaos), a day
// and a month passing; the timeline shows each step, and a check compares what the backend holds
// with what the emulator holds. `npm start` runs it; so does `node docs/examples/loop.mjs`.
import { v2 } from '@google-cloud/dialogflow';
import * as grpc from '@grpc/grpc-js';
import { dialogflowGateway } from 'dialogflow-conversation/dialogflow';
import { startEmulator } from 'dialogflow-conversation/emulator';
import { startBackend } from './backend.mjs';

const PARENT = 'projects/acme-contact-center/locations/global';
const SUPPORT = `${PARENT}/conversationProfiles/support`; // has a virtual agent
const ASSIST = `${PARENT}/conversationProfiles/agent-assist`; // has none
const SEED = 7;
const HOUR = 3600;
const DAY = 24 * HOUR;

const started = performance.now();
const shortName = (name) => (name === undefined ? '' : name.slice(name.lastIndexOf('/') + 1));
const print = (actor, conversation, text) =>
  process.stdout.write(
    `${((performance.now() - started) / 1000).toFixed(2).padStart(6)}s  ${actor.padEnd(8)}  ${shortName(conversation).padEnd(8)}  ${text}\n`,
  );
const heading = (text) => process.stdout.write(`\n── ${text}\n`);

// Publish order and arrivals, per conversation, to say which deliveries were duplicated or overtaken.
const publishedAt = new Map();
const arrived = new Map();
let published = 0;

const fromEmulator = (event) => {
  if (event.kind === 'notification') publishedAt.set(event.messageId, published++);
  const shown =
    event.kind === 'lifecycle' ||
    event.kind === 'fault' ||
    event.kind === 'clock' ||
    (event.kind === 'push' && !event.message.endsWith(', acknowledged')) ||
    event.kind === 'notification';
  if (shown) print('emulator', event.conversation, event.message);
};

const fromBackend = ({ conversation, text, messageId }) => {
  let note = '';
  if (messageId !== undefined && !text.includes(' 503 ')) {
    const seen = arrived.get(conversation) ?? [];
    const index = publishedAt.get(messageId);
    if (seen.includes(index)) note = '  [a duplicate delivery]';
    else if (seen.some((i) => i > index)) note = '  [arrived after a later one]';
    arrived.set(conversation, [...seen, index]);
  }
  print('backend', conversation, `${text}${note}`);
};

heading(`Start: the emulator (seed ${SEED}, chaos on, PROTO pushes), Google's client, the gateway, the backend`);
// The backend's endpoint first: the emulator pushes to it.
const backend = await startBackend({
  log: fromBackend,
  flaky: (n) => n.type === 'HUMAN_INTERVENTION_NEEDED' && n.conversation.endsWith('/alpha'),
});
const emulatorStarted = await startEmulator({
  push: backend.pushUrl,
  virtualAgentProfiles: [SUPPORT],
  seed: SEED,
  chaos: true,
  log: fromEmulator,
});
if (emulatorStarted._tag === 'Left') throw emulatorStarted.left;
const emulator = emulatorStarted.right;
const client = new v2.ConversationsClient({ ...emulator.clientOptions, sslCreds: grpc.credentials.createInsecure() });
backend.connect(dialogflowGateway(client));
print('script', undefined, `emulator on ${emulator.grpcAddress}, control API on ${emulator.controlUrl}; pushes to ${backend.pushUrl}`);

const controlCall = async (method, path, body) => {
  const response = await fetch(`${emulator.controlUrl}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return response.json();
};
// Until the emulator has delivered every push and the backend's outbox has published every event.
const settle = async () => {
  await emulator.idle();
  for (let i = 0; i < 200 && (await backend.pendingEvents()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
};

heading("1. The backend creates conversations (through the gateway and Google's client)");
for (const [conversationId, profile, stage, note] of [
  ['alpha', SUPPORT, undefined, 'on support: a virtual agent answers'],
  ['bravo', ASSIST, undefined, 'on agent-assist: no virtual agent'],
  ['charlie', SUPPORT, 'HUMAN_ASSIST_STAGE', 'on support, asking for a human agent from the start (left running)'],
  ['delta', SUPPORT, undefined, 'on support'],
  ['echo', ASSIST, undefined, 'on agent-assist; its answer is "lost", so it is created again with the same ID (left running)'],
]) {
  print('script', conversationId, `create ${note}`);
  await backend.create({ parent: PARENT, conversationProfile: profile, conversationStage: stage, conversationId });
}
await backend.create({ parent: PARENT, conversationProfile: ASSIST, conversationId: 'echo' });
await settle();

heading('2. A call Dialogflow answered itself: the backend first hears of it in a notification');
print('script', 'foxtrot', "created with Google's client directly, not through the backend");
await client.createConversation({ parent: PARENT, conversation: { conversationProfile: SUPPORT }, conversationId: 'foxtrot' });
await settle();

heading("3. Dialogflow's own agent: a handoff, a telephony error (the control API)");
print('script', 'alpha', 'POST :handoff (the backend fails its first delivery: Pub/Sub redelivers)');
await controlCall('POST', `/v2/${PARENT}/conversations/alpha:handoff`);
print('script', 'bravo', 'POST :error (an unrecoverable telephony error)');
await controlCall('POST', `/v2/${PARENT}/conversations/bravo:error`, { code: 9, message: 'SIP trunk misconfigured' });
print('script', 'delta', 'POST :handoff, and at once the caller hangs up (CompleteConversation, not from the backend)');
await controlCall('POST', `/v2/${PARENT}/conversations/delta:handoff`);
await client.completeConversation({ name: `${PARENT}/conversations/delta` });
await settle();

heading('4. The backend completes conversations; one call meets a transient UNAVAILABLE');
print('script', undefined, 'POST /faults: the next CompleteConversation fails with UNAVAILABLE (14)');
await controlCall('POST', '/faults', { rpc: 'CompleteConversation', code: 14, times: 1 });
await backend.complete('alpha');
print('script', 'alpha', 'complete again: harmless (Dialogflow notifies CONVERSATION_FINISHED once more)');
await backend.complete('alpha');
await backend.complete('bravo');
await settle();

heading('5. A day passes: Dialogflow auto-completes what is still in progress; the sweep notices');
await controlCall('POST', '/clock:advance', { seconds: DAY + HOUR });
await backend.sweep(emulator.now());
await settle();
const first = await check('after a day', new Set());

heading('6. A month passes: Dialogflow purges what ended 30 days ago; the backend notices');
await controlCall('POST', '/clock:advance', { seconds: 29 * DAY });
const purged = new Set(await backend.notePurged());
print('script', 'golf', 'create on support: a new conversation, a month later');
await backend.create({ parent: PARENT, conversationProfile: SUPPORT, conversationId: 'golf' });
await settle();
const last = await check('at the end', purged);

const stats = emulator.pushStats();
heading('Pushes');
process.stdout.write(
  `  ${stats.published} notifications published, ${stats.attempts} deliveries: ${stats.acknowledged} acknowledged, ` +
    `${stats.retried} redelivered after a failure, ${stats.duplicated} duplicated by chaos, ${stats.gaveUp} given up\n`,
);

await client.close();
await emulator.close();
await backend.close();
process.stdout.write(first && last ? '\nThe backend agrees with the emulator.\n' : '\nThe backend DISAGREES with the emulator.\n');
process.exitCode = first && last ? 0 : 1;

/**
 * Compares what the backend holds with what the emulator holds, field by field; the backend also
 * keeps, as its record, the conversations Dialogflow purged.
 */
async function check(when, purged) {
  const emulated = (await controlCall('GET', '/conversations')).conversations;
  const held = await backend.conversations();
  const pending = await backend.pendingEvents();
  const summary = (c) =>
    [
      c.lifecycleState,
      c.conversationStage,
      `start ${c.startTime}`,
      `end ${c.endTime ?? '-'}`,
      `${(c.unrecoverableErrors ?? []).length} error(s)`,
    ].join('  ');
  const problems = [];
  heading(
    `Check ${when}: ${emulated.length} conversations in the emulator, ${held.size} in the backend's store, ${pending} event(s) left in its outbox`,
  );
  if (pending !== 0) problems.push('outbox');
  for (const e of emulated) {
    const b = held.get(e.name);
    const expected = summary(e);
    const actual = b === undefined ? 'missing' : summary(b);
    process.stdout.write(
      `  ${shortName(e.name).padEnd(8)}  ${expected}  ${actual === expected ? 'agrees' : `DIFFERS: the backend has ${actual}`}\n`,
    );
    if (actual !== expected) problems.push(e.name);
  }
  for (const [name, b] of held) {
    if (emulated.some((e) => e.name === name)) continue;
    if (purged.has(name)) {
      process.stdout.write(`  ${shortName(name).padEnd(8)}  ${summary(b)}  purged from Dialogflow, kept as the backend's record  agrees\n`);
    } else {
      process.stdout.write(`  ${shortName(name).padEnd(8)}  DIFFERS: the backend holds it, the emulator does not\n`);
      problems.push(name);
    }
  }
  return problems.length === 0;
}
