import * as E from 'fp-ts/lib/Either.js';
import type { CreateConversationRequestInput } from '../dialogflow/create-conversation.js';
import { googleCreateConversationRequest } from '../dialogflow/google-requests.js';
import { parentKind } from '../dialogflow/parent.js';
import { type EmulatedClock, nanosOfTimestamp, timestampOfNanos } from './clock.js';
import {
  applyNotification,
  type Conversation,
  ConversationCodec,
  type ConversationKey,
  type ConversationName,
  ConversationNameCodec,
  type ConversationProfileName,
  ConversationProfileNameCodec,
  type ConversationStage,
  complete,
  conversationKey,
  createConversation,
  handOff,
  type Notification,
  type NotificationType,
  parseConversationName,
  sameConversationProfile,
  type Timestamp,
  toGoogleConversation,
} from './core.js';
import { type ListFilter, parseListFilter } from './filter.js';
import { generatedConversationId, type SeededRandom } from './random.js';

/** A gRPC status: what an RPC answers when it fails. */
export interface RpcStatus {
  readonly code: number;
  readonly message: string;
}

/** Something that happened in the emulator, for its log. */
export interface EmulatorEvent {
  /** The emulated time it happened at. */
  readonly at: Timestamp;
  readonly kind: 'rpc' | 'fault' | 'control' | 'lifecycle' | 'clock' | 'notification' | 'push';
  /** The conversation it is about, when it is about one. */
  readonly conversation?: string | undefined;
  /** What happened, in a sentence. */
  readonly message: string;
  /** For a notification or a push: the Pub/Sub message ID, the same in every delivery of it. */
  readonly messageId?: string | undefined;
}

/** The `errorStatus` of an `UNRECOVERABLE_ERROR` notification: a `google.rpc.Status`. */
export interface ErrorStatus {
  readonly code: number;
  readonly message: string;
}

/** What the service asks the publisher: a notification, built and (when pushing) sent. */
export interface NotificationRequest {
  readonly conversation: ConversationKey;
  readonly type: NotificationType;
  readonly errorStatus?: ErrorStatus | undefined;
  /** When it happened: the notification's publish time. */
  readonly at: Timestamp;
}

/** A CreateConversation request as the transport decoded it (protobufjs's `toObject`, enums as names). */
export interface CreateRequest {
  readonly parent?: unknown;
  readonly conversation?: { readonly conversationProfile?: unknown; readonly conversationStage?: unknown } | null | undefined;
  readonly conversationId?: unknown;
}

/** A ListConversations request as the transport decoded it. */
export interface ListRequest {
  readonly parent?: unknown;
  readonly pageSize?: unknown;
  readonly pageToken?: unknown;
  readonly filter?: unknown;
}

/** One page of ListConversations. */
export interface ListResult {
  readonly conversations: ReadonlyArray<Conversation>;
  readonly nextPageToken: string;
}

/** What a move of the clock did. */
export interface AdvanceResult {
  readonly now: Timestamp;
  /** The conversations Dialogflow auto-completed (24 hours after they started). */
  readonly completed: ReadonlyArray<ConversationName>;
  /** The conversations it purged (30 days after they ended). */
  readonly purged: ReadonlyArray<ConversationName>;
}

interface EmulatedRecord {
  conversation: Conversation;
  readonly name: ConversationName;
  readonly project: string;
  readonly location: string;
  /** Creation order: what lists sort by, and what page tokens point after. */
  readonly seq: number;
}

const CODE = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6, FAILED_PRECONDITION: 9, INTERNAL: 13 } as const;
const DAY_NANOS = 86_400n * 1_000_000_000n;
/** Dialogflow auto-completes a conversation this long after it starts. */
export const AUTO_COMPLETE_NANOS = DAY_NANOS;
/** And purges a finished one this long after it ends. */
export const PURGE_NANOS = 30n * DAY_NANOS;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

const status = (code: number, message: string): RpcStatus => Object.freeze({ code, message });

/** The project and location of a parent (`projects/p`, `projects/p/locations/l`); no location is `global`. */
const scopeOf = (parent: string): { readonly project: string; readonly location: string } => {
  const parts = parent.split('/');
  return { project: parts[1] ?? '', location: parts[2] === 'locations' ? (parts[3] ?? 'global') : 'global' };
};

