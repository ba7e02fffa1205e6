import { createServer } from 'node:net';
import type { v2 } from '@google-cloud/dialogflow';
import * as fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListFilter } from '../src/emulator/filter.js';
import { EmulatorError, type RpcCall, type RunningEmulator, startEmulator } from '../src/emulator/index.js';
import { fromGoogleConversation } from '../src/google/index.js';
import { type Conversation, complete, createConversation, decodeConversation, encodeConversation } from '../src/index.js';
import { spawnBin } from './cli-helpers.js';
import {
  ASSIST_PROFILE,
  advance,
  control,
  emulatorForTest,
  GLOBAL,
  googleBetaClient,
  googleClient,
  type PushReceiver,
  startPushReceiver,
  VA_PROFILE,
} from './emulator-helpers.js';
import { googleType } from './google.js';
import { left, right } from './helpers.js';

const NO_RETRY = { retry: null } as const;
const DAY = 86_400;

/** The gRPC status a call of Google's client failed with. */
const failure = async (call: Promise<unknown>): Promise<{ code: number; details: string }> => {
  try {
    await call;
  } catch (error) {
    const e = error as { code?: number; details?: string };
    return { code: e.code ?? -1, details: e.details ?? '' };
  }
  throw new Error('expected the call to fail');
};

let emulator: RunningEmulator;
let client: v2.ConversationsClient;
let receiver: PushReceiver;

beforeAll(async () => {
  receiver = await startPushReceiver();
  ({ emulator } = await emulatorForTest({ virtualAgentProfiles: [VA_PROFILE, 'bot'], push: receiver.url, format: 'JSON' }));
  client = googleClient(emulator);
});

afterAll(async () => {
  await client?.close();
  await emulator?.close();
  await receiver?.close();
});

const create = async (request: Record<string, unknown>) => {
  const [conversation] = await client.createConversation(request, NO_RETRY);
  return conversation;
};

