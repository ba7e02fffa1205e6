import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { decodeConversation } from '../../conversation/codec.js';
import { observe } from '../../conversation/commands.js';
import type { Conversation } from '../../conversation/conversation.js';
import type { ConversationError } from '../../conversation/errors.js';
import type { ConversationDomainEvent } from '../../conversation/events.js';
import { applyNotification } from '../../notifications/apply.js';
import type { Notification } from '../../notifications/notification.js';
import { notificationTypeEnum } from '../../notifications/notification-type.js';
import { type ConversationName, parseConversationName } from '../../wire/conversation-name.js';
import { type DecodeIssue, joinPath } from '../../wire/issue.js';
import type { Timestamp } from '../../wire/well-known-types.js';
import { isBlank } from '../validate/scanner.js';
import { readLogLine } from './entry.js';
import { ARRIVED_WIDTH } from './format.js';

/** Where, when and what arrived. */
export interface Arrival {
  /** The line's number, from 1. */
  readonly line: number;
  /** `conversations[I]` for an item of a ListConversations page. */
  readonly item?: string | undefined;
  /** A push's `publishTime`; absent for everything else. */
  readonly time?: Timestamp | undefined;
  /**
   * What arrived, in a few words from a short list: `HUMAN_INTERVENTION_NEEDED (push)`,
   * `CONVERSATION_FINISHED (notification)`, `fetched resource`, `fetched in a page`, or for a bad
   * line what it was taken for (`Pub/Sub push`, `not JSON`...). Never longer than {@link ARRIVED_WIDTH}.
   */
  readonly what: string;
  /** A push's Pub/Sub message ID. */
  readonly messageId?: string | undefined;
  /** Why the line changes nothing whatever the conversation: a type newer than this library, or suggestions. */
  readonly inert?: string | undefined;
}

/** Notifications held back until their conversation was fetched, applied then, one by one. */
export interface Released {
  readonly arrival: Arrival;
  readonly events: ReadonlyArray<ConversationDomainEvent>;
}

/**
 * What one line did (a page's items do one each). Steps are data: `replay` prints them, `inspect
 * FILE` also plays them into live actors.
 */
export type ReplayStep =
  | {
      /** The conversation's first fetched resource: it starts here, then the held-back notifications apply. */
      readonly type: 'started';
      readonly arrival: Arrival;
      /** The fetched resource, as the conversation starts. */
      readonly resource: Conversation;
      /** The conversation after the held-back notifications. */
      readonly conversation: Conversation;
      readonly released: ReadonlyArray<Released>;
    }
  | {
      /** A notification applied, or a later resource observed: the events it caused (perhaps none). */
      readonly type: 'applied';
      readonly arrival: Arrival;
      readonly conversation: Conversation;
      readonly events: ReadonlyArray<ConversationDomainEvent>;
    }
  | {
      /** A notification about a conversation not fetched yet: held back. */
      readonly type: 'held';
      readonly arrival: Arrival;
      readonly name: ConversationName;
      /** Whether it adds anything to the notifications already held (not a duplicate, not a type that changes nothing). */
      readonly news: boolean;
    }
  | {
      /**
       * A notification about a conversation not fetched yet that changes nothing, whatever the
       * conversation (`CONVERSATION_STARTED`, `NEW_MESSAGE`...): not held, and not a bad line.
       */
      readonly type: 'no-op';
      readonly arrival: Arrival;
      readonly name: ConversationName;
    }
  | {
      /** A bad line (or page item): what is wrong, at paths in the line's JSON. */
      readonly type: 'invalid';
      readonly arrival: Arrival;
      readonly name?: ConversationName | undefined;
      readonly errors: ReadonlyArray<DecodeIssue>;
      /** The conversation as it stays, when the line was about one that had started (a regression). */
      readonly kept?: Conversation | undefined;
    }
  | {
      /** At the end: a conversation whose notifications came, but no resource. Each of those lines is bad. */
      readonly type: 'unfetched';
      readonly name: ConversationName;
      /** The lines, in order (the first {@link HELD_LINES_LISTED}, and every later one that added something). */
      readonly arrivals: ReadonlyArray<Arrival>;
      /** How many more lines there were. */
      readonly more: number;
    }
  | {
      /**
       * More than `maxHeld` lines were held back: the conversation that had waited longest is
       * dropped, and its held-back lines with it, not applied. Each of them is a bad line. If the
       * conversation is fetched later, it starts without them.
       */
      readonly type: 'dropped';
      readonly name: ConversationName;
      /** The lines, in order (the first {@link HELD_LINES_LISTED}, and every later one that added something). */
      readonly arrivals: ReadonlyArray<Arrival>;
      /** How many more lines there were. */
      readonly more: number;
      readonly maxHeld: number;
    };

