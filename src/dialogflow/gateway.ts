import * as E from 'fp-ts/lib/Either.js';
import {
  type Conversation,
  type ConversationChange,
  type ConversationDomainEvent,
  type ConversationProfileName,
  type ConversationStage,
  causeText,
  createConversation,
  type DecodeError,
  type DecodeIssue,
  describe,
  fromGoogleConversation,
  type GoogleConversation,
  observe,
  sameConversationProfile,
  TimestampCodec,
  timestampToEpoch,
  unreadableInput,
} from './core.js';
import {
  conflictError,
  divergedError,
  type GatewayError,
  type GatewayOperation,
  type GatewayRpc,
  grpcCodeOf,
  invalidRequestError,
  invalidResponseError,
  rpcFailed,
} from './gateway-error.js';
import {
  type GoogleCompleteConversationRequest,
  type GoogleCreateConversationRequest,
  type GoogleGetConversationRequest,
  type GoogleListConversationsRequest,
  googleCompleteConversationRequest,
  googleCreateConversationRequest,
  googleGetConversationRequest,
  googleListConversationsRequest,
} from './google-requests.js';
import type { ListConversationsPage } from './list-conversations.js';

/**
 * Call options the gateway passes to Google's client (a subset of google-gax's `CallOptions`).
 * `retry: null` turns the client's own retries off.
 */
export interface GatewayCallOptions {
  /** Milliseconds before the call fails with `DEADLINE_EXCEEDED` (the client's default is 60 s). */
  readonly timeout?: number;
  readonly retry?: null;
  readonly maxRetries?: number;
  readonly autoPaginate?: boolean;
}

/** A ListConversations response as Google's client gives it (`IListConversationsResponse`). */
export interface GoogleListConversationsResponse {
  readonly conversations?: ReadonlyArray<GoogleConversation> | null;
  readonly nextPageToken?: string | null;
}

/**
 * What the gateway needs of a client: the four Conversations RPCs as `@google-cloud/dialogflow`'s
 * `v2.ConversationsClient` has them (its promise forms). Structural, so the client stays an optional
 * peer: a `ConversationsClient` is one (checked by the tests), and so is any fake with these methods.
 */
export interface ConversationsClientLike {
  createConversation(
    request: GoogleCreateConversationRequest,
    options?: GatewayCallOptions,
  ): Promise<readonly [GoogleConversation | null | undefined, ...unknown[]]>;
  getConversation(
    request: GoogleGetConversationRequest,
    options?: GatewayCallOptions,
  ): Promise<readonly [GoogleConversation | null | undefined, ...unknown[]]>;
  completeConversation(
    request: GoogleCompleteConversationRequest,
    options?: GatewayCallOptions,
  ): Promise<readonly [GoogleConversation | null | undefined, ...unknown[]]>;
  /** Called with `{ autoPaginate: false }`: one page, its raw response third. */
  listConversations(
    request: GoogleListConversationsRequest,
    options?: GatewayCallOptions,
  ): Promise<
    readonly [
      ReadonlyArray<GoogleConversation> | null | undefined,
      unknown,
      GoogleListConversationsResponse | null | undefined,
      ...unknown[],
    ]
  >;
}

/** Options of {@link dialogflowGateway}. */
export interface GatewayOptions {
  /** Passed with every call (after `{ retry: null }`, unless `clientRetries`). */
  readonly callOptions?: GatewayCallOptions | undefined;
  /**
   * Leave Google's client to retry as it is configured to (`UNAVAILABLE`, with backoff, until its
   * 60-second timeout). By default the gateway turns that off, so that each error reaches you at once with
   * `transient` set, and you decide when to retry.
   */
  readonly clientRetries?: boolean | undefined;
  /** How many GetConversation calls a sweep makes at once (default 4). */
  readonly sweepConcurrency?: number | undefined;
}

/** What to create. */
export interface GatewayCreateInput {
  /** `projects/{project}` or `projects/{project}/locations/{location}`. */
  readonly parent: string;
  readonly conversationProfile: string;
  /** The stage to start in; by default the profile decides. */
  readonly conversationStage?: ConversationStage | undefined;
  /**
   * Your ID for the conversation (`[a-zA-Z][a-zA-Z0-9_-]*`, 3 to 64 characters). With it, create is
   * idempotent: a retry after a lost answer returns the conversation the first call made.
   */
  readonly conversationId?: string | undefined;
}