describe("the emulator, through Google's own client", () => {
  it('creates under a parent with or without a location, in the stage the profile gives', async () => {
    const global = await create({ parent: 'projects/acme', conversation: { conversationProfile: VA_PROFILE } });
    expect(global.name).toMatch(/^projects\/acme\/conversations\/[A-Za-z][A-Za-z0-9_-]{21}$/);
    expect(global).toMatchObject({
      lifecycleState: 'IN_PROGRESS',
      conversationStage: 'VIRTUAL_AGENT_STAGE',
      conversationProfile: VA_PROFILE,
    });
    const regional = await create({
      parent: 'projects/acme/locations/us-central1',
      conversation: { conversationProfile: 'projects/acme/locations/us-central1/conversationProfiles/bot' },
    });
    // A profile ID given to --virtual-agent matches in any project and location.
    expect(regional.conversationStage).toBe('VIRTUAL_AGENT_STAGE');
    expect(regional.name).toMatch(/^projects\/acme\/locations\/us-central1\/conversations\//);
    expect((await create({ parent: GLOBAL, conversation: { conversationProfile: ASSIST_PROFILE } })).conversationStage).toBe(
      'HUMAN_ASSIST_STAGE',
    );
    expect(
      (await create({ parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE, conversationStage: 'HUMAN_ASSIST_STAGE' } }))
        .conversationStage,
    ).toBe('HUMAN_ASSIST_STAGE');
  });

  it('checks a create as Dialogflow does: INVALID_ARGUMENT, with what is wrong', async () => {
    const cases: ReadonlyArray<[Record<string, unknown>, string]> = [
      [{ parent: 'acme', conversation: { conversationProfile: VA_PROFILE } }, 'parent: expected a parent like projects/{project}'],
      [{ parent: 'projects/acme/agents/x', conversation: { conversationProfile: VA_PROFILE } }, 'parent: '],
      [{ parent: GLOBAL }, 'conversation: expected the conversation to create'],
      [{ parent: GLOBAL, conversation: {} }, 'conversation.conversationProfile: expected a conversation profile name'],
      [
        { parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE }, conversationId: 'ab' },
        'conversationId: expected 3 to 64 characters, got 2',
      ],
      [{ parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE }, conversationId: 'a'.repeat(65) }, 'got 65'],
      [{ parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE }, conversationId: '1abc' }, 'must start with a letter'],
      [
        { parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE }, conversationId: 'ab.c' },
        'may contain only letters, digits, "_" and "-", got "."',
      ],
      [
        { parent: GLOBAL, conversation: { conversationProfile: ASSIST_PROFILE, conversationStage: 'VIRTUAL_AGENT_STAGE' } },
        `VIRTUAL_AGENT_STAGE needs a profile with a virtual agent, and ${ASSIST_PROFILE} has none`,
      ],
      [{ parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE, conversationStage: 7 } }, 'conversation.conversationStage'],
    ];
    for (const [request, message] of cases) {
      const { code, details } = await failure(client.createConversation(request, NO_RETRY));
      expect([code, details]).toEqual([3, expect.stringContaining(message)]);
    }
    const longest = 'a'.repeat(64);
    expect((await create({ parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE }, conversationId: longest })).name).toBe(
      `${GLOBAL}/conversations/${longest}`,
    );
    expect((await create({ parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE }, conversationId: 'aB_-9' })).name).toBe(
      `${GLOBAL}/conversations/aB_-9`,
    );
  });

  it('refuses a duplicate conversationId with ALREADY_EXISTS, in any location of the project', async () => {
    await create({ parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE }, conversationId: 'dup-1' });
    expect(
      (
        await failure(
          client.createConversation(
            { parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE }, conversationId: 'dup-1' },
            NO_RETRY,
          ),
        )
      ).code,
    ).toBe(6);
    expect(
      (
        await failure(
          client.createConversation(
            { parent: 'projects/acme', conversation: { conversationProfile: VA_PROFILE }, conversationId: 'dup-1' },
            NO_RETRY,
          ),
        )
      ).code,
    ).toBe(6);
  });

  it('keeps real times, with nanoseconds', async () => {
    const before = Date.now();
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await create({ parent: GLOBAL, conversation: { conversationProfile: ASSIST_PROFILE } }));
    const after = Date.now();
    for (const c of made) {
      const ms = Number(c.startTime?.seconds) * 1000 + Math.floor((c.startTime?.nanos ?? 0) / 1e6);
      expect(ms).toBeGreaterThanOrEqual(before - 1);
      expect(ms).toBeLessThanOrEqual(after + 1);
    }
    // Not milliseconds in disguise.
    expect(made.some((c) => (c.startTime?.nanos ?? 0) % 1_000_000 !== 0)).toBe(true);
  });

  it('GetConversation and CompleteConversation: NOT_FOUND for an unknown conversation, INVALID_ARGUMENT for a malformed name', async () => {
    expect((await failure(client.getConversation({ name: `${GLOBAL}/conversations/nobody` }, NO_RETRY))).code).toBe(5);
    expect((await failure(client.completeConversation({ name: `${GLOBAL}/conversations/nobody` }, NO_RETRY))).code).toBe(5);
    expect((await failure(client.getConversation({ name: 'projects/acme/conversationProfiles/x' }, NO_RETRY))).code).toBe(3);
  });

  it('completes again and again; the response is the conversation', async () => {
    const c = await create({ parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE } });
    const [done] = await client.completeConversation({ name: c.name }, NO_RETRY);
    expect(done).toMatchObject({ lifecycleState: 'COMPLETED', name: c.name });
    const [again] = await client.completeConversation({ name: c.name }, NO_RETRY);
    expect(again.endTime).toEqual(done.endTime);
    const [fetched] = await client.getConversation({ name: c.name }, NO_RETRY);
    expect(fetched).toMatchObject({ lifecycleState: 'COMPLETED', endTime: done.endTime });
  });

  it('ListConversations: page sizes (default 100, at most 1000), page tokens checked, filters as Dialogflow parses them', async () => {
    const parent = 'projects/list-checks/locations/global';
    for (let i = 0; i < 3; i++) await create({ parent, conversation: { conversationProfile: `${parent}/conversationProfiles/p` } });
    const page = async (request: Record<string, unknown>) =>
      (await client.listConversations({ parent, ...request }, { ...NO_RETRY, autoPaginate: false }))[2];
    expect((await page({ pageSize: 5000 })).conversations).toHaveLength(3);
    expect((await page({})).conversations).toHaveLength(3);
    const first = await page({ pageSize: 2 });
    expect(first.conversations).toHaveLength(2);
    expect(first.nextPageToken).not.toBe('');
    expect((await page({ pageSize: 2, pageToken: first.nextPageToken })).conversations).toHaveLength(1);
    for (const filter of [
      'lifecycle_state = "IN_PROGRESS"',
      'lifecycle_state="IN_PROGRESS"',
      "  lifecycle_state = 'IN_PROGRESS'\n",
      'lifecycle_state = IN_PROGRESS',
    ]) {
      expect((await page({ filter })).conversations, filter).toHaveLength(3);
    }
    expect((await page({ filter: 'lifecycle_state = "COMPLETED"' })).conversations ?? []).toHaveLength(0);
    const refused: ReadonlyArray<[Record<string, unknown>, string]> = [
      [{ pageSize: -1 }, 'page_size'],
      [{ pageToken: 'not-a-token' }, 'page_token'],
      [{ pageToken: first.nextPageToken, filter: 'lifecycle_state = "COMPLETED"' }, 'page_token'],
      [{ filter: 'lifecycleState = "COMPLETED"' }, 'only lifecycle_state can be filtered on'],
      [{ filter: 'lifecycle_state = "DONE"' }, 'lifecycle_state is IN_PROGRESS or COMPLETED, got "DONE"'],
      [{ filter: 'lifecycle_state != "COMPLETED"' }, 'expected "=" after lifecycle_state'],
      [{ filter: 'lifecycle_state = "COMPLETED' }, 'closing "'],
      [{ filter: 'lifecycle_state = "COMPLETED" AND lifecycle_state = "COMPLETED"' }, 'only one comparison'],
    ];
    for (const [request, message] of refused) {
      const { code, details } = await failure(client.listConversations({ parent, ...request }, { ...NO_RETRY, autoPaginate: false }));
      expect([code, details], JSON.stringify(request)).toEqual([3, expect.stringContaining(message)]);
    }
  });

  it('answers UNIMPLEMENTED for the RPCs it does not emulate (participants, messages, suggestions)', async () => {
    expect((await failure(client.listMessages({ parent: `${GLOBAL}/conversations/x` }, { ...NO_RETRY, autoPaginate: false }))).code).toBe(
      12,
    );
  });
});