/**
 * How many held-back lines of one conversation are remembered for the report at the end: past
 * that, a line that adds nothing to those held (a redelivery, a second `CONVERSATION_FINISHED`) is
 * only counted. A line that adds something is always remembered: it is applied once the
 * conversation is fetched.
 */
export const HELD_LINES_LISTED = 1000;

/**
 * How many held-back lines `replay` keeps at once, over all the conversations not fetched yet, by
 * default (`--max-held`). A held line (its arrival, its notification, its conversation's stand-in)
 * is under 1 KB live, about 3 KB of RSS once the garbage collector's room is counted (measured on
 * 500,000 lines, one conversation each): 10,000 keep a replay near 130 MB of RSS however many
 * conversations are never fetched.
 */
export const DEFAULT_MAX_HELD = 10_000;

/** A line held back, and the notification when it adds something to those held before it. */
interface HeldLine {
  readonly arrival: Arrival;
  readonly notification?: Notification | undefined;
}

/** A conversation not fetched yet: what its notifications add up to, and where they were. */
interface Waiting {
  readonly key: string;
  /** Its name, as the first notification spelled it. */
  readonly name: ConversationName;
  /** The conversations waiting, oldest first, as a list: dropping the oldest and removing any one are O(1). */
  older: Waiting | undefined;
  newer: Waiting | undefined;
  /** A stand-in conversation, in the state every fact moves away from, with every held fact applied: it tells which notifications add something. */
  probe: Conversation;
  /** The first {@link HELD_LINES_LISTED} lines, and every later one that added something to the probe, in order. */
  readonly lines: HeldLine[];
  /** How many more lines there were. */
  more: number;
}

interface Tracked {
  /** The conversation's name, as its first fetched resource spells it. */
  readonly name: ConversationName;
  conversation: Conversation;
}

/**
 * One key per conversation, the same for every spelling of its name that `sameConversation` takes
 * as the same: `projects/p/conversations/c` is in the location `global`.
 */
export const conversationKey = (name: ConversationName): string => {
  const { project, location, id } = parseConversationName(name);
  return `${project}/${location ?? 'global'}/${id}`;
};

// The stand-in for a conversation not fetched yet: in progress, with a virtual agent, no errors,
// the state from which every fact a notification reports is a change. Only its name matters. It is
// decoded, as a fetched resource is, rather than created (creating runs the machine: 60 times slower).
const PROBE = {
  lifecycleState: 'IN_PROGRESS',
  conversationProfile: 'projects/replay/conversationProfiles/held-back',
  startTime: '0001-01-01T00:00:00Z',
  conversationStage: 'VIRTUAL_AGENT_STAGE',
} as const;

/** The stand-in, or `undefined` if the library would not decode it (it always does: every held-back test would fail). */
const probeFor = (name: ConversationName): Conversation | undefined => {
  const decoded = decodeConversation({ name, ...PROBE });
  return isRight(decoded) ? decoded.right : undefined;
};