/** What `create` made (or found, for a retried request with the same `conversationId`). */
export interface CreateResult {
  readonly conversation: Conversation;
  /** `ConversationCreated`, then what else the response says (a completion, data). */
  readonly events: ReadonlyArray<ConversationDomainEvent>;
  /** True when the conversation existed already, made by an earlier call of the same request. */
  readonly alreadyExisted: boolean;
}

/** What `get` found: the conversation, or that there is none (never created, or purged). */
export type GetResult = { readonly found: true; readonly conversation: Conversation } | { readonly found: false };

/** What `refresh` found: the conversation brought up to Dialogflow's, or that it is gone. */
export type RefreshResult = { readonly found: true; readonly change: ConversationChange } | { readonly found: false };

/** What to list. */
export interface GatewayListOptions {
  /** An AIP-160 filter: `lifecycle_state = "COMPLETED"` (`lifecycleStateFilter` builds it). */
  readonly filter?: string | undefined;
  /** Conversations per page, 1 to 1000 (the server's default is 100). */
  readonly pageSize?: number | undefined;
  /** Start at this page (the `nextPageToken` of a page listed before, to resume after an error). */
  readonly pageToken?: string | undefined;
}

/** Options of a sweep. */
export interface SweepOptions {
  /** The time to sweep at (default: now). An RFC 3339 string or a `Date`. */
  readonly now?: string | Date | undefined;
}

/** One conversation a sweep refreshed, and what came of it. */
export interface SweepOutcome {
  readonly conversation: Conversation;
  readonly result: E.Either<GatewayError, RefreshResult>;
}

/** What a sweep did. */
export interface SweepReport {
  /** The conversations that were due (in progress, started more than 24 hours before `now`), each refreshed, in the order given. */
  readonly outcomes: ReadonlyArray<SweepOutcome>;
  /** How many were not due. */
  readonly skipped: number;
}

/**
 * The Conversations API through Google's Node client, in this module's terms: every method
 * resolves (never rejects) to an `Either` of a {@link GatewayError} or the aggregate's own types.
 */
export interface DialogflowGateway {
  /**
   * CreateConversation. The response becomes the aggregate, with its `ConversationCreated` event. With a
   * `conversationId`, `ALREADY_EXISTS` reads the existing conversation: the same request (same
   * profile) returns it (`alreadyExisted: true`), another is a `Conflict`.
   */
  create(input: GatewayCreateInput): Promise<E.Either<GatewayError, CreateResult>>;
  /**
   * CompleteConversation, then `observe` of the response: the result and its events are what
   * Dialogflow says. Completing a completed conversation changes nothing.
   */
  complete(conversation: Conversation): Promise<E.Either<GatewayError, ConversationChange>>;
  /** GetConversation, then `observe`. `{ found: false }` when Dialogflow has no such conversation (purged, or never there). */
  refresh(conversation: Conversation): Promise<E.Either<GatewayError, RefreshResult>>;
  /** GetConversation: the conversation (at version 0), or `{ found: false }` for `NOT_FOUND`. */
  get(name: string): Promise<E.Either<GatewayError, GetResult>>;
  /**
   * Every page of ListConversations, in order: each a `Right` page (its valid conversations, and the
   * invalid items apart), or one `Left` with the error that ended the listing. Never throws.
   */
  list(parent: string, options?: GatewayListOptions): AsyncIterable<E.Either<GatewayError, ListConversationsPage>>;
  /**
   * Refreshes the conversations still in progress that started more than 24 hours before `now`:
   * Dialogflow has auto-completed them, and says so in no notification a backend can count on.
   */
  sweep(conversations: ReadonlyArray<Conversation>, options?: SweepOptions): Promise<E.Either<GatewayError, SweepReport>>;
}

const DAY_NANOS = 86_400n * 1_000_000_000n;

const epochNanos = (seconds: number, nanos: number): bigint => BigInt(seconds) * 1_000_000_000n + BigInt(nanos);

/** `now` as nanoseconds since the epoch, or the problem with it. */
const nowNanos = (now: string | Date | undefined): bigint | DecodeIssue => {
  const value = now ?? new Date();
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isFinite(ms) ? BigInt(ms) * 1_000_000n : { path: 'now', message: 'expected a valid Date, got an invalid one' };
  }
  const decoded = TimestampCodec.decode(value);
  if (E.isLeft(decoded)) return { path: 'now', message: `expected an RFC 3339 time or a Date, got ${describe(value)}` };
  const { seconds, nanos } = timestampToEpoch(decoded.right);
  return epochNanos(seconds, nanos);
};