describe("the emulator, through Google's v2beta1 client", () => {
  it('serves v2beta1 too, on the same conversations: created by one version, found, listed and completed by the other', async () => {
    const beta = googleBetaClient(emulator);
    try {
      const [created] = await beta.createConversation(
        { parent: 'projects/beta', conversation: { conversationProfile: VA_PROFILE } },
        NO_RETRY,
      );
      expect(created).toMatchObject({
        lifecycleState: 'IN_PROGRESS',
        conversationStage: 'VIRTUAL_AGENT_STAGE',
        conversationProfile: VA_PROFILE,
      });
      const name = created.name as string;
      const [seen] = await client.getConversation({ name }, NO_RETRY);
      expect(seen.startTime).toEqual(created.startTime);
      const [listed] = await beta.listConversations({ parent: 'projects/beta' }, { ...NO_RETRY, autoPaginate: false });
      expect(listed.map((c) => c.name)).toContain(name);
      const [completed] = await client.completeConversation({ name }, NO_RETRY);
      expect(completed.lifecycleState).toBe('COMPLETED');
      const [again] = await beta.getConversation({ name }, NO_RETRY);
      expect(again).toMatchObject({ lifecycleState: 'COMPLETED', endTime: completed.endTime });
      expect((await failure(beta.getConversation({ name: 'projects/beta/conversations/nobody' }, NO_RETRY))).code).toBe(5);
      // What the emulator does not emulate is UNIMPLEMENTED in v2beta1 as in v2.
      expect((await failure(beta.listMessages({ parent: name }, { ...NO_RETRY, autoPaginate: false }))).code).toBe(12);
    } finally {
      await beta.close();
    }
  });
});

describe('its notifications, as Pub/Sub pushes', () => {
  it('pushes CONVERSATION_STARTED, HUMAN_INTERVENTION_NEEDED, UNRECOVERABLE_ERROR and a CONVERSATION_FINISHED per complete, named without the location', async () => {
    const c = await create({ parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE }, conversationId: 'notified-1' });
    const key = 'projects/acme/conversations/notified-1';
    const handed = await control(emulator, 'POST', `/v2/${c.name}:handoff`);
    expect(handed).toMatchObject({ status: 200, json: { conversationStage: 'HUMAN_ASSIST_STAGE' } });
    const errored = await control(emulator, 'POST', `/v2/${c.name}:error`, { code: 14, message: 'SIP trunk unreachable' });
    expect(errored.status).toBe(200);
    await client.completeConversation({ name: c.name }, NO_RETRY);
    await client.completeConversation({ name: c.name }, NO_RETRY);
    await emulator.idle();
    const mine = receiver.received.filter((r) => r.notification.conversation === key);
    expect(mine.map((r) => r.notification.type)).toEqual([
      'CONVERSATION_STARTED',
      'HUMAN_INTERVENTION_NEEDED',
      'UNRECOVERABLE_ERROR',
      'CONVERSATION_FINISHED',
      'CONVERSATION_FINISHED',
    ]);
    expect(new Set(mine.map((r) => r.notification.delivery?.messageId)).size).toBe(5);
    expect(mine[2]?.notification.errorStatus).toEqual({ code: 14, message: 'SIP trunk unreachable' });
    const body = mine[0]?.body as { message: Record<string, unknown>; subscription: string };
    expect(Object.keys(body)).toEqual(['message', 'subscription']);
    expect(Object.keys(body.message).sort()).toEqual(['attributes', 'data', 'messageId', 'message_id', 'publishTime', 'publish_time']);
    expect(body.subscription).toBe('projects/acme/subscriptions/dialogflow-conversation-emulator');
    expect(JSON.parse(Buffer.from(body.message.data as string, 'base64').toString('utf8'))).toEqual({
      conversation: key,
      type: 'CONVERSATION_STARTED',
    });
    // Published when it happened, on the emulated clock, to the nanosecond.
    expect(body.message.publishTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    // The error is recorded on the emulated conversation, through that very notification.
    const stored = await control(emulator, 'GET', `/v2/${c.name}`);
    expect(stored.json.unrecoverableErrors).toEqual([
      {
        publishTime: mine[2]?.notification.delivery?.publishTime,
        messageId: mine[2]?.notification.delivery?.messageId,
        errorStatus: { code: 14, message: 'SIP trunk unreachable' },
      },
    ]);
  });

  it('in PROTO, the data is a ConversationEvent as Google serializes it', async () => {
    const proto = await startPushReceiver();
    const { emulator: protoEmulator } = await emulatorForTest({ push: proto.url });
    const protoClient = googleClient(protoEmulator);
    try {
      const [c] = await protoClient.createConversation(
        { parent: 'projects/p', conversation: { conversationProfile: 'projects/p/conversationProfiles/x' } },
        NO_RETRY,
      );
      await control(protoEmulator, 'POST', `/v2/${c.name}:error`);
      const [started, errored] = await proto.acknowledged(2);
      const data = Buffer.from((started?.body.message as { data?: string } | undefined)?.data ?? '', 'base64');
      const event = googleType('google.cloud.dialogflow.v2.ConversationEvent');
      expect(event.toObject(event.decode(data), { enums: String })).toEqual({ conversation: c.name, type: 'CONVERSATION_STARTED' });
      expect(errored?.notification).toMatchObject({ type: 'UNRECOVERABLE_ERROR', errorStatus: { code: 9 } });
    } finally {
      await protoClient.close();
      await protoEmulator.close();
      await proto.close();
    }
  });

  it('retries a push that is not acknowledged, with backoff, and gives up after maxAttempts', async () => {
    const flaky = await startPushReceiver();
    const { emulator: retrying } = await emulatorForTest({ push: flaky.url, pushRetry: { initialDelayMs: 20, maxAttempts: 3 } });
    const retryClient = googleClient(retrying);
    try {
      flaky.answer = (_, arrival) => (arrival < 2 ? 500 : 204);
      await retryClient.createConversation(
        { parent: 'projects/p', conversation: { conversationProfile: 'projects/p/conversationProfiles/x' } },
        NO_RETRY,
      );
      await retrying.idle();
      expect(flaky.received.map((r) => r.status)).toEqual([500, 500, 204]);
      expect(new Set(flaky.received.map((r) => r.notification.delivery?.messageId)).size).toBe(1);
      flaky.answer = () => 503;
      await retryClient.createConversation(
        { parent: 'projects/p', conversation: { conversationProfile: 'projects/p/conversationProfiles/x' } },
        NO_RETRY,
      );
      // Over HTTP too: POST /pushes:wait answers once nothing is pending.
      expect((await control(retrying, 'POST', '/pushes:wait')).json).toMatchObject({ pending: 0, gaveUp: 1 });
      expect(retrying.pushStats()).toMatchObject({ published: 2, attempts: 6, acknowledged: 1, retried: 4, gaveUp: 1, pending: 0 });
      expect((await control(retrying, 'GET', '/pushes')).json).toMatchObject({ gaveUp: 1 });
    } finally {
      await retryClient.close();
      await retrying.close();
      await flaky.close();
    }
  });

  it('with chaos, duplicates and reorders deliveries, the same way for the same seed', async () => {
    const run = async () => {
      const chaotic = await startPushReceiver();
      const { emulator: e, events } = await emulatorForTest({ push: chaotic.url, chaos: true, seed: 42 });
      const c = googleClient(e);
      try {
        for (let i = 0; i < 10; i++) {
          await c.createConversation(
            { parent: 'projects/p', conversation: { conversationProfile: 'projects/p/conversationProfiles/x' } },
            NO_RETRY,
          );
        }
        await e.idle();
        const published = events.filter((ev) => ev.kind === 'notification').map((ev) => `${ev.conversation} ${ev.message}`);
        return { published, arrived: chaotic.received.map((r) => r.notification.delivery?.messageId ?? ''), stats: e.pushStats() };
      } finally {
        await c.close();
        await e.close();
        await chaotic.close();
      }
    };
    const one = await run();
    const two = await run();
    expect(two.published).toEqual(one.published);
    expect([...two.arrived].sort()).toEqual([...one.arrived].sort());
    expect(one.stats.duplicated).toBeGreaterThan(0);
    expect(one.arrived.length).toBe(10 + one.stats.duplicated);
    const firstArrivals = [...new Set(one.arrived)];
    expect(firstArrivals).not.toEqual([...firstArrivals].sort());
  });
});