/** A string hash (FNV-1a), to tie a page token to the parent and filter it was made for. */
const hash = (s: string): string => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
};

/** Why a conversation cannot go out as a GetConversation response, if it cannot (a hand-made object, a kept field of the wrong type). */
const encodingProblem = (conversation: Conversation): string | undefined => {
  try {
    const encoded = toGoogleConversation(conversation);
    return E.isLeft(encoded) ? encoded.left.message : undefined;
  } catch (cause) {
    return cause instanceof Error ? cause.message : String(cause);
  }
};

/** Whether a profile, as the emulator was told of it (a full name, or an ID), is this one. */
const profileMatches = (configured: string, profile: ConversationProfileName): boolean => {
  if (ConversationProfileNameCodec.is(configured)) return sameConversationProfile(configured, profile);
  return profile.endsWith(`/conversationProfiles/${configured}`);
};

/**
 * Dialogflow's Conversations, emulated: each conversation is this module's aggregate, changed only
 * by its commands (`createConversation`, `handOff`, `complete`) and by the facts notifications
 * report (`applyNotification`), so the machine's rules are the emulator's. Transport-free: the gRPC
 * server and the control API call it.
 */
export class EmulatedConversations {
  private readonly records = new Map<ConversationKey, EmulatedRecord>();
  private seq = 0;

  constructor(
    private readonly clock: EmulatedClock,
    private readonly random: SeededRandom,
    /** The profiles that have a virtual agent: full names, or IDs that match in any project and location. */
    private readonly virtualAgentProfiles: ReadonlyArray<string>,
    private readonly notify: (request: NotificationRequest) => Notification | undefined,
    private readonly log: (event: EmulatorEvent) => void,
  ) {}

  private event(kind: EmulatorEvent['kind'], conversation: string | undefined, message: string, at: Timestamp = this.clock.now()): void {
    this.log(Object.freeze({ at, kind, conversation, message }));
  }

  /** The conversation of a name, when it exists in that location (a regional one is not found elsewhere). */
  private lookup(name: unknown, field = 'name'): E.Either<RpcStatus, EmulatedRecord> {
    if (!ConversationNameCodec.is(name)) {
      return E.left(
        status(
          CODE.INVALID_ARGUMENT,
          `${field}: expected projects/{project}/conversations/{id} or projects/{project}/locations/{location}/conversations/{id}, got ${JSON.stringify(name) ?? String(name)}`,
        ),
      );
    }
    const parts = parseConversationName(name);
    const record = this.records.get(conversationKey(name) as ConversationKey);
    if (record === undefined || record.location !== (parts.location ?? 'global')) {
      return E.left(status(CODE.NOT_FOUND, `conversation ${name} not found (never created here, or purged 30 days after it ended)`));
    }
    return E.right(record);
  }

  private hasVirtualAgent(profile: ConversationProfileName): boolean {
    return this.virtualAgentProfiles.some((configured) => profileMatches(configured, profile));
  }