/** Why a notification changes nothing whatever the conversation, when that is what it is: said on its line. */
const inertOf = (n: Notification): string | undefined =>
  n.kind === 'HumanAgentAssistantEvent'
    ? 'suggestions for a participant: kept, and they change no state'
    : typeof n.type === 'number' || !(notificationTypeEnum().names as ReadonlyArray<string>).includes(n.type)
      ? 'a type this library does not know (newer, or misspelt): kept, and it changes no state'
      : undefined;

/** What arrived: one string per known type and way, shared by every arrival (held ones are many). */
const ARRIVED = new Map<string, string>();
const whatArrived = (n: Notification, via: 'push' | 'event'): string => {
  const way = via === 'push' ? 'push' : 'notification';
  if (n.kind === 'HumanAgentAssistantEvent') return `suggestions (${way})`;
  // A type newer than this library comes from the input: not remembered, and cut to the column.
  if (typeof n.type === 'number') return `type ${n.type} (${way})`;
  if (!(notificationTypeEnum().names as ReadonlyArray<string>).includes(n.type)) {
    const room = ARRIVED_WIDTH - way.length - 3;
    return `${n.type.length > room ? `${n.type.slice(0, room - 1)}…` : n.type} (${way})`;
  }
  const key = `${n.type} ${via}`;
  let what = ARRIVED.get(key);
  if (what === undefined) {
    what = `${n.type} (${way})`;
    ARRIVED.set(key, what);
  }
  return what;
};

const regressionIssues = (error: ConversationError, item: string | undefined): DecodeIssue[] =>
  error.type === 'Regression'
    ? error.regressions.map((r) => ({
        path: item === undefined ? r.field : joinPath(item, r.field),
        message:
          r.field === 'name' || r.field === 'conversationProfile'
            ? `${r.remote} here, ${r.local} in the conversation so far: it never changes`
            : `would go back from ${r.local} to ${r.remote}: a stale read? The conversation is kept as it was`,
      }))
    : [{ path: item ?? '', message: error.message }];

/** How a {@link Replayer} plays. */
export interface ReplayerOptions {
  /** The most lines held back at once, over all the conversations not fetched yet ({@link DEFAULT_MAX_HELD}). */
  readonly maxHeld?: number | undefined;
}

/**
 * Plays a replay log through the aggregate, line by line: one aggregate per conversation (names
 * spelled with and without `locations/global` are one), started from its first fetched resource;
 * notifications that come before it are held back and applied once it comes (applying is
 * order-independent, so this gives what any order would); later resources go through `observe`.
 * Each line's outcome goes to `emit` as it is known.
 *
 * Memory holds the conversations fetched, and a bounded number of held-back lines:
 * - a notification that changes nothing whatever the conversation (`CONVERSATION_STARTED`,
 *   `NEW_MESSAGE`...) is not held (and is not a bad line: nothing is lost by not applying it);
 * - one that adds nothing to the ones already held (a redelivery) is remembered for the report,
 *   up to {@link HELD_LINES_LISTED} lines a conversation, then only counted;
 * - past `maxHeld` held lines in all, the conversation that has waited longest is dropped, with its
 *   lines, and a `dropped` step says so.
 */
export class Replayer {
  private readonly tracked = new Map<string, Tracked>();
  /** Conversations not fetched yet, by key. */
  private readonly waiting = new Map<string, Waiting>();
  /**
   * The same, oldest first and newest last. Not the Map's own order: taking the first entry of a
   * Map whose first entries were deleted walks over every deleted one (measured: quadratic).
   */
  private oldest: Waiting | undefined;
  private newest: Waiting | undefined;
  private readonly maxHeld: number;
  /** The lines of every waiting conversation, in all. */
  private held = 0;
  /** Lines read (blank ones apart). */
  lines = 0;
  /** Lines with at least one problem, never-fetched and dropped notifications included once {@link finish} has run. */
  badLines = 0;
  /** Held-back lines dropped, and the conversations they were about. */
  readonly dropped = { lines: 0, conversations: 0 };
  private lastBadLine = 0;