describe('the control API', () => {
  it('advances the clock: auto-completes at 24 hours (notified), purges 30 days after the end', async () => {
    const c = await create({ parent: GLOBAL, conversation: { conversationProfile: ASSIST_PROFILE }, conversationId: 'clocked-1' });
    const now = (await control(emulator, 'GET', '/clock')).json.now as string;
    expect(Date.parse(now)).toBeGreaterThan(0);
    const moved = await advance(emulator, DAY);
    expect(moved.completed).toContain(c.name);
    const [done] = await client.getConversation({ name: c.name }, NO_RETRY);
    expect(done.lifecycleState).toBe('COMPLETED');
    expect(Number(done.endTime?.seconds) - Number(c.startTime?.seconds)).toBe(DAY);
    expect(done.endTime?.nanos).toBe(c.startTime?.nanos);
    await emulator.idle();
    expect(
      receiver.received
        .filter((r) => r.notification.conversation === 'projects/acme/conversations/clocked-1')
        .map((r) => r.notification.type),
    ).toEqual(['CONVERSATION_STARTED', 'CONVERSATION_FINISHED']);
    expect((await advance(emulator, 30 * DAY)).purged).toContain(c.name);
    expect((await failure(client.getConversation({ name: c.name }, NO_RETRY))).code).toBe(5);
    for (const seconds of [-1, 'x', 401 * DAY, null]) {
      expect((await control(emulator, 'POST', '/clock:advance', { seconds })).status).toBe(400);
    }
  });

  it('hands off only a conversation in VIRTUAL_AGENT_STAGE and in progress', async () => {
    const va = await create({ parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE } });
    expect((await control(emulator, 'POST', `/v2/${va.name}:handoff`)).status).toBe(200);
    const twice = await control(emulator, 'POST', `/v2/${va.name}:handoff`);
    expect(twice).toMatchObject({ status: 400, json: { error: { status: 'FAILED_PRECONDITION' } } });
    // Refused by the machine (handOff illegal there), or accepted with no change: refused either way.
    expect((twice.json.error as { message: string }).message).toMatch(
      /handOff is not allowed on a conversation that is IN_PROGRESS in HUMAN_ASSIST_STAGE|already in HUMAN_ASSIST_STAGE/,
    );
    const done = await create({ parent: GLOBAL, conversation: { conversationProfile: VA_PROFILE } });
    await client.completeConversation({ name: done.name }, NO_RETRY);
    expect((await control(emulator, 'POST', `/v2/${done.name}:handoff`)).json).toMatchObject({ error: { status: 'FAILED_PRECONDITION' } });
    expect((await control(emulator, 'POST', `/v2/${GLOBAL}/conversations/nobody:handoff`)).json).toMatchObject({
      error: { code: 404, status: 'NOT_FOUND' },
    });
    expect((await control(emulator, 'POST', `/v2/${va.name}:error`, { code: 'x' })).status).toBe(400);
  });

  it('takes faults, lists them, clears them; refuses a malformed one', async () => {
    expect((await control(emulator, 'POST', '/faults', { rpc: 'GetConversation', code: 14, times: 2 })).json).toEqual({
      faults: [{ rpc: 'GetConversation', code: 14, times: 2 }],
    });
    expect((await failure(client.getConversation({ name: `${GLOBAL}/conversations/x` }, NO_RETRY))).details).toBe(
      'emulated fault (1 more to come)',
    );
    expect((await control(emulator, 'GET', '/faults')).json).toEqual({ faults: [{ rpc: 'GetConversation', code: 14, times: 1 }] });
    expect((await control(emulator, 'DELETE', '/faults')).json).toEqual({ faults: [] });
    const bad = await control(emulator, 'POST', '/faults', { rpc: 'Frob', code: 0, times: 0 });
    expect(bad.status).toBe(400);
    expect((bad.json.error as { message: string }).message).toMatch(/^rpc: expected one of CreateConversation, .*; code: .*; times: /);
    expect((await control(emulator, 'POST', '/faults', { rpc: 'GetConversation', code: 14, message: 'down for maintenance' })).status).toBe(
      200,
    );
    expect((await failure(client.getConversation({ name: `${GLOBAL}/conversations/x` }, NO_RETRY))).details).toBe('down for maintenance');
  });

  it('lists its routes, and says so for an unknown one or a body that is not JSON', async () => {
    expect(((await control(emulator, 'GET', '/')).json.routes as string[]).length).toBeGreaterThan(5);
    expect((await control(emulator, 'GET', '/nope')).status).toBe(404);
    const response = await fetch(`${emulator.controlUrl}/clock:advance`, { method: 'POST', body: '{' });
    expect(response.status).toBe(400);
    expect(((await control(emulator, 'GET', '/conversations')).json.conversations as unknown[]).length).toBeGreaterThan(0);
  });
});

