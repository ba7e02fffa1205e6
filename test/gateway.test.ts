import type { protos, v2, v2beta1 } from '@google-cloud/dialogflow';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConversationsClientLike,
  clientOptionsFor,
  type DialogflowGateway,
  dialogflowGateway,
  type GatewayError,
  type GoogleCompleteConversationRequest,
  type GoogleCreateConversationRequest,
  type GoogleGetConversationRequest,
  type GoogleListConversationsRequest,
  googleCompleteConversationRequest,
  googleCreateConversationRequest,
  googleGetConversationRequest,
  googleListConversationsRequest,
  lifecycleStateFilter,
  openDialogflowGateway,
  TRANSIENT_GRPC_CODES,
} from '../src/dialogflow/index.js';
import type { RunningEmulator } from '../src/emulator/index.js';
import type { Conversation } from '../src/index.js';
import {
  ASSIST_PROFILE,
  advance,
  control,
  emulatorForTest,
  GLOBAL,
  googleBetaClient,
  googleClient,
  injectFault,
  VA_PROFILE,
} from './emulator-helpers.js';
import { left, right } from './helpers.js';

// Google's client and its requests fit the gateway's structural types (a compile-time check).
const _clientFits = (client: v2.ConversationsClient): ConversationsClientLike => client;
const _betaClientFits = (client: v2beta1.ConversationsClient): ConversationsClientLike => client;
const _requestsFit = [
  (r: GoogleCreateConversationRequest): protos.google.cloud.dialogflow.v2.ICreateConversationRequest => r,
  (r: GoogleGetConversationRequest): protos.google.cloud.dialogflow.v2.IGetConversationRequest => r,
  (r: GoogleCompleteConversationRequest): protos.google.cloud.dialogflow.v2.ICompleteConversationRequest => r,
  (r: GoogleListConversationsRequest): protos.google.cloud.dialogflow.v2.IListConversationsRequest => r,
];

const DAY = 86_400;
/** Every gRPC code but OK is one or the other; CANCELLED (1) is transient: the gateway cancels nothing itself. */
const TRANSIENT_CODES = [1, 4, 8, 10, 13, 14];
const PERMANENT_CODES = [2, 3, 5, 6, 7, 9, 11, 12, 15, 16];

let emulator: RunningEmulator;
let client: v2.ConversationsClient;
let gateway: DialogflowGateway;
let next = 0;
/** A fresh conversation ID for each test. */
const id = (prefix = 'gw'): string => `${prefix}-${++next}-${Date.now().toString(36)}`;

beforeAll(async () => {
  ({ emulator } = await emulatorForTest({ virtualAgentProfiles: [VA_PROFILE] }));
  client = googleClient(emulator);
  gateway = dialogflowGateway(client);
});

afterAll(async () => {
  await client?.close();
  await emulator?.close();
});

const created = async (profile = VA_PROFILE, parent = GLOBAL, conversationId = id()): Promise<Conversation> =>
  right(await gateway.create({ parent, conversationProfile: profile, conversationId })).conversation;

