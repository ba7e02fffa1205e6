import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLeft } from 'fp-ts/lib/Either.js';
import { fromProto3JSON } from 'proto3-json-serializer';
import type protobuf from 'protobufjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Conversation,
  type ConversationDomainEvent,
  type ConversationName,
  fromMachineSnapshot,
  toMachineSnapshot,
} from '../src/index.js';
import { googleType } from './google.js';
import { type ConversationStore, handlePush, type PushHandlerOptions, pushServer, storeKey } from './recipe/push-handler.js';

// The recipe (test/recipe/push-handler.ts, shown in docs/recipes.md) at work: an in-memory store,
// Dialogflow faked, and Pub/Sub played by this test.

/** A tiny seeded generator, so each round is a different but repeatable schedule. */
const random = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

/** Rows hold machine snapshots as JSON text, as a database would; every call takes a random while. */
class MemoryStore implements ConversationStore {
  readonly rows = new Map<string, string>();
  conflicts = 0;
  constructor(private readonly next: () => number) {}
  private pause = () => new Promise((resolve) => setTimeout(resolve, Math.floor(this.next() * 8)));
  async load(key: string): Promise<Conversation | undefined> {
    await this.pause();
    const text = this.rows.get(key);
    if (text === undefined) return undefined;
    const restored = fromMachineSnapshot(JSON.parse(text));
    if (isLeft(restored)) throw new Error(restored.left.message);
    return restored.right;
  }
  async save(key: string, next: Conversation, expected: number | undefined): Promise<boolean> {
    await this.pause();
    const text = this.rows.get(key);
    const version = text === undefined ? undefined : (JSON.parse(text).context.version as number);
    if (version !== expected) {
      this.conflicts++;
      return false;
    }
    this.rows.set(key, JSON.stringify(toMachineSnapshot(next)));
    return true;
  }
}

const NAME = 'projects/acme/locations/global/conversations/c-42';
const REMOTE = {
  name: NAME,
  lifecycleState: 'IN_PROGRESS',
  conversationProfile: 'projects/acme/locations/global/conversationProfiles/support',
  startTime: '2026-11-23T10:00:00Z',
  conversationStage: 'VIRTUAL_AGENT_STAGE',
};

const EVENT = googleType('google.cloud.dialogflow.v2.ConversationEvent');

/** A push body as Pub/Sub sends it, with the notification as protobuf (the default) or JSON. */
const pushBody = (messageId: string, publishTime: string, event: Record<string, unknown>, format: 'JSON' | 'PROTO') => {
  const data =
    format === 'JSON'
      ? Buffer.from(JSON.stringify(event))
      : Buffer.from(EVENT.encode(fromProto3JSON(EVENT, event as never) as protobuf.Message).finish());
  return {
    message: { data: data.toString('base64'), messageId, message_id: messageId, publishTime, publish_time: publishTime, attributes: {} },
    subscription: 'projects/acme/subscriptions/dialogflow-events',
  };
};

// Notifications name conversations without `locations/global`.
const ABOUT = 'projects/acme/conversations/c-42';
const DELIVERIES = [
  pushBody('1', '2026-11-23T10:00:00.100Z', { conversation: ABOUT, type: 'CONVERSATION_STARTED' }, 'PROTO'),
  pushBody(
    '2',
    '2026-11-23T10:01:00Z',
    { conversation: ABOUT, type: 'NEW_MESSAGE', newMessagePayload: { content: 'a person please' } },
    'JSON',
  ),
  pushBody(
    '3',
    '2026-11-23T10:01:30Z',
    { conversation: ABOUT, type: 'UNRECOVERABLE_ERROR', errorStatus: { code: 14, message: 'SIP 503' } },
    'PROTO',
  ),
  pushBody('4', '2026-11-23T10:02:00Z', { conversation: ABOUT, type: 'HUMAN_INTERVENTION_NEEDED' }, 'PROTO'),
  pushBody(
    '5',
    '2026-11-23T10:03:00Z',
    { conversation: ABOUT, type: 'UNRECOVERABLE_ERROR', errorStatus: { code: 9, message: 'SIP 488' } },
    'JSON',
  ),
  pushBody('6', '2026-11-23T10:30:00Z', { conversation: ABOUT, type: 'CONVERSATION_FINISHED' }, 'PROTO'),
  pushBody('7', '2026-11-23T10:31:00Z', { conversation: ABOUT, type: 'CONVERSATION_FINISHED' }, 'JSON'),
];

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

const listen = async (options: PushHandlerOptions): Promise<string> => {
  const listening = pushServer(options);
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  const address = listening.address() as AddressInfo;
  return `http://127.0.0.1:${address.port}/`;
};