describe("what a backend's tests need: conversations that exist, the calls it made, slow and failing calls", () => {
  const START = '2026-11-23T10:05:00Z';
  /** Whether a time is within the minute after START (the clock runs on in real time). */
  const soonAfterStart = (time: string): boolean => Date.parse(time) >= Date.parse(START) && Date.parse(time) < Date.parse(START) + 60_000;
  const existing = (id: string, fields: Record<string, unknown> = {}): Conversation =>
    right(
      decodeConversation({
        name: `${GLOBAL}/conversations/${id}`,
        lifecycleState: 'IN_PROGRESS',
        conversationProfile: VA_PROFILE,
        startTime: '2026-11-23T10:00:00.123456789Z',
        conversationStage: 'VIRTUAL_AGENT_STAGE',
        ...fields,
      }),
    );

  it('starts at the time it is given (now), and runs on from there', async () => {
    const { emulator: e } = await emulatorForTest({ now: START });
    try {
      expect(soonAfterStart(e.now())).toBe(true);
      expect(soonAfterStart((await control(e, 'GET', '/clock')).json.now as string)).toBe(true);
    } finally {
      await e.close();
    }
    const { emulator: dated } = await emulatorForTest({ now: new Date('2030-01-01T00:00:00Z') });
    expect(dated.now().startsWith('2030-01-01T00:00:0')).toBe(true);
    await dated.close();
    for (const now of ['yesterday', '1969-12-31T23:59:59Z', '9999-06-01T00:00:00Z', new Date(Number.NaN)]) {
      expect(left(await startEmulator({ now }))).toMatchObject({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(
          /^emulator: now: expected an RFC 3339 time or a Date from 1970-01-01T00:00:00Z to 9999-01-01T00:00:00Z, got /,
        ),
      });
    }
  });

  it('holds the conversations it is given, as they are: found by Get and List, moved by time, not notified', async () => {
    const pushes = await startPushReceiver();
    const there = existing('there', {
      phoneNumber: { countryCode: 1, phoneNumber: '+16502530000' },
      telephonyConnectionInfo: { dialedNumber: '+16502530000' },
    });
    const done = right(complete(existing('done'), '2026-11-23T10:02:00Z')).conversation;
    const { emulator: e } = await emulatorForTest({ now: START, conversations: [there, done], push: pushes.url, format: 'JSON' });
    const c = googleClient(e);
    try {
      const [got] = await c.getConversation({ name: there.name }, NO_RETRY);
      expect(encodeConversation(right(fromGoogleConversation(got)))).toEqual(encodeConversation(there));
      const [page] = await c.listConversations({ parent: GLOBAL }, { ...NO_RETRY, autoPaginate: false });
      expect(page.map((p) => p.name)).toEqual([there.name, done.name]);
      // Created here after them: listed after them.
      const [made] = await c.createConversation({ parent: GLOBAL, conversation: { conversationProfile: ASSIST_PROFILE } }, NO_RETRY);
      expect((await c.listConversations({ parent: GLOBAL }, { ...NO_RETRY, autoPaginate: false }))[0].map((p) => p.name)).toEqual([
        there.name,
        done.name,
        made.name,
      ]);
      await e.idle();
      expect(pushes.received.map((r) => r.notification.conversation)).toEqual([
        `projects/acme/conversations/${made.name?.split('/').at(-1)}`,
      ]);
      // Time moves them as any other: the one in progress is completed 24 hours after its start (notified), the other purged.
      const moved = await advance(e, DAY);
      expect(moved.completed).toEqual([there.name, made.name]);
      const [finished] = await c.getConversation({ name: there.name }, NO_RETRY);
      expect(finished).toMatchObject({
        lifecycleState: 'COMPLETED',
        endTime: { seconds: String(Date.parse('2026-11-24T10:00:00Z') / 1000), nanos: 123456789 },
      });
      expect((await advance(e, 30 * DAY)).purged).toContain(done.name);
      expect((await failure(c.getConversation({ name: done.name }, NO_RETRY))).code).toBe(5);
    } finally {
      await c.close();
      await e.close();
      await pushes.close();
    }
  });

  it('refuses a conversation Dialogflow could not have at the emulated time, saying why', async () => {
    const { emulator: e } = await emulatorForTest({ now: START, conversations: [existing('taken')] });
    try {
      const refusals: ReadonlyArray<[unknown, number, string]> = [
        [existing('taken'), 6, `conversation ${GLOBAL}/conversations/taken already exists`],
        [
          right(
            decodeConversation({
              ...encodeConversation(existing('taken-elsewhere')),
              name: 'projects/acme/locations/europe-west1/conversations/taken',
            }),
          ),
          6,
          'already exists',
        ],
        [existing('future', { startTime: '2026-11-23T11:00:00Z' }), 3, 'startTime 2026-11-23T11:00:00Z is after the emulated time'],
        [
          existing('old', { startTime: '2026-11-22T10:00:00Z' }),
          3,
          'it is in progress 24 hours after its start, when Dialogflow completes a conversation: add it COMPLETED',
        ],
        [
          right(complete(existing('purged', { startTime: '2026-10-01T10:00:00Z' }), '2026-10-01T11:00:00Z')).conversation,
          3,
          'it ended 30 days or more before, when Dialogflow purges a conversation',
        ],
        [
          right(createConversation({ conversationProfile: ASSIST_PROFILE, virtualAgent: false, startTime: START })).conversation,
          3,
          'name: a conversation Dialogflow has is named',
        ],
        [{ name: `${GLOBAL}/conversations/plain` }, 3, 'expected a conversation, the aggregate'],
        [right(decodeConversation({ ...encodeConversation(existing('kept')), version: 3 })), 3, 'GetConversation could not answer it'],
      ];
      for (const [conversation, code, message] of refusals) {
        const refused = left(e.addConversation(conversation as Conversation));
        expect([refused.code, refused.message], message).toEqual([code, expect.stringContaining(message)]);
      }
      expect(left(e.addConversation(existing('future', { startTime: '2026-11-23T11:00:00Z' }))).message).toMatch(
        /^projects\/acme\/locations\/global\/conversations\/future: not a conversation Dialogflow has at the emulated time, 2026-11-23T10:05:\S+Z: startTime .* \(the emulator's now option sets its clock\)$/,
      );
      expect(right(e.addConversation(existing('later')))).toMatchObject({ name: `${GLOBAL}/conversations/later` });
      expect(
        left(await startEmulator({ now: START, conversations: [existing('ok'), existing('old', { startTime: '2026-11-01T10:00:00Z' })] })),
      ).toMatchObject({
        code: 'INVALID_OPTION',
        message: expect.stringMatching(
          /^emulator: conversations\[1\]: projects\/acme\/locations\/global\/conversations\/old: not a conversation/,
        ),
      });
    } finally {
      await e.close();
    }
  });

  it('takes a conversation over HTTP too: POST /conversations, in ProtoJSON', async () => {
    const { emulator: e } = await emulatorForTest({ now: START });
    const c = googleClient(e);
    try {
      const json = encodeConversation(existing('posted', { conversationStage: 'HUMAN_ASSIST_STAGE' }));
      const posted = await control(e, 'POST', '/conversations', json);
      expect(posted).toMatchObject({ status: 200, json: { ...json, version: 0, unrecoverableErrors: [] } });
      const [got] = await c.getConversation({ name: json.name }, NO_RETRY);
      expect(got).toMatchObject({ lifecycleState: 'IN_PROGRESS', conversationStage: 'HUMAN_ASSIST_STAGE' });
      expect((await control(e, 'POST', '/conversations', json)).json).toMatchObject({ error: { code: 409, status: 'ALREADY_EXISTS' } });
      const bad = await control(e, 'POST', '/conversations', { name: 'x' });
      expect(bad).toMatchObject({ status: 400, json: { error: { status: 'INVALID_ARGUMENT' } } });
      expect((bad.json.error as { message: string }).message).toContain(
        'expected a Conversation in ProtoJSON, as GetConversation returns it: ',
      );
    } finally {
      await c.close();
      await e.close();
    }
  });

  it('logs every call it receives, with its answer: calls() and GET /calls', async () => {
    const { emulator: e } = await emulatorForTest({ now: START, conversations: [existing('logged')] });
    const c = googleClient(e);
    try {
      await c.getConversation({ name: `${GLOBAL}/conversations/logged` }, NO_RETRY);
      await failure(c.getConversation({ name: `${GLOBAL}/conversations/nobody` }, NO_RETRY));
      right(e.addFault({ rpc: 'CompleteConversation', code: 14 }));
      await failure(c.completeConversation({ name: `${GLOBAL}/conversations/logged` }, NO_RETRY));
      await c.listConversations({ parent: GLOBAL }, { ...NO_RETRY, autoPaginate: false });
      const calls = e.calls();
      expect(calls.map(({ rpc, target, code, faulted }) => ({ rpc, target, code, faulted }))).toEqual([
        { rpc: 'GetConversation', target: `${GLOBAL}/conversations/logged`, code: 0, faulted: false },
        { rpc: 'GetConversation', target: `${GLOBAL}/conversations/nobody`, code: 5, faulted: false },
        { rpc: 'CompleteConversation', target: `${GLOBAL}/conversations/logged`, code: 14, faulted: true },
        { rpc: 'ListConversations', target: GLOBAL, code: 0, faulted: false },
      ]);
      expect(calls.every((call) => soonAfterStart(call.at))).toBe(true);
      expect(Object.isFrozen(calls) && Object.isFrozen(calls[0])).toBe(true);
      expect((await control(e, 'GET', '/calls')).json).toEqual({ calls: JSON.parse(JSON.stringify(calls)) });
      expect((await control(e, 'DELETE', '/calls')).json).toEqual({ calls: [] });
      expect(e.calls()).toEqual([]);
      await c.getConversation({ name: `${GLOBAL}/conversations/logged` }, NO_RETRY);
      expect(e.calls()).toHaveLength(1);
      e.clearCalls();
      expect(e.calls()).toEqual([]);
    } finally {
      await c.close();
      await e.close();
    }
  });

  it('delays calls (delayMs): answered after the delay, in the log meanwhile without an answer; a shorter deadline is DEADLINE_EXCEEDED', async () => {
    const { emulator: e, events } = await emulatorForTest({ now: START, conversations: [existing('slow')] });
    const c = googleClient(e);
    const name = `${GLOBAL}/conversations/slow`;
    try {
      expect(right(e.addFault({ rpc: 'GetConversation', delayMs: 400 }))).toEqual([{ rpc: 'GetConversation', delayMs: 400, times: 1 }]);
      const started = performance.now();
      const answer = c.getConversation({ name }, NO_RETRY);
      let waiting: ReadonlyArray<RpcCall> = [];
      for (let i = 0; i < 100 && waiting.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        waiting = e.calls();
      }
      expect(waiting).toEqual([{ at: expect.any(String), rpc: 'GetConversation', target: name, faulted: true }]);
      expect((await answer)[0].name).toBe(name);
      expect(performance.now() - started).toBeGreaterThanOrEqual(390);
      expect(e.calls()[0]).toMatchObject({ code: 0, faulted: true });
      expect(events.some((ev) => ev.kind === 'fault' && ev.message === `GetConversation ${name}: injected: wait 400 ms`)).toBe(true);
      // A client that does not wait that long gives up: what a backend's deadline does.
      right(e.addFault({ rpc: 'GetConversation', delayMs: 1000 }));
      expect((await failure(c.getConversation({ name }, { ...NO_RETRY, timeout: 100 }))).code).toBe(4);
      // A delay, then a failure.
      const posted = await control(e, 'POST', '/faults', { rpc: 'GetConversation', delayMs: 200, code: 13, message: 'slow, then broken' });
      expect(posted.json).toEqual({ faults: [{ rpc: 'GetConversation', delayMs: 200, code: 13, times: 1, message: 'slow, then broken' }] });
      const before = performance.now();
      expect(await failure(c.getConversation({ name }, NO_RETRY))).toEqual({ code: 13, details: 'slow, then broken' });
      expect(performance.now() - before).toBeGreaterThanOrEqual(190);
    } finally {
      await c.close();
      await e.close();
    }
  });

  it('fails every call until the faults are cleared (times: "always"), by program or over HTTP', async () => {
    const { emulator: e } = await emulatorForTest({ now: START, conversations: [existing('down')] });
    const c = googleClient(e);
    const name = `${GLOBAL}/conversations/down`;
    try {
      expect(right(e.addFault({ rpc: 'GetConversation', code: 14, times: 'always' }))).toEqual([
        { rpc: 'GetConversation', code: 14, times: 'always' },
      ]);
      for (let i = 0; i < 5; i++) {
        expect(await failure(c.getConversation({ name }, NO_RETRY))).toEqual({
          code: 14,
          details: 'emulated fault (until the faults are cleared)',
        });
      }
      // Other RPCs are not affected.
      await c.listConversations({ parent: GLOBAL }, { ...NO_RETRY, autoPaginate: false });
      expect(e.faults()).toEqual([{ rpc: 'GetConversation', code: 14, times: 'always' }]);
      e.clearFaults();
      expect(e.faults()).toEqual([]);
      expect((await c.getConversation({ name }, NO_RETRY))[0].name).toBe(name);
      expect((await control(e, 'POST', '/faults', { rpc: 'GetConversation', code: 7, times: 'always' })).json).toEqual({
        faults: [{ rpc: 'GetConversation', code: 7, times: 'always' }],
      });
      expect((await failure(c.getConversation({ name }, NO_RETRY))).code).toBe(7);
      expect((await control(e, 'GET', '/faults')).json).toEqual({ faults: [{ rpc: 'GetConversation', code: 7, times: 'always' }] });
      await control(e, 'DELETE', '/faults');
      expect((await c.getConversation({ name }, NO_RETRY))[0].name).toBe(name);
    } finally {
      await c.close();
      await e.close();
    }
  });

  it('closing cuts the calls a delay holds: the client sees CANCELLED, at once rather than after the delay', async () => {
    const { emulator: e } = await emulatorForTest({ now: START, conversations: [existing('cut')] });
    const c = googleClient(e);
    try {
      right(e.addFault({ rpc: 'GetConversation', delayMs: 60_000 }));
      const answer = failure(c.getConversation({ name: `${GLOBAL}/conversations/cut` }, NO_RETRY));
      for (let i = 0; i < 100 && e.calls().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      const started = performance.now();
      await e.close();
      expect((await answer).code).toBe(1);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(e.calls()).toEqual([expect.not.objectContaining({ code: expect.anything() })]);
    } finally {
      await c.close();
      await e.close();
    }
  });

  it('refuses a fault that is malformed, naming each field', () => {
    const cases: ReadonlyArray<[unknown, string]> = [
      [{ rpc: 'GetConversation' }, 'code: expected a gRPC status code to fail with, a delayMs to wait, or both'],
      [{ rpc: 'GetConversation', delayMs: 0 }, 'delayMs: expected a whole number of milliseconds from 1 to 600000, got 0'],
      [{ rpc: 'GetConversation', delayMs: 1.5 }, 'delayMs: expected a whole number of milliseconds from 1 to 600000, got 1.5'],
      [{ rpc: 'GetConversation', delayMs: 600_001 }, 'delayMs: expected a whole number of milliseconds from 1 to 600000, got 600001'],
      [{ rpc: 'GetConversation', code: 14, times: 'forever' }, 'times: expected a whole number from 1 to 1000, or "always", got "forever"'],
      [{ rpc: 'GetConversation', delayMs: 10, message: 'x' }, 'message: the details of a failed call: give a code too'],
      [
        { rpc: 'Frob', code: 17 },
        'rpc: expected one of CreateConversation, GetConversation, ListConversations, CompleteConversation, got "Frob"; code: ',
      ],
      [null, 'expected a fault, {"rpc", "code", "delayMs", "times"}, got null'],
    ];
    for (const [fault, message] of cases) {
      const refused = left(emulator.addFault(fault as never));
      expect([refused.code, refused.message], message).toEqual([3, expect.stringContaining(`addFault: ${message}`)]);
    }
    // What throws when read is refused too, by addFault and addConversation alike.
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        isExtensible: () => {
          throw new Error('trap');
        },
      },
    );
    expect(left(emulator.addFault(hostile as never))).toEqual({ code: 3, message: 'addFault: the fault could not be read: trap' });
    // The codec's `is` answers false for a value whose reads throw: it is not a conversation.
    expect(left(emulator.addConversation(hostile as never))).toEqual({
      code: 3,
      message: 'expected a conversation, the aggregate (decodeConversation of a GetConversation response, say)',
    });
    expect(emulator.faults()).toEqual([]);
  });
});