const nested = (index: number, error: DecodeError): DecodeError => {
  const head = `conversations[${index}]`;
  const errors = error.errors.map((e) =>
    Object.freeze({ path: e.path === '' ? head : `${head}${e.path.startsWith('[') ? '' : '.'}${e.path}`, message: e.message }),
  );
  return Object.freeze({
    type: 'DecodeError' as const,
    errors: Object.freeze(errors),
    message: errors.map((e) => `${e.path}: ${e.message}`).join('\n'),
  });
};

/** The first element of a client's answer, the response message. */
const responseOf = (answer: unknown): unknown => (Array.isArray(answer) ? answer[0] : undefined);

/**
 * The gateway to Dialogflow's Conversations API, over a client shaped like
 * `@google-cloud/dialogflow`'s `v2.ConversationsClient` (for a regional location, made with
 * `clientOptionsFor(location)`).
 *
 * @example
 * ```ts
 * import { v2 } from '@google-cloud/dialogflow';
 * const gateway = dialogflowGateway(new v2.ConversationsClient());
 * const created = await gateway.create({ parent: 'projects/acme', conversationProfile, conversationId: 'call-0001' });
 * if (isLeft(created)) created.left.transient ? retryLater() : giveUp(created.left.message);
 * ```
 */
export const dialogflowGateway = (client: ConversationsClientLike, options: GatewayOptions = {}): DialogflowGateway => {
  let callOptions: GatewayCallOptions = { retry: null };
  let concurrency = 4;
  // Options that cannot be read (a getter or a proxy that throws) fail every call, saying so, rather than throw here.
  let unusable: Error | undefined;
  try {
    const given = options ?? {};
    callOptions = given.clientRetries === true ? { ...given.callOptions } : { retry: null, ...given.callOptions };
    concurrency = Math.max(1, Math.min(64, Math.floor(given.sweepConcurrency ?? 4) || 1));
  } catch (cause) {
    unusable = new Error(`the gateway's options could not be read: ${causeText(cause)}`);
  }

  /** Calls the client, turning a throw or a rejection into a `Left` of the cause. */
  const call = async <T>(f: () => Promise<T>): Promise<E.Either<unknown, T>> => {
    if (unusable !== undefined) return E.left(unusable);
    try {
      return E.right(await f());
    } catch (cause) {
      return E.left(cause);
    }
  };

  /** Decodes a response message into a conversation, or the error that it is not one. */
  const decoded = (operation: GatewayOperation, rpc: GatewayRpc, target: string, answer: unknown): E.Either<GatewayError, Conversation> => {
    const message = responseOf(answer);
    if (typeof message !== 'object' || message === null) {
      return E.left(
        invalidResponseError(operation, rpc, target, [{ path: '', message: `expected a Conversation, got ${describe(message)}` }]),
      );
    }
    const conversation = fromGoogleConversation(message as GoogleConversation);
    return E.isLeft(conversation) ? E.left(invalidResponseError(operation, rpc, target, conversation.left.errors)) : conversation;
  };

  /** A conversation Dialogflow returned as an aggregate: created from it, then brought up to it. */
  const adopt = (operation: GatewayOperation, target: string, remote: Conversation): E.Either<GatewayError, ConversationChange> => {
    const created = createConversation({
      conversationProfile: remote.conversationProfile,
      // The stage Dialogflow gave it: a virtual agent stage means the profile has one.
      virtualAgent: remote.conversationStage === 'VIRTUAL_AGENT_STAGE',
      conversationStage: remote.conversationStage,
      name: remote.name,
      startTime: remote.startTime,
    });
    if (E.isLeft(created))
      return E.left(invalidResponseError(operation, 'CreateConversation', target, [{ path: '', message: created.left.message }]));
    const observed = observe(created.right.conversation, remote);
    if (E.isLeft(observed)) return E.left(divergedError(operation, 'CreateConversation', target, observed.left));
    const events: ReadonlyArray<ConversationDomainEvent> = Object.freeze([...created.right.events, ...observed.right.events]);
    return E.right(Object.freeze({ conversation: observed.right.conversation, events }));
  };

  const get = async (name: string, operation: GatewayOperation = 'get'): Promise<E.Either<GatewayError, GetResult>> => {
    const request = googleGetConversationRequest(name);
    if (E.isLeft(request)) return E.left(invalidRequestError(operation, 'GetConversation', describe(name), request.left.errors));
    const answer = await call(() => client.getConversation(request.right, callOptions));
    if (E.isLeft(answer)) {
      return grpcCodeOf(answer.left) === 5
        ? E.right(Object.freeze({ found: false as const }))
        : E.left(rpcFailed(operation, 'GetConversation', name, answer.left));
    }
    const conversation = decoded(operation, 'GetConversation', name, answer.right);
    return E.isLeft(conversation) ? conversation : E.right(Object.freeze({ found: true as const, conversation: conversation.right }));
  };

  const create = async (input: GatewayCreateInput): Promise<E.Either<GatewayError, CreateResult>> => {
    const request = googleCreateConversationRequest({
      parent: input?.parent,
      conversation: { conversationProfile: input?.conversationProfile, conversationStage: input?.conversationStage },
      conversationId: input?.conversationId,
    });
    const id = input?.conversationId;
    const parent = typeof input?.parent === 'string' ? input.parent : describe(input?.parent);
    const target = id === undefined ? parent : `${parent}/conversations/${id}`;
    if (E.isLeft(request)) return E.left(invalidRequestError('create', 'CreateConversation', target, request.left.errors));
    const answer = await call(() => client.createConversation(request.right, callOptions));
    if (E.isRight(answer)) {
      const remote = decoded('create', 'CreateConversation', target, answer.right);
      if (E.isLeft(remote)) return remote;
      const adopted = adopt('create', target, remote.right);
      return E.isLeft(adopted) ? adopted : E.right(Object.freeze({ ...adopted.right, alreadyExisted: false }));
    }
    if (grpcCodeOf(answer.left) !== 6 || id === undefined) return E.left(rpcFailed('create', 'CreateConversation', target, answer.left));
    // ALREADY_EXISTS for our own ID: an earlier call made it (its answer lost?), or another request did.
    const existing = await get(target, 'create');
    if (E.isLeft(existing)) return existing;
    if (!existing.right.found) return E.left(rpcFailed('create', 'CreateConversation', target, answer.left));
    const found = existing.right.conversation;
    const profile = request.right.conversation.conversationProfile as ConversationProfileName;
    if (!sameConversationProfile(found.conversationProfile, profile)) return E.left(conflictError(target, found, profile));
    const adopted = adopt('create', target, found);
    return E.isLeft(adopted) ? adopted : E.right(Object.freeze({ ...adopted.right, alreadyExisted: true }));
  };

  const noName = (operation: GatewayOperation, rpc: GatewayRpc): GatewayError =>
    invalidRequestError(operation, rpc, '(unnamed conversation)', [
      { path: 'name', message: 'the conversation has no name yet: Dialogflow names it when it is created (gateway.create)' },
    ]);

  const complete = async (conversation: Conversation): Promise<E.Either<GatewayError, ConversationChange>> => {
    const name = conversation?.name;
    if (name === undefined) return E.left(noName('complete', 'CompleteConversation'));
    const request = googleCompleteConversationRequest(name);
    if (E.isLeft(request)) return E.left(invalidRequestError('complete', 'CompleteConversation', describe(name), request.left.errors));
    const answer = await call(() => client.completeConversation(request.right, callOptions));
    if (E.isLeft(answer)) return E.left(rpcFailed('complete', 'CompleteConversation', name, answer.left));
    const remote = decoded('complete', 'CompleteConversation', name, answer.right);
    if (E.isLeft(remote)) return remote;
    const observed = observe(conversation, remote.right);
    return E.isLeft(observed) ? E.left(divergedError('complete', 'CompleteConversation', name, observed.left)) : observed;
  };

  const refresh = async (
    conversation: Conversation,
    operation: GatewayOperation = 'refresh',
  ): Promise<E.Either<GatewayError, RefreshResult>> => {
    const name = conversation?.name;
    if (name === undefined) return E.left(noName(operation, 'GetConversation'));
    const fetched = await get(name, operation);
    if (E.isLeft(fetched)) return fetched;
    if (!fetched.right.found) return E.right(fetched.right);
    const observed = observe(conversation, fetched.right.conversation);
    return E.isLeft(observed)
      ? E.left(divergedError(operation, 'GetConversation', name, observed.left))
      : E.right(Object.freeze({ found: true as const, change: observed.right }));
  };

  async function* list(
    parent: string,
    listOptions: GatewayListOptions = {},
  ): AsyncGenerator<E.Either<GatewayError, ListConversationsPage>> {
    let pageToken = listOptions.pageToken;
    const seen = new Set<string>();
    for (;;) {
      const request = googleListConversationsRequest({ parent, pageSize: listOptions.pageSize, pageToken, filter: listOptions.filter });
      if (E.isLeft(request)) {
        yield E.left(invalidRequestError('list', 'ListConversations', describe(parent), request.left.errors));
        return;
      }
      const answer = await call(() => client.listConversations(request.right, { ...callOptions, autoPaginate: false }));
      if (E.isLeft(answer)) {
        yield E.left(rpcFailed('list', 'ListConversations', parent, answer.left));
        return;
      }
      const [items, , response] = Array.isArray(answer.right) ? answer.right : [];
      const source = items ?? response?.conversations ?? [];
      if (!Array.isArray(source)) {
        yield E.left(
          invalidResponseError('list', 'ListConversations', parent, [
            { path: 'conversations', message: `expected an array, got ${describe(source)}` },
          ]),
        );
        return;
      }
      const conversations: Conversation[] = [];
      const invalid: { readonly index: number; readonly error: DecodeError }[] = [];
      source.forEach((item: GoogleConversation, index: number) => {
        const conversation = fromGoogleConversation(item);
        if (E.isLeft(conversation)) invalid.push(Object.freeze({ index, error: nested(index, conversation.left) }));
        else conversations.push(conversation.right);
      });
      const token = response?.nextPageToken;
      const nextPageToken = typeof token === 'string' && token !== '' ? token : undefined;
      yield E.right(Object.freeze({ conversations: Object.freeze(conversations), invalid: Object.freeze(invalid), nextPageToken }));
      if (nextPageToken === undefined) return;
      if (seen.has(nextPageToken)) {
        // A server that hands out a token twice would have us list forever.
        yield E.left(
          invalidResponseError('list', 'ListConversations', parent, [
            { path: 'nextPageToken', message: `${describe(nextPageToken)} was given before` },
          ]),
        );
        return;
      }
      seen.add(nextPageToken);
      pageToken = nextPageToken;
    }
  }

  const sweep = async (
    conversations: ReadonlyArray<Conversation>,
    sweepOptions: SweepOptions = {},
  ): Promise<E.Either<GatewayError, SweepReport>> => {
    const now = nowNanos(sweepOptions.now);
    if (typeof now !== 'bigint') return E.left(invalidRequestError('sweep', 'GetConversation', 'conversations', [now]));
    if (!Array.isArray(conversations)) {
      return E.left(
        invalidRequestError('sweep', 'GetConversation', 'conversations', [
          { path: 'conversations', message: `expected an array, got ${describe(conversations)}` },
        ]),
      );
    }
    const due = conversations.filter((c) => {
      if (c?.lifecycleState !== 'IN_PROGRESS') return false;
      // One that is not this module's aggregate has no start to go by: refreshing it says why.
      if (!TimestampCodec.is(c.startTime)) return true;
      const { seconds, nanos } = timestampToEpoch(c.startTime);
      return epochNanos(seconds, nanos) + DAY_NANOS < now;
    });
    const outcomes: SweepOutcome[] = new Array(due.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < due.length; i = next++) {
        const conversation = due[i] as Conversation;
        const result: E.Either<GatewayError, RefreshResult> = TimestampCodec.is(conversation.startTime)
          ? await refresh(conversation, 'sweep')
          : E.left(
              invalidRequestError('sweep', 'GetConversation', String(conversation.name), [
                { path: 'startTime', message: `expected an RFC 3339 time, got ${describe(conversation.startTime)}` },
              ]),
            );
        outcomes[i] = Object.freeze({ conversation, result });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
    return E.right(Object.freeze({ outcomes: Object.freeze(outcomes), skipped: conversations.length - due.length }));
  };

  /** An operation that answers a `Left` for arguments it cannot read (a getter or a proxy that throws), never a rejection. */
  const guarded =
    <A extends unknown[], R>(operation: GatewayOperation, rpc: GatewayRpc, run: (...args: A) => Promise<E.Either<GatewayError, R>>) =>
    async (...args: A): Promise<E.Either<GatewayError, R>> => {
      try {
        return await run(...args);
      } catch (cause) {
        return E.left(invalidRequestError(operation, rpc, 'its arguments', [unreadableInput(cause)]));
      }
    };
  async function* guardedList(
    parent: string,
    listOptions?: GatewayListOptions,
  ): AsyncGenerator<E.Either<GatewayError, ListConversationsPage>> {
    try {
      yield* list(parent, listOptions);
    } catch (cause) {
      yield E.left(invalidRequestError('list', 'ListConversations', 'its arguments', [unreadableInput(cause)]));
    }
  }

  return Object.freeze({
    create: guarded('create', 'CreateConversation', create),
    complete: guarded('complete', 'CompleteConversation', complete),
    refresh: guarded('refresh', 'GetConversation', (c: Conversation) => refresh(c)),
    get: guarded('get', 'GetConversation', (name: string) => get(name)),
    list: guardedList,
    sweep: guarded('sweep', 'GetConversation', sweep),
  });
};