const post = async (url: string, body: unknown): Promise<number> =>
  (await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).status;

describe('the recipe: a Pub/Sub push handler with optimistic concurrency', () => {
  it('concurrent, duplicated, reordered deliveries give one conversation, each fact once, and each event published once', async () => {
    let sawConflicts = false;
    for (let round = 0; round < 12; round++) {
      const next = random(round + 1);
      const store = new MemoryStore(next);
      const published: ConversationDomainEvent[] = [];
      const logs: string[] = [];
      const url = await listen({
        store,
        fetchConversation: async () => REMOTE,
        publish: async (events) => {
          published.push(...events);
        },
        log: (m) => logs.push(m),
      });
      // Pub/Sub: every message at least once, some twice or three times, in any order, concurrently;
      // whatever is not acknowledged is delivered again.
      let pending = DELIVERIES.flatMap((d) => Array.from({ length: 1 + Math.floor(next() * 3) }, () => d)).sort(() => next() - 0.5);
      for (let wave = 0; pending.length > 0; wave++) {
        // Every wave acknowledges at least one delivery (a compare-and-set always lets one writer
        // through), so this ends; the bound only guards against a handler that never acknowledges.
        expect(wave).toBeLessThan(DELIVERIES.length * 3);
        const statuses = await Promise.all(pending.map((body) => post(url, body)));
        pending = pending.filter((_, i) => (statuses[i] ?? 500) >= 300);
      }
      const stored = await store.load(storeKey(NAME as ConversationName));
      expect(stored).toMatchObject({
        name: NAME,
        lifecycleState: 'COMPLETED',
        conversationStage: 'HUMAN_ASSIST_STAGE',
        version: 4, // fetched at 0; then the handoff, the completion and two distinct errors
      });
      expect(stored?.unrecoverableErrors?.map((e) => [e.messageId, e.publishTime, e.errorStatus])).toEqual([
        ['3', '2026-11-23T10:01:30Z', { code: 14, message: 'SIP 503' }],
        ['5', '2026-11-23T10:03:00Z', { code: 9, message: 'SIP 488' }],
      ]);
      expect(published.map((e) => e.type).sort()).toEqual([
        'ConversationCompleted',
        'ConversationErrorRecorded',
        'ConversationErrorRecorded',
        'ConversationHandedOff',
      ]);
      expect(logs).toEqual([]);
      sawConflicts ||= store.conflicts > 0;
      await new Promise((resolve) => server?.close(resolve));
      server = undefined;
    }
    // The schedules did make writers collide, and the compare-and-set sorted them out.
    expect(sawConflicts).toBe(true);
  });

  it('acknowledges what can never succeed, and has Pub/Sub redeliver what failed for now', async () => {
    const logs: string[] = [];
    let failures = 1;
    const store = new MemoryStore(random(7));
    const url = await listen({
      store,
      fetchConversation: async () => {
        if (failures-- > 0) throw new Error('GetConversation: 503');
        return REMOTE;
      },
      publish: async () => {},
      log: (m) => logs.push(m),
    });
    const finished = DELIVERIES[5];
    expect(await post(url, finished)).toBe(500); // GetConversation failed: redeliver
    expect(await post(url, finished)).toBe(204);
    expect((await store.load(storeKey(NAME as ConversationName)))?.lifecycleState).toBe('COMPLETED');
    expect(await post(url, { message: { data: 'not base64!' } })).toBe(204); // undecodable: acknowledged, logged
    expect(logs).toEqual([
      expect.stringContaining('GetConversation: 503'),
      expect.stringContaining('undecodable push, dropped: message.data'),
    ]);
    expect((await fetch(url)).status).toBe(405);
    expect(await post(url, 'x'.repeat((1 << 20) + 1))).toBe(413);
    expect((await fetch(url, { method: 'POST', body: '{' })).status).toBe(400);
  });

  it('gives up after repeated conflicts, so that Pub/Sub redelivers', async () => {
    const store: ConversationStore = { load: async () => undefined, save: async () => false };
    const options = { store, fetchConversation: async () => REMOTE, publish: async () => {}, log: () => {}, attempts: 3 };
    expect(await handlePush(DELIVERIES[5], options)).toBe(503);
  });

  it('is in docs/recipes.md, verbatim', () => {
    // The recipe is test/recipe/push-handler.ts, whole; the doc imports the package instead of the source.
    const recipe = readFileSync(new URL('./recipe/push-handler.ts', import.meta.url), 'utf8');
    const doc = readFileSync(new URL('../docs/recipes.md', import.meta.url), 'utf8');
    expect(recipe.length).toBeGreaterThan(1000);
    expect(doc).toContain(recipe.replace("'../../src/index.js'", "'dialogflow-conversation'"));
  });
});