  /** CreateConversation: checks the request as Dialogflow does, starts the conversation, notifies `CONVERSATION_STARTED`. */
  createConversation(request: CreateRequest): E.Either<RpcStatus, Conversation> {
    this.tick();
    const id = request.conversationId === '' ? undefined : request.conversationId;
    const stage = request.conversation?.conversationStage;
    const conversation = request.conversation;
    const checked = googleCreateConversationRequest({
      parent: request.parent as string,
      conversation: (conversation === undefined || conversation === null
        ? undefined
        : {
            conversationProfile: conversation.conversationProfile as string,
            // The default (UNSPECIFIED, or absent) means: as the profile says.
            conversationStage: stage === undefined || stage === 0 ? undefined : (stage as ConversationStage),
          }) as CreateConversationRequestInput['conversation'],
      conversationId: id as string | undefined,
    });
    if (E.isLeft(checked)) return E.left(status(CODE.INVALID_ARGUMENT, checked.left.message));
    const { parent, conversation: requested, conversationId } = checked.right;
    let chosen = conversationId;
    while (chosen === undefined) {
      const candidate = generatedConversationId(this.random);
      if (!this.records.has(conversationKey(`${parent}/conversations/${candidate}`) as ConversationKey)) chosen = candidate;
    }
    const name = `${parent}/conversations/${chosen}` as ConversationName;
    const key = conversationKey(name) as ConversationKey;
    const existing = this.records.get(key);
    if (existing !== undefined) {
      return E.left(status(CODE.ALREADY_EXISTS, `conversation ${existing.name} already exists: conversation IDs are unique in a project`));
    }
    const profile = requested.conversationProfile as ConversationProfileName;
    const virtualAgent = this.hasVirtualAgent(profile);
    const startTime = this.clock.now();
    const created = createConversation({
      conversationProfile: profile,
      virtualAgent,
      conversationStage: requested.conversationStage,
      name,
      startTime,
    });
    if (E.isLeft(created)) {
      return E.left(
        status(
          CODE.INVALID_ARGUMENT,
          created.left.type === 'VirtualAgentUnavailable'
            ? `conversation.conversation_stage: VIRTUAL_AGENT_STAGE needs a profile with a virtual agent, and ${profile} has none (start the emulator with --virtual-agent ${profile})`
            : created.left.message,
        ),
      );
    }
    const { project, location } = scopeOf(parent);
    const record: EmulatedRecord = { conversation: created.right.conversation, name, project, location, seq: ++this.seq };
    this.records.set(key, record);
    this.event(
      'lifecycle',
      name,
      `created in ${record.conversation.conversationStage} (profile ${virtualAgent ? 'with' : 'without'} a virtual agent)`,
      startTime,
    );
    this.notify({ conversation: key, type: 'CONVERSATION_STARTED', at: startTime });
    return E.right(record.conversation);
  }

  /**
   * A conversation that exists already, as Dialogflow would have it now (made before the emulator
   * started, by another client, on a phone call): kept as it is given, found by GetConversation
   * and ListConversations (after those created before it), moved by time and the control API like
   * any other. Nothing is notified: it was there before your backend listened. Refused
   * (`INVALID_ARGUMENT`) when it cannot be a conversation Dialogflow has at the emulated time: no
   * name, a start or an end after that time, in progress 24 hours after its start (Dialogflow would
   * have completed it), or completed 30 days before (it would have purged it); `ALREADY_EXISTS`
   * when its ID is taken in its project.
   */
  addConversation(conversation: unknown): E.Either<RpcStatus, Conversation> {
    this.tick();
    if (!ConversationCodec.is(conversation)) {
      return E.left(
        status(CODE.INVALID_ARGUMENT, 'expected a conversation, the aggregate (decodeConversation of a GetConversation response, say)'),
      );
    }
    const name = conversation.name;
    if (name === undefined || !ConversationNameCodec.is(name)) {
      return E.left(
        status(
          CODE.INVALID_ARGUMENT,
          'name: a conversation Dialogflow has is named: projects/{project}/conversations/{id}, or under a location',
        ),
      );
    }
    const unanswerable = encodingProblem(conversation);
    if (unanswerable !== undefined)
      return E.left(status(CODE.INVALID_ARGUMENT, `${name}: GetConversation could not answer it: ${unanswerable}`));
    const key = conversationKey(name) as ConversationKey;
    const existing = this.records.get(key);
    if (existing !== undefined) {
      return E.left(status(CODE.ALREADY_EXISTS, `conversation ${existing.name} already exists: conversation IDs are unique in a project`));
    }
    const nowNs = this.clock.nowNanos();
    const now = timestampOfNanos(nowNs);
    const start = nanosOfTimestamp(conversation.startTime);
    const end = conversation.endTime === undefined ? undefined : nanosOfTimestamp(conversation.endTime);
    const problems: string[] = [];
    if (start > nowNs) problems.push(`startTime ${conversation.startTime} is after the emulated time`);
    if (end !== undefined && end > nowNs) problems.push(`endTime ${conversation.endTime} is after the emulated time`);
    if (conversation.lifecycleState === 'IN_PROGRESS' && start + AUTO_COMPLETE_NANOS <= nowNs) {
      problems.push('it is in progress 24 hours after its start, when Dialogflow completes a conversation: add it COMPLETED');
    }
    if (end !== undefined && end + PURGE_NANOS <= nowNs) {
      problems.push('it ended 30 days or more before, when Dialogflow purges a conversation: it would be NOT_FOUND');
    }
    if (problems.length > 0) {
      return E.left(
        status(
          CODE.INVALID_ARGUMENT,
          `${name}: not a conversation Dialogflow has at the emulated time, ${now}: ${problems.join('; ')} (the emulator's now option sets its clock)`,
        ),
      );
    }
    const parts = parseConversationName(name);
    const record: EmulatedRecord = { conversation, name, project: parts.project, location: parts.location ?? 'global', seq: ++this.seq };
    this.records.set(key, record);
    this.event('lifecycle', name, `added as it was: ${conversation.lifecycleState} in ${conversation.conversationStage} (not notified)`);
    return E.right(conversation);
  }