describe("the gateway, with Google's ConversationsClient against the emulator", () => {
  it('creates: the response becomes the aggregate and its ConversationCreated, in the stage the profile gives', async () => {
    const conversationId = id();
    const result = right(await gateway.create({ parent: GLOBAL, conversationProfile: VA_PROFILE, conversationId }));
    expect(result.alreadyExisted).toBe(false);
    expect(result.conversation).toMatchObject({
      name: `${GLOBAL}/conversations/${conversationId}`,
      lifecycleState: 'IN_PROGRESS',
      conversationStage: 'VIRTUAL_AGENT_STAGE',
      conversationProfile: VA_PROFILE,
      version: 1,
    });
    expect(result.events.map((e) => e.type)).toEqual(['ConversationCreated']);
    expect(result.events[0]?.data).toMatchObject({ conversation: result.conversation.name, startTime: result.conversation.startTime });
    // Times are real, to the nanosecond, on the emulated clock.
    expect(result.conversation.startTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);

    const assist = right(await gateway.create({ parent: GLOBAL, conversationProfile: ASSIST_PROFILE }));
    expect(assist.conversation.conversationStage).toBe('HUMAN_ASSIST_STAGE');
    expect(assist.conversation.name).toMatch(/^projects\/acme\/locations\/global\/conversations\/[A-Za-z][A-Za-z0-9_-]{21}$/);
    const skipped = right(
      await gateway.create({ parent: GLOBAL, conversationProfile: VA_PROFILE, conversationStage: 'HUMAN_ASSIST_STAGE' }),
    );
    expect(skipped.conversation.conversationStage).toBe('HUMAN_ASSIST_STAGE');
  });

  it('creates idempotently with a conversationId: the same request again returns the conversation; another profile is a conflict', async () => {
    const conversationId = id();
    const first = right(await gateway.create({ parent: GLOBAL, conversationProfile: VA_PROFILE, conversationId }));
    const again = right(await gateway.create({ parent: GLOBAL, conversationProfile: VA_PROFILE, conversationId }));
    expect(again.alreadyExisted).toBe(true);
    expect(again.conversation).toEqual(first.conversation);
    expect(again.events.map((e) => e.type)).toEqual(['ConversationCreated']);
    // The profile spelled with or without locations/global is the same profile.
    const respelled = right(
      await gateway.create({ parent: GLOBAL, conversationProfile: 'projects/acme/conversationProfiles/support', conversationId }),
    );
    expect(respelled.alreadyExisted).toBe(true);
    // Once handed off and completed, a retried create returns it as it now is.
    await control(emulator, 'POST', `/v2/${first.conversation.name}:handoff`);
    right(await gateway.complete(first.conversation));
    const later = right(await gateway.create({ parent: GLOBAL, conversationProfile: VA_PROFILE, conversationId }));
    expect(later.conversation).toMatchObject({ lifecycleState: 'COMPLETED', conversationStage: 'HUMAN_ASSIST_STAGE' });
    expect(later.events.map((e) => e.type)).toEqual(['ConversationCreated', 'ConversationCompleted']);

    const conflict = left(await gateway.create({ parent: GLOBAL, conversationProfile: ASSIST_PROFILE, conversationId }));
    expect(conflict).toMatchObject({ type: 'Conflict', code: 6, codeName: 'ALREADY_EXISTS', transient: false, operation: 'create' });
    expect(conflict.type === 'Conflict' && conflict.existing.name).toBe(first.conversation.name);
    expect(conflict.message).toContain(`create ${GLOBAL}/conversations/${conversationId}: a conversation with this ID already exists`);
  });

  it('refuses a request before sending it, naming the problem', async () => {
    const before = (await control(emulator, 'GET', '/conversations')).json.conversations as unknown[];
    const bad = left(await gateway.create({ parent: 'acme', conversationProfile: VA_PROFILE, conversationId: '1x' }));
    expect(bad).toMatchObject({ type: 'InvalidRequest', code: 3, transient: false });
    expect(bad.type === 'InvalidRequest' && bad.errors.map((e) => e.path)).toEqual(['parent', 'conversationId', 'conversationId']);
    expect(left(await gateway.get('projects/acme/conversationProfiles/x'))).toMatchObject({ type: 'InvalidRequest', operation: 'get' });
    const unnamed = { ...(await created()), name: undefined } as Conversation;
    expect(left(await gateway.complete(unnamed)).message).toContain('the conversation has no name yet');
    expect((await control(emulator, 'GET', '/conversations')).json.conversations).toHaveLength(before.length + 1);
  });

  it('completes, and completing twice is harmless: the second changes nothing', async () => {
    const conversation = await created();
    const done = right(await gateway.complete(conversation));
    expect(done.events.map((e) => e.type)).toEqual(['ConversationCompleted']);
    expect(done.conversation).toMatchObject({ lifecycleState: 'COMPLETED', version: 2 });
    expect(done.conversation.endTime).toMatch(/\.\d{9}Z$/);
    const again = right(await gateway.complete(done.conversation));
    expect(again.events).toEqual([]);
    expect(again.conversation).toBe(done.conversation);
    // From a stale copy too: the result is what Dialogflow says.
    const stale = right(await gateway.complete(conversation));
    expect(stale.conversation).toEqual(done.conversation);
  });

  it("works the same over Google's v2beta1 client: create, complete twice, refresh", async () => {
    const beta = googleBetaClient(emulator);
    try {
      const overBeta = dialogflowGateway(beta);
      const made = right(await overBeta.create({ parent: GLOBAL, conversationProfile: VA_PROFILE, conversationId: id('beta') }));
      expect(made.events.map((e) => e.type)).toEqual(['ConversationCreated']);
      expect(made.conversation).toMatchObject({ conversationStage: 'VIRTUAL_AGENT_STAGE', lifecycleState: 'IN_PROGRESS' });
      const done = right(await overBeta.complete(made.conversation));
      expect(done.events.map((e) => e.type)).toEqual(['ConversationCompleted']);
      expect(right(await overBeta.complete(done.conversation)).events).toEqual([]);
      // What the v2 gateway reads of it is the same conversation.
      expect(right(await gateway.refresh(done.conversation))).toEqual({
        found: true,
        change: { conversation: done.conversation, events: [] },
      });
    } finally {
      await beta.close();
    }
  });

  it('complete observes what happened meanwhile: a handoff by the virtual agent comes first', async () => {
    const conversation = await created();
    await control(emulator, 'POST', `/v2/${conversation.name}:handoff`);
    const done = right(await gateway.complete(conversation));
    expect(done.events.map((e) => e.type)).toEqual(['ConversationHandedOff', 'ConversationCompleted']);
    expect(done.conversation.conversationStage).toBe('HUMAN_ASSIST_STAGE');
  });

  it('refreshes; a purged conversation is found: false, not an error', async () => {
    const conversation = await created();
    const fresh = right(await gateway.refresh(conversation));
    expect(fresh).toEqual({ found: true, change: { conversation, events: [] } });
    const done = right(await gateway.complete(conversation)).conversation;
    await advance(emulator, 29 * DAY);
    expect(right(await gateway.refresh(done)).found).toBe(true);
    await advance(emulator, 2 * DAY);
    expect(right(await gateway.refresh(done))).toEqual({ found: false });
    expect(right(await gateway.get(done.name as string))).toEqual({ found: false });
    expect(right(await gateway.get(`${GLOBAL}/conversations/never-made`))).toEqual({ found: false });
  });

  it('refresh refuses a resource behind the local conversation (Diverged), and keeps it', async () => {
    const conversation = await created();
    const locallyDone = { ...conversation, lifecycleState: 'COMPLETED', endTime: conversation.startTime } as Conversation;
    const diverged = left(await gateway.refresh(locallyDone));
    expect(diverged).toMatchObject({ type: 'Diverged', code: 9, transient: false, rpc: 'GetConversation' });
    expect(diverged.type === 'Diverged' && diverged.cause.type).toBe('Regression');
  });

  it('sweeps after clock:advance: the conversations in progress for more than 24 hours are refreshed, completed by Dialogflow', async () => {
    const old = [await created(), await created(ASSIST_PROFILE)];
    const done = right(await gateway.complete(await created())).conversation;
    await advance(emulator, DAY + 60);
    const young = await created();
    const now = (await control(emulator, 'GET', '/clock')).json.now as string;
    const report = right(await gateway.sweep([...old, done, young], { now }));
    expect(report.skipped).toBe(2);
    expect(report.outcomes.map((o) => o.conversation)).toEqual(old);
    for (const [i, outcome] of report.outcomes.entries()) {
      const result = right(outcome.result);
      if (!result.found) throw new Error('expected the conversation');
      expect(result.change.events.map((e) => e.type)).toEqual(['ConversationCompleted']);
      // Dialogflow completed it 24 hours after its start.
      const start = Date.parse(old[i]?.startTime ?? '');
      expect(Date.parse(result.change.conversation.endTime ?? '') - start).toBe(DAY * 1000);
    }
    // Swept at the real time (the default), nothing is due yet.
    expect(right(await gateway.sweep([young])).outcomes).toEqual([]);
    expect(left(await gateway.sweep([young], { now: 'yesterday' }))).toMatchObject({ type: 'InvalidRequest', operation: 'sweep' });
  });

  it('lists every page, with a filter, each item decoded', async () => {
    const parent = `projects/lister-${Date.now().toString(36)}/locations/global`;
    const profile = `${parent}/conversationProfiles/p`;
    const all: Conversation[] = [];
    for (let i = 0; i < 7; i++) all.push(await created(profile, parent));
    for (const c of all.filter((_, i) => i % 2 === 0)) right(await gateway.complete(c));
    const pages = [];
    for await (const page of gateway.list(parent, { filter: E.getOrElse(() => '')(lifecycleStateFilter('COMPLETED')), pageSize: 2 }))
      pages.push(right(page));
    expect(pages.map((p) => p.conversations.length)).toEqual([2, 2]);
    expect(pages.map((p) => p.nextPageToken === undefined)).toEqual([false, true]);
    expect(pages.flatMap((p) => p.conversations.map((c) => c.name))).toEqual(all.filter((_, i) => i % 2 === 0).map((c) => c.name));
    expect(pages.every((p) => p.conversations.every((c) => c.lifecycleState === 'COMPLETED') && p.invalid.length === 0)).toBe(true);
    const everything = [];
    for await (const page of gateway.list(parent, { pageSize: 3 })) everything.push(right(page));
    expect(everything.map((p) => p.conversations.length)).toEqual([3, 3, 1]);
    const inProgress = [];
    for await (const page of gateway.list(parent, { filter: "lifecycle_state='IN_PROGRESS'" })) inProgress.push(right(page));
    expect(inProgress.flatMap((p) => p.conversations.map((c) => c.name))).toEqual(all.filter((_, i) => i % 2 === 1).map((c) => c.name));
    // Resuming from a page token lists the rest.
    const rest = [];
    for await (const page of gateway.list(parent, { pageSize: 3, pageToken: everything[0]?.nextPageToken })) rest.push(right(page));
    expect(rest.map((p) => p.conversations.length)).toEqual([3, 1]);
  });

  it('a filter the server refuses ends the listing with one permanent error', async () => {
    const pages = [];
    for await (const page of gateway.list(GLOBAL, { filter: 'start_time > "2026-01-01T00:00:00Z"' })) pages.push(page);
    expect(pages).toHaveLength(1);
    const error = left(pages[0] as E.Either<GatewayError, unknown>);
    expect(error).toMatchObject({ type: 'RpcFailed', code: 3, codeName: 'INVALID_ARGUMENT', transient: false, rpc: 'ListConversations' });
    expect(error.message).toContain('only lifecycle_state can be filtered on');
    const bad = [];
    for await (const page of gateway.list('acme', { pageSize: 5000 })) bad.push(page);
    expect(bad.map((p) => E.isLeft(p) && p.left.type)).toEqual(['InvalidRequest']);
  });

  it('regional conversations: reachable by their own name only; clientOptionsFor gives the regional endpoint', async () => {
    const parent = 'projects/acme/locations/europe-west1';
    const conversation = await created('projects/acme/locations/europe-west1/conversationProfiles/eu', parent);
    expect(conversation.name).toMatch(/^projects\/acme\/locations\/europe-west1\/conversations\//);
    expect(right(await gateway.get(conversation.name as string)).found).toBe(true);
    expect(right(await gateway.get((conversation.name as string).replace('/locations/europe-west1', '')))).toEqual({ found: false });
    expect(right(clientOptionsFor('europe-west1'))).toEqual({ apiEndpoint: 'europe-west1-dialogflow.googleapis.com' });
    expect(right(clientOptionsFor(conversation.name as string))).toEqual({ apiEndpoint: 'europe-west1-dialogflow.googleapis.com' });
    expect(right(clientOptionsFor('global'))).toEqual({ apiEndpoint: 'dialogflow.googleapis.com' });
    expect(right(clientOptionsFor('projects/acme'))).toEqual({ apiEndpoint: 'dialogflow.googleapis.com' });
    for (const bad of ['Europe-West1', 'eu/west', '', 'evil.example.com#', '-x', 'x-', 'projects//locations/x']) {
      expect(left(clientOptionsFor(bad)).errors[0]?.path).toBe('location');
    }
  });

  describe("each error, typed transient or permanent, as Google's client reports it (its retries turned off)", () => {
    const calls: ReadonlyArray<[string, (c: Conversation) => Promise<E.Either<GatewayError, unknown>>]> = [
      ['CreateConversation', () => gateway.create({ parent: GLOBAL, conversationProfile: VA_PROFILE })],
      ['GetConversation', (c) => gateway.refresh(c)],
      ['CompleteConversation', (c) => gateway.complete(c)],
      [
        'ListConversations',
        async () => {
          for await (const page of gateway.list(GLOBAL, { pageSize: 1 })) return page;
          throw new Error('no page');
        },
      ],
    ];

    it('the transient codes are CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL and UNAVAILABLE', () => {
      expect(TRANSIENT_GRPC_CODES).toEqual(TRANSIENT_CODES);
      expect([...TRANSIENT_CODES, ...PERMANENT_CODES].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    });

    // NOT_FOUND from GetConversation is an answer, not an error: the next test.
    const cases = calls.flatMap(([rpc, f]) =>
      [...TRANSIENT_CODES, ...PERMANENT_CODES]
        .filter((code) => !(rpc === 'GetConversation' && code === 5))
        .map((code) => [rpc, code, f] as const),
    );
    it.each(cases)('%s, code %i', async (rpc, code, f) => {
      const conversation = await created();
      await injectFault(emulator, rpc, code);
      const error = left(await f(conversation));
      expect(error).toMatchObject({ type: 'RpcFailed', code, rpc, transient: TRANSIENT_CODES.includes(code) });
      expect(error.message).toContain(TRANSIENT_CODES.includes(code) ? 'transient: retry later' : 'permanent: do not retry');
      // The fault was one call: the next one goes through.
      expect(E.isRight(await f(conversation))).toBe(true);
    });

    it('NOT_FOUND is an answer for get and refresh, an error for complete', async () => {
      const conversation = await created();
      await injectFault(emulator, 'GetConversation', 5);
      expect(right(await gateway.refresh(conversation))).toEqual({ found: false });
      const missing = { ...conversation, name: `${GLOBAL}/conversations/nobody` } as Conversation;
      expect(left(await gateway.complete(missing))).toMatchObject({ code: 5, codeName: 'NOT_FOUND', transient: false });
    });

    it('a call cut by the server shutting down is CANCELLED, transient: the same call answers once a server is back', async () => {
      const { emulator: dying } = await emulatorForTest({ virtualAgentProfiles: [VA_PROFILE] });
      let back: RunningEmulator | undefined;
      const dyingClient = googleClient(dying);
      try {
        const dyingGateway = dialogflowGateway(dyingClient);
        const conversation = right(
          await dyingGateway.create({ parent: GLOBAL, conversationProfile: VA_PROFILE, conversationId: id() }),
        ).conversation;
        right(dying.addFault({ rpc: 'GetConversation', delayMs: 60_000 }));
        const cut = dyingGateway.refresh(conversation);
        for (let i = 0; i < 200 && dying.calls().filter((c) => c.rpc === 'GetConversation').length === 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await dying.close();
        const error = left(await cut);
        expect(error).toMatchObject({ type: 'RpcFailed', code: 1, codeName: 'CANCELLED', transient: true, rpc: 'GetConversation' });
        expect(error.message).toMatch(
          /^refresh projects\/acme\/locations\/global\/conversations\/\S+: GetConversation failed: .*\[CANCELLED \(1\), transient: retry later\]$/,
        );
        // A server back on the same port, with the conversation: the same call, retried, answers.
        ({ emulator: back } = await emulatorForTest({ port: dying.grpcPort, conversations: [conversation] }));
        expect(right(await dyingGateway.refresh(conversation)).found).toBe(true);
      } finally {
        await dyingClient.close();
        await dying.close();
        await back?.close();
      }
    });

    it('a call slower than the deadline given in callOptions is DEADLINE_EXCEEDED, transient', async () => {
      const conversation = await created();
      const impatient = dialogflowGateway(client, { callOptions: { timeout: 200 } });
      right(emulator.addFault({ rpc: 'GetConversation', delayMs: 2000 }));
      const started = performance.now();
      expect(left(await impatient.refresh(conversation))).toMatchObject({ code: 4, codeName: 'DEADLINE_EXCEEDED', transient: true });
      expect(performance.now() - started).toBeLessThan(1500);
      // The emulator still answers the call it delayed, to nobody; the next one goes through.
      expect(right(await impatient.refresh(conversation)).found).toBe(true);
    });

    it("Google's own retries would hide UNAVAILABLE: the gateway turns them off unless asked (clientRetries)", async () => {
      const conversation = await created();
      await injectFault(emulator, 'GetConversation', 14, 2);
      expect(left(await gateway.refresh(conversation)).code).toBe(14);
      expect(left(await gateway.refresh(conversation)).code).toBe(14);
      expect(right(await gateway.refresh(conversation)).found).toBe(true);
      // With the client's retries on (UNAVAILABLE, backoff from 100 ms), two faults never show.
      const retrying = dialogflowGateway(client, { clientRetries: true });
      await injectFault(emulator, 'GetConversation', 14, 2);
      expect(right(await retrying.refresh(conversation)).found).toBe(true);
      expect((await control(emulator, 'GET', '/faults')).json.faults).toEqual([]);
      // DEADLINE_EXCEEDED is not among the codes it retries: it shows either way.
      await injectFault(emulator, 'GetConversation', 4);
      expect(left(await retrying.refresh(conversation)).code).toBe(4);
    });
  });
});

describe('openDialogflowGateway: the gateway over a client it makes for an endpoint', () => {
  it('serves every RPC through one client, against the emulator; closes, more than once', async () => {
    const opened = right(await openDialogflowGateway({ endpoint: emulator.grpcAddress, insecure: true, callOptions: { timeout: 5000 } }));
    const conversationId = id('open');
    const made = right(await opened.create({ parent: GLOBAL, conversationProfile: VA_PROFILE, conversationId })).conversation;
    expect(right(await opened.get(`projects/acme/conversations/${conversationId}`))).toMatchObject({
      found: true,
      conversation: { name: made.name },
    });
    expect(right(await opened.complete(made)).conversation.lifecycleState).toBe('COMPLETED');
    for await (const page of opened.list(GLOBAL, { filter: right(lifecycleStateFilter('COMPLETED')) })) {
      expect(right(page).conversations.map((c) => c.name)).toContain(made.name);
      break;
    }
    // Its client's retries are off, as for any gateway: a fault shows, transient.
    right(emulator.addFault({ rpc: 'GetConversation', code: 14 }));
    expect(left(await opened.refresh(made))).toMatchObject({ code: 14, transient: true });
    await Promise.all([opened.close(), opened.close()]);
    await opened.close();
    // Closed: a call fails, as an Either.
    expect(E.isLeft(await opened.get(made.name as string))).toBe(true);
  });

  it('says which option is wrong, and never rejects', async () => {
    const cases: ReadonlyArray<[Parameters<typeof openDialogflowGateway>[0], string]> = [
      [{ endpoint: 'nowhere' }, 'the Dialogflow endpoint: expected HOST:PORT, got "nowhere"'],
      [{ endpoint: '127.0.0.1:0' }, 'the Dialogflow endpoint: expected HOST:PORT, got "127.0.0.1:0"'],
      [{ endpoint: '127.0.0.1:65536' }, 'the Dialogflow endpoint: expected HOST:PORT, got "127.0.0.1:65536"'],
      [{ endpoint: ':443' }, 'the Dialogflow endpoint: expected HOST:PORT, got ":443"'],
      [{ endpoint: 42 as unknown as string }, 'the Dialogflow endpoint: expected HOST:PORT, got 42'],
      [{ insecure: true }, 'an insecure connection needs an endpoint (HOST:PORT of an emulator)'],
      [
        { clientOptions: 'x' as unknown as Record<string, unknown> },
        'clientOptions: expected the options of a ConversationsClient, an object',
      ],
    ];
    for (const [options, message] of cases) {
      expect(left(await openDialogflowGateway(options)), message).toEqual({ type: 'GatewaySetupFailed', kind: 'invalid-option', message });
    }
    // Options that throw when read, and what is not options: a Left too.
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const throwing = Object.defineProperty({}, 'endpoint', {
      get() {
        throw new Error('no endpoint for you');
      },
    });
    expect(left(await openDialogflowGateway(proxy as never))).toMatchObject({
      kind: 'invalid-option',
      message: expect.stringMatching(/^options: could not be read: /),
    });
    expect(left(await openDialogflowGateway(throwing as never))).toEqual({
      type: 'GatewaySetupFailed',
      kind: 'invalid-option',
      message: 'options: could not be read: no endpoint for you',
    });
    expect(left(await openDialogflowGateway('x' as never)).message).toBe('options: expected an object of options');
    // An IPv6 host in brackets is one: the client is made (it connects when called).
    const ipv6 = right(await openDialogflowGateway({ endpoint: '[::1]:1', insecure: true }));
    await ipv6.close();
  });
});

describe('the gateway, with clients that misbehave', () => {
  const conversation = {
    name: 'projects/acme/conversations/c-1',
    lifecycleState: 'IN_PROGRESS',
    conversationProfile: 'projects/acme/conversationProfiles/p',
    startTime: { seconds: 1_795_429_530, nanos: 5 },
    conversationStage: 'HUMAN_ASSIST_STAGE',
  } as const;
  const fake = (overrides: Partial<Record<keyof ConversationsClientLike, (...args: unknown[]) => unknown>>): ConversationsClientLike =>
    ({
      createConversation: async () => [conversation],
      getConversation: async () => [conversation],
      completeConversation: async () => [{ ...conversation, lifecycleState: 'COMPLETED', endTime: { seconds: 1_795_429_600, nanos: 0 } }],
      listConversations: async () => [[conversation], null, { nextPageToken: '' }],
      ...overrides,
    }) as ConversationsClientLike;

  it('an undecodable conversation is a permanent InvalidResponse with each problem', async () => {
    const gateway = dialogflowGateway(fake({ getConversation: async () => [{ ...conversation, startTime: { seconds: 1, nanos: -1 } }] }));
    const error = left(await gateway.get(conversation.name));
    expect(error).toMatchObject({ type: 'InvalidResponse', code: 2, codeName: 'UNKNOWN', transient: false });
    expect(error.type === 'InvalidResponse' && error.errors.map((e) => e.path)).toEqual(['startTime.nanos']);
    expect(
      left(
        await dialogflowGateway(fake({ createConversation: async () => [] })).create({
          parent: 'projects/acme',
          conversationProfile: conversation.conversationProfile,
        }),
      ).type,
    ).toBe('InvalidResponse');
  });

  it('a list page with bad items keeps the good ones and reports the others at their index', async () => {
    const gateway = dialogflowGateway(
      fake({
        listConversations: async () => [[conversation, { ...conversation, lifecycleState: 'DONE' }, 7], null, { nextPageToken: '' }],
      }),
    );
    const pages = [];
    for await (const page of gateway.list('projects/acme')) pages.push(right(page));
    expect(pages).toHaveLength(1);
    expect(pages[0]?.conversations.map((c) => c.name)).toEqual([conversation.name]);
    expect(pages[0]?.invalid.map((i) => [i.index, i.error.errors[0]?.path])).toEqual([
      [1, 'conversations[1].lifecycleState'],
      [2, 'conversations[2]'],
    ]);
  });

  it('a server that repeats a page token does not keep it listing forever', async () => {
    const gateway = dialogflowGateway(fake({ listConversations: async () => [[conversation], null, { nextPageToken: 'again' }] }));
    const pages = [];
    for await (const page of gateway.list('projects/acme')) pages.push(page);
    expect(pages.map((p) => (E.isLeft(p) ? p.left.type : 'page'))).toEqual(['page', 'page', 'InvalidResponse']);
  });

  it('never rejects: a client that throws, synchronously or not, with or without a gRPC code', async () => {
    const boom = (): never => {
      throw new TypeError('boom');
    };
    const fetched = right(await dialogflowGateway(fake({})).get(conversation.name));
    if (!fetched.found) throw new Error('expected the conversation');
    const gateway = dialogflowGateway(
      fake({
        getConversation: boom,
        completeConversation: async () => Promise.reject('no'),
        createConversation: boom,
        listConversations: boom,
      }),
    );
    expect(left(await gateway.get(conversation.name))).toMatchObject({ type: 'RpcFailed', code: 2, transient: false, details: 'boom' });
    expect(left(await gateway.complete(fetched.conversation))).toMatchObject({ type: 'RpcFailed', code: 2, details: 'no' });
    expect(left(await gateway.create({ parent: 'projects/acme', conversationProfile: conversation.conversationProfile })).code).toBe(2);
    const pages = [];
    for await (const page of gateway.list('projects/acme')) pages.push(page);
    expect(pages.map((p) => E.isLeft(p) && p.left.code)).toEqual([2]);
    const withCode = dialogflowGateway(
      fake({ getConversation: async () => Promise.reject(Object.assign(new Error('14 UNAVAILABLE: x'), { code: 14, details: 'x' })) }),
    );
    expect(left(await withCode.get(conversation.name))).toMatchObject({ code: 14, codeName: 'UNAVAILABLE', transient: true, details: 'x' });
  });

  it('a sweep reports a conversation that is not an aggregate (no valid start) as its own error, and goes on', async () => {
    const fetched = right(await dialogflowGateway(fake({})).get(conversation.name));
    if (!fetched.found) throw new Error('expected the conversation');
    const broken = { ...fetched.conversation, startTime: 'yesterday' } as unknown as Conversation;
    const report = right(
      await dialogflowGateway(fake({})).sweep([broken, fetched.conversation], { now: new Date('2030-01-01T00:00:00Z') }),
    );
    expect(report.outcomes.map((o) => (E.isLeft(o.result) ? o.result.left.type : 'refreshed'))).toEqual(['InvalidRequest', 'refreshed']);
    expect(left(await dialogflowGateway(fake({})).sweep([], { now: new Date(Number.NaN) })).message).toContain(
      'now: expected a valid Date',
    );
  });

  it('passes its call options: retries off by default, yours added', async () => {
    const seen: unknown[] = [];
    const record = async (_request: unknown, options: unknown) => {
      seen.push(options);
      return [conversation];
    };
    await dialogflowGateway(fake({ getConversation: record })).get(conversation.name);
    await dialogflowGateway(fake({ getConversation: record }), { callOptions: { timeout: 5000 } }).get(conversation.name);
    await dialogflowGateway(fake({ getConversation: record }), { clientRetries: true }).get(conversation.name);
    expect(seen).toEqual([{ retry: null }, { retry: null, timeout: 5000 }, {}]);
  });
});

describe('request builders for the Node client', () => {
  it('build what Google client takes, checked', () => {
    expect(
      right(
        googleCreateConversationRequest({
          parent: GLOBAL,
          conversation: { conversationProfile: VA_PROFILE, conversationStage: 'HUMAN_ASSIST_STAGE' },
          conversationId: 'call-1',
        }),
      ),
    ).toEqual({
      parent: GLOBAL,
      conversation: { conversationProfile: VA_PROFILE, conversationStage: 'HUMAN_ASSIST_STAGE' },
      conversationId: 'call-1',
    });
    expect(right(googleCreateConversationRequest({ parent: 'projects/acme', conversation: { conversationProfile: VA_PROFILE } }))).toEqual({
      parent: 'projects/acme',
      conversation: { conversationProfile: VA_PROFILE },
    });
    expect(
      left(
        googleCreateConversationRequest({
          parent: 'projects/acme',
          conversation: { conversationProfile: VA_PROFILE },
          conversationId: 'a',
        }),
      ).errors[0]?.path,
    ).toBe('conversationId');
    expect(right(googleGetConversationRequest('projects/acme/conversations/c-1'))).toEqual({ name: 'projects/acme/conversations/c-1' });
    expect(right(googleCompleteConversationRequest('projects/acme/conversations/c-1'))).toEqual({
      name: 'projects/acme/conversations/c-1',
    });
    expect(left(googleCompleteConversationRequest('projects/acme')).errors[0]?.path).toBe('name');
    expect(
      right(googleListConversationsRequest({ parent: 'projects/acme', pageSize: 1000, lifecycleState: 'COMPLETED', pageToken: '' })),
    ).toEqual({
      parent: 'projects/acme',
      pageSize: 1000,
      filter: 'lifecycle_state = "COMPLETED"',
    });
    expect(
      left(googleListConversationsRequest({ parent: 'projects/acme', pageSize: 0, filter: 'x', lifecycleState: 'COMPLETED' })).errors.map(
        (e) => e.path,
      ),
    ).toEqual(['pageSize', 'filter']);
  });
});