  constructor(
    private readonly emit: (step: ReplayStep) => void,
    options: ReplayerOptions = {},
  ) {
    this.maxHeld = options.maxHeld ?? DEFAULT_MAX_HELD;
  }

  /** One line of the log (`line` is always set when the scanner reads NDJSON). */
  readonly line = (text: string, lineNumber: number | undefined): void => {
    if (isBlank(text)) return;
    const line = lineNumber ?? this.lines + 1;
    this.lines++;
    const entry = readLogLine(text);
    if (entry.kind === 'invalid') {
      this.invalid({ line, what: entry.as }, entry.errors);
    } else if (entry.kind === 'notification') {
      const { notification, via } = entry;
      this.notification(notification, {
        line,
        time: notification.delivery?.publishTime,
        what: whatArrived(notification, via),
        messageId: via === 'push' ? notification.delivery?.messageId : undefined,
        inert: inertOf(notification),
      });
    } else {
      for (const item of entry.items) {
        const arrival: Arrival = { line, item: item.item, what: item.item === undefined ? 'fetched resource' : 'fetched in a page' };
        if ('errors' in item) this.invalid(arrival, item.errors);
        else this.fetched(item.conversation, arrival);
      }
    }
  };

  /** A line that could not be read at all (longer than the scanner's limit, or not UTF-8). */
  readonly problem = (line: number | undefined, message: string): void => {
    this.lines++;
    this.invalid({ line: line ?? this.lines, what: 'unreadable line' }, [{ path: '', message }]);
  };

  /** The end of the log: reports the notifications of conversations never fetched, those that waited longest first. */
  finish(): void {
    for (let waiting = this.oldest; waiting !== undefined; waiting = waiting.newer) {
      this.badLines += waiting.lines.length + waiting.more;
      this.emit({ type: 'unfetched', name: waiting.name, arrivals: waiting.lines.map((l) => l.arrival), more: waiting.more });
    }
  }

  /** Every conversation that started, as it is now, in the order of their keys (project, location, ID). */
  conversations(): ReadonlyArray<Conversation> {
    return [...this.tracked.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t.conversation);
  }

  /** How many conversations the log named in notifications that add something, and never fetched (so far). */
  unfetched(): number {
    return this.waiting.size;
  }

  private notification(n: Notification, arrival: Arrival): void {
    const key = conversationKey(n.conversation);
    const tracked = this.tracked.get(key);
    if (tracked !== undefined) {
      const applied = applyNotification(tracked.conversation, n);
      if (isLeft(applied)) {
        this.invalid(arrival, [{ path: 'conversation', message: applied.left.message }], tracked.name, tracked.conversation);
        return;
      }
      tracked.conversation = applied.right.conversation;
      this.emit({ type: 'applied', arrival, conversation: applied.right.conversation, events: applied.right.events });
      return;
    }
    let waiting = this.waiting.get(key);
    const probe = waiting === undefined ? probeFor(n.conversation) : waiting.probe;
    if (probe === undefined) {
      this.invalid(arrival, [{ path: 'conversation', message: 'could not hold it back: the library refused a stand-in for it' }]);
      return;
    }
    const probed = applyNotification(probe, n);
    const news = isRight(probed) && probed.right.events.length > 0;
    if (waiting === undefined) {
      // Nothing held yet, so the probe is fresh: a notification that changes nothing on it changes
      // nothing on any conversation (the fresh state is the one every fact moves away from).
      if (isRight(probed) && !news) {
        this.emit({ type: 'no-op', arrival, name: n.conversation });
        return;
      }
      waiting = { key, name: n.conversation, probe, lines: [], more: 0, older: this.newest, newer: undefined };
      this.wait(waiting);
    } else if (!news && isRight(probed) && this.changesNothing(n)) {
      this.emit({ type: 'no-op', arrival, name: waiting.name });
      return;
    }
    if (news) {
      waiting.probe = probed.right.conversation;
      waiting.lines.push({ arrival, notification: n });
      this.held++;
    } else if (waiting.lines.length < HELD_LINES_LISTED) {
      waiting.lines.push({ arrival });
      this.held++;
    } else {
      waiting.more++;
    }
    this.emit({ type: 'held', arrival, name: waiting.name, news });
    this.dropOldest();
  }