describe('starting it', () => {
  it('refuses bad options, and a busy port, with an EmulatorError that says which', async () => {
    expect(left(await startEmulator({ port: -1, push: 'ftp://x', seed: 2 ** 32, virtualAgentProfiles: ['a b'] }))).toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringMatching(/^emulator: port: .*; push: .*; seed: .*; virtualAgentProfiles: /),
    });
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const error = left(await startEmulator({ port }));
      expect(error).toBeInstanceOf(EmulatorError);
      expect(error).toMatchObject({ code: 'START_FAILED', message: expect.stringContaining(`127.0.0.1:${port}`) });
    } finally {
      busy.close();
    }
  });

  it('closes cleanly, more than once', async () => {
    const { emulator: e } = await emulatorForTest();
    await Promise.all([e.close(), e.close()]);
    await e.close();
  });
});

describe('the filter scanner', () => {
  it('never throws, and runs in linear time on long inputs', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const parsed = parseListFilter(s);
        expect(isLeft(parsed) || isRight(parsed)).toBe(true);
      }),
    );
    for (const [long, refused] of [
      ['lifecycle_state = "'.padEnd(1_000_000, 'A'), true],
      ['lifecycle_state'.repeat(70_000), true],
      [`${' '.repeat(500_000)}lifecycle_state = COMPLETED${' '.repeat(500_000)}`, false],
    ] as const) {
      const started = performance.now();
      expect(isLeft(parseListFilter(long))).toBe(refused);
      expect(performance.now() - started).toBeLessThan(500);
    }
    expect(right(parseListFilter(' \t\n'))).toBeUndefined();
    expect(right(parseListFilter(''))).toBeUndefined();
    expect(left(parseListFilter('x = 1'))).toContain('only lifecycle_state');
  });
});