  /** GetConversation. */
  getConversation(name: unknown): E.Either<RpcStatus, Conversation> {
    this.tick();
    const record = this.lookup(name);
    return E.isLeft(record) ? record : E.right(record.right.conversation);
  }

  /** CompleteConversation: completes it (again: no change), and notifies `CONVERSATION_FINISHED` every time, as Dialogflow does. */
  completeConversation(name: unknown): E.Either<RpcStatus, Conversation> {
    this.tick();
    const found = this.lookup(name);
    if (E.isLeft(found)) return found;
    const record = found.right;
    const at = this.clock.now();
    const done = complete(record.conversation, at);
    if (E.isLeft(done)) return E.left(status(CODE.INTERNAL, `emulator: could not complete ${record.name}: ${done.left.message}`));
    const again = done.right.events.length === 0;
    record.conversation = done.right.conversation;
    this.event('lifecycle', record.name, again ? 'completed again (already COMPLETED: no change)' : 'completed', at);
    this.notify({ conversation: conversationKey(record.name) as ConversationKey, type: 'CONVERSATION_FINISHED', at });
    return E.right(record.conversation);
  }

  /** ListConversations: by creation order, `pageSize` (default 100, at most 1000), page tokens, a `lifecycle_state` filter. */
  listConversations(request: ListRequest): E.Either<RpcStatus, ListResult> {
    this.tick();
    const problems: string[] = [];
    if (!parentKind.is(request.parent)) {
      problems.push(
        `parent: expected projects/{project} or projects/{project}/locations/{location}, got ${JSON.stringify(request.parent) ?? 'nothing'}`,
      );
    }
    const rawSize = request.pageSize ?? 0;
    if (typeof rawSize !== 'number' || !Number.isInteger(rawSize) || rawSize < 0)
      problems.push(`page_size: expected a whole number ≥ 0, got ${String(rawSize)}`);
    const filterText = typeof request.filter === 'string' ? request.filter : '';
    let filter: ListFilter;
    const parsed = parseListFilter(filterText);
    if (E.isLeft(parsed)) problems.push(parsed.left);
    else filter = parsed.right;
    const parent = request.parent as string;
    const scope = hash(`${parent}\n${filterText}`);
    let after = 0;
    const token = typeof request.pageToken === 'string' ? request.pageToken : '';
    if (token !== '') {
      const [seq, tokenScope] = Buffer.from(token, 'base64url').toString('utf8').split('.');
      const n = Number(seq);
      if (tokenScope !== scope || !Number.isSafeInteger(n) || n < 0 || String(n) !== seq) {
        problems.push('page_token: not a token this server gave for this parent and filter');
      } else after = n;
    }
    if (problems.length > 0) return E.left(status(CODE.INVALID_ARGUMENT, problems.join('; ')));
    const size = Math.min(MAX_PAGE_SIZE, rawSize === 0 ? DEFAULT_PAGE_SIZE : (rawSize as number));
    const { project, location } = scopeOf(parent);
    const matching = [...this.records.values()]
      .filter((r) => r.project === project && r.location === location && r.seq > after)
      .filter((r) => filter === undefined || r.conversation.lifecycleState === filter.lifecycleState)
      .sort((a, b) => a.seq - b.seq);
    const page = matching.slice(0, size);
    const last = page.at(-1);
    const nextPageToken =
      matching.length > size && last !== undefined ? Buffer.from(`${last.seq}.${scope}`, 'utf8').toString('base64url') : '';
    return E.right(Object.freeze({ conversations: Object.freeze(page.map((r) => r.conversation)), nextPageToken }));
  }