  /** Whether a notification changes nothing, whatever the conversation: nothing, on a fresh one. */
  private changesNothing(n: Notification): boolean {
    const fresh = probeFor(n.conversation);
    if (fresh === undefined) return false;
    const applied = applyNotification(fresh, n);
    return isRight(applied) && applied.right.events.length === 0;
  }

  private wait(waiting: Waiting): void {
    this.waiting.set(waiting.key, waiting);
    if (this.newest === undefined) this.oldest = waiting;
    else this.newest.newer = waiting;
    this.newest = waiting;
  }

  /** A conversation waits no more (fetched, or dropped). */
  private unwait(waiting: Waiting): void {
    this.waiting.delete(waiting.key);
    this.held -= waiting.lines.length;
    if (waiting.older === undefined) this.oldest = waiting.newer;
    else waiting.older.newer = waiting.newer;
    if (waiting.newer === undefined) this.newest = waiting.older;
    else waiting.newer.older = waiting.older;
    waiting.older = undefined;
    waiting.newer = undefined;
  }

  /** Past the limit: drops the conversations that have waited longest, until it is kept. */
  private dropOldest(): void {
    while (this.held > this.maxHeld) {
      const waiting = this.oldest;
      if (waiting === undefined) return;
      this.unwait(waiting);
      const lines = waiting.lines.length + waiting.more;
      this.dropped.lines += lines;
      this.dropped.conversations++;
      this.badLines += lines;
      this.emit({
        type: 'dropped',
        name: waiting.name,
        arrivals: waiting.lines.map((l) => l.arrival),
        more: waiting.more,
        maxHeld: this.maxHeld,
      });
    }
  }

  private fetched(resource: Conversation, arrival: Arrival): void {
    // decodeConversation and list pages require a name: every fetched conversation has one.
    const name = resource.name as ConversationName;
    const key = conversationKey(name);
    const tracked = this.tracked.get(key);
    if (tracked === undefined) {
      const waiting = this.waiting.get(key);
      if (waiting !== undefined) this.unwait(waiting);
      let conversation = resource;
      const released: Released[] = [];
      const refused: Array<[Arrival, string]> = [];
      for (const { arrival: at, notification } of waiting?.lines ?? []) {
        if (notification === undefined) continue;
        const applied = applyNotification(conversation, notification);
        if (isLeft(applied)) refused.push([at, applied.left.message]);
        else {
          conversation = applied.right.conversation;
          released.push({ arrival: at, events: applied.right.events });
        }
      }
      this.tracked.set(key, { name, conversation });
      this.emit({ type: 'started', arrival, resource, conversation, released });
      for (const [at, message] of refused) this.invalid(at, [{ path: 'conversation', message }], name, conversation);
      return;
    }
    const observed = observe(tracked.conversation, resource);
    if (isLeft(observed)) {
      this.invalid(arrival, regressionIssues(observed.left, arrival.item), tracked.name, tracked.conversation);
      return;
    }
    tracked.conversation = observed.right.conversation;
    this.emit({ type: 'applied', arrival, conversation: observed.right.conversation, events: observed.right.events });
  }

  private invalid(
    arrival: Arrival,
    errors: ReadonlyArray<DecodeIssue>,
    name?: ConversationName | undefined,
    kept?: Conversation | undefined,
  ): void {
    if (arrival.line !== this.lastBadLine) {
      this.badLines++;
      this.lastBadLine = arrival.line;
    }
    this.emit({ type: 'invalid', arrival, name, errors, kept });
  }
}