describe('the command line: emulate', () => {
  /** Starts `emulate` as a process; resolves once it says it listens. */
  const start = async (args: ReadonlyArray<string>) => {
    const run = spawnBin(['emulate', '--port', '0', '--control-port', '0', ...args]);
    // stdout and stderr are two pipes: wait for both lines.
    const ready = (): boolean => run.output.stdout.includes('\n') && run.output.stderr.includes('control API on');
    for (let i = 0; i < 500 && !ready() && run.child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 20));
    const match = /^listening on 127\.0\.0\.1:(\d+)\n$/.exec(run.output.stdout);
    if (match === null) throw new Error(`emulate did not start: ${run.output.stdout}${run.output.stderr}`);
    const controlPort = Number(/control API on http:\/\/127\.0\.0\.1:(\d+)/.exec(run.output.stderr)?.[1]);
    return { ...run, port: Number(match[1]), controlPort };
  };

  it.each(['SIGINT', 'SIGTERM'] as const)("serves Google's client, pushes, and stops cleanly on %s (exit 0)", async (signal) => {
    const pushes = await startPushReceiver();
    const run = await start(['--push', pushes.url, '--format', 'json', '--virtual-agent', 'support', '--seed', '9', '--chaos']);
    const fake = { clientOptions: { apiEndpoint: '127.0.0.1', port: run.port, universeDomain: 'googleapis.com' } } as RunningEmulator;
    const cliClient = googleClient(fake);
    try {
      const [c] = await cliClient.createConversation(
        { parent: 'projects/acme', conversation: { conversationProfile: 'projects/acme/conversationProfiles/support' } },
        NO_RETRY,
      );
      expect(c.conversationStage).toBe('VIRTUAL_AGENT_STAGE');
      const handoff = await fetch(`http://127.0.0.1:${run.controlPort}/v2/${c.name}:handoff`, { method: 'POST' });
      expect(handoff.status).toBe(200);
      const received = await pushes.acknowledged(2);
      expect(new Set(received.map((r) => r.notification.type))).toEqual(new Set(['CONVERSATION_STARTED', 'HUMAN_INTERVENTION_NEEDED']));
    } finally {
      await cliClient.close();
    }
    run.child.kill(signal);
    expect(await run.closed).toBe(0);
    expect(run.output.stdout.split('\n')).toHaveLength(2);
    expect(run.output.stderr).toContain('seed 9');
    expect(run.output.stderr).toContain('CreateConversation projects/acme → OK');
    expect(run.output.stderr.trimEnd().endsWith('emulate: stopped')).toBe(true);
    await pushes.close();
  });

  it.each([
    [['--format', 'xml'], 'emulate: --format takes proto, json; got "xml"'],
    [['--port', '70000'], 'emulate: --port takes a whole number from 0 to 65535, got "70000"'],
    [['--push', 'mailto:x'], 'emulate: --push takes an http:// or https:// URL, got "mailto:x"'],
    [['--virtual-agent', 'a/b'], 'emulate: --virtual-agent takes a profile name'],
    [['extra'], 'emulate takes no file or argument here'],
  ])('refuses %j with exit 2 and one line', async (args, message) => {
    const run = spawnBin(['emulate', ...args]);
    expect(await run.closed).toBe(2);
    expect(run.output.stdout).toBe('');
    expect(run.output.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.output.stderr).toContain(message);
  });
});