  /** What only Dialogflow's own virtual agent does: hand the conversation to a human agent, and notify `HUMAN_INTERVENTION_NEEDED`. */
  handOff(name: unknown): E.Either<RpcStatus, Conversation> {
    this.tick();
    const found = this.lookup(name);
    if (E.isLeft(found)) return found;
    const record = found.right;
    const at = this.clock.now();
    const handed = handOff(record.conversation, at);
    if (E.isLeft(handed)) return E.left(status(CODE.FAILED_PRECONDITION, `${record.name}: ${handed.left.message}`));
    // Accepted but no change: already handed off, so there is no virtual agent left to hand off.
    if (handed.right.events.length === 0) {
      return E.left(
        status(CODE.FAILED_PRECONDITION, `${record.name}: already in HUMAN_ASSIST_STAGE: no virtual agent is left to hand off`),
      );
    }
    record.conversation = handed.right.conversation;
    this.event('lifecycle', record.name, 'handed off by the virtual agent: now HUMAN_ASSIST_STAGE', at);
    this.notify({ conversation: conversationKey(record.name) as ConversationKey, type: 'HUMAN_INTERVENTION_NEEDED', at });
    return E.right(record.conversation);
  }

  /** An unrecoverable (telephony) error: notified as `UNRECOVERABLE_ERROR`, and recorded on the conversation through that very notification. */
  reportError(name: unknown, errorStatus: ErrorStatus): E.Either<RpcStatus, Conversation> {
    this.tick();
    const found = this.lookup(name);
    if (E.isLeft(found)) return found;
    const record = found.right;
    const at = this.clock.now();
    this.event('lifecycle', record.name, `unrecoverable error ${errorStatus.code}: ${errorStatus.message}`, at);
    const notification = this.notify({
      conversation: conversationKey(record.name) as ConversationKey,
      type: 'UNRECOVERABLE_ERROR',
      errorStatus,
      at,
    });
    if (notification !== undefined) {
      const applied = applyNotification(record.conversation, notification);
      if (E.isRight(applied)) record.conversation = applied.right.conversation;
    }
    return E.right(record.conversation);
  }

  /** Moves the clock, then does what Dialogflow does when time passes. */
  advance(seconds: unknown): E.Either<RpcStatus, AdvanceResult> {
    const before = this.clock.now();
    const moved = this.clock.advance(seconds);
    if (E.isLeft(moved)) return E.left(status(CODE.INVALID_ARGUMENT, moved.left));
    this.event('clock', undefined, `advanced ${String(seconds)} s, from ${before} to ${moved.right}`, moved.right);
    return E.right(this.tick());
  }

  /**
   * What time does: a conversation still in progress 24 hours after its start is completed then
   * (with its `CONVERSATION_FINISHED`); a completed one is purged 30 days after its end.
   */
  tick(): AdvanceResult {
    const nowNs = this.clock.nowNanos();
    const completed: ConversationName[] = [];
    const purged: ConversationName[] = [];
    for (const [key, record] of [...this.records.entries()].sort((a, b) => a[1].seq - b[1].seq)) {
      const c = record.conversation;
      const due = nanosOfTimestamp(c.startTime) + AUTO_COMPLETE_NANOS;
      if (c.lifecycleState === 'IN_PROGRESS' && due <= nowNs) {
        const at = timestampOfNanos(due);
        const done = complete(c, at);
        if (E.isRight(done)) {
          record.conversation = done.right.conversation;
          completed.push(record.name);
          this.event('lifecycle', record.name, 'auto-completed: in progress 24 hours after its start', at);
          this.notify({ conversation: key, type: 'CONVERSATION_FINISHED', at });
        }
      }
      const end = record.conversation.endTime;
      if (end !== undefined && nanosOfTimestamp(end) + PURGE_NANOS <= nowNs) {
        this.records.delete(key);
        purged.push(record.name);
        this.event(
          'lifecycle',
          record.name,
          'purged: completed 30 days ago (now NOT_FOUND)',
          timestampOfNanos(nanosOfTimestamp(end) + PURGE_NANOS),
        );
      }
    }
    return Object.freeze({ now: this.clock.now(), completed: Object.freeze(completed), purged: Object.freeze(purged) });
  }

  /** Every conversation, in creation order. */
  all(): ReadonlyArray<Conversation> {
    this.tick();
    return [...this.records.values()].sort((a, b) => a.seq - b.seq).map((r) => r.conversation);
  }
}
