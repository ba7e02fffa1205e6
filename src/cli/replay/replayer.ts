import { isLeft } from 'fp-ts/lib/Either.js';
import { createConversation, observe } from '../../conversation/commands.js';
import type { Conversation } from '../../conversation/conversation.js';
import type { ConversationError } from '../../conversation/errors.js';
import type { ConversationDomainEvent } from '../../conversation/events.js';
import { applyNotification } from '../../notifications/apply.js';
import type { Notification } from '../../notifications/notification.js';
import { type ConversationName, parseConversationName } from '../../wire/conversation-name.js';
import { type DecodeIssue, joinPath } from '../../wire/issue.js';
import type { Timestamp } from '../../wire/well-known-types.js';
import { isBlank } from '../validate/scanner.js';
import { readLogLine } from './entry.js';

/** Where, when and what arrived. */
export interface Arrival {
  /** The line's number, from 1. */
  readonly line: number;
  /** `conversations[I]` for an item of a ListConversations page. */
  readonly item?: string | undefined;
  /** A push's `publishTime`; absent for everything else. */
  readonly time?: Timestamp | undefined;
  /** What arrived: `HUMAN_INTERVENTION_NEEDED (push 2070443601311540)`, `fetched resource`. */
  readonly what: string;
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
      /** The lines, in order (the first {@link HELD_LINES_LISTED}). */
      readonly arrivals: ReadonlyArray<Arrival>;
      /** How many more lines there were. */
      readonly more: number;
    };

/** How many held-back lines of one conversation are remembered for the report at the end; the rest are counted. */
export const HELD_LINES_LISTED = 1000;

/** A conversation not fetched yet: what its notifications add up to, and where they were. */
interface Held {
  /** A stand-in conversation, in the state every fact moves away from, with every held fact applied: it tells which notifications add something. */
  probe: Conversation;
  /** The notifications that added something to the probe, in order of arrival. */
  readonly kept: Array<{ readonly arrival: Arrival; readonly notification: Notification }>;
  readonly arrivals: Arrival[];
  more: number;
}

interface Tracked {
  /** The conversation's name: the resource's, once fetched; until then, the first notification's. */
  name: ConversationName;
  conversation?: Conversation | undefined;
  held?: Held | undefined;
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
// the state from which every fact a notification reports is a change. Only its name matters.
const PROBE_PROFILE = 'projects/replay/conversationProfiles/held-back';
const PROBE_START = '0001-01-01T00:00:00Z';

const probeFor = (name: ConversationName): Conversation => {
  const created = createConversation({ conversationProfile: PROBE_PROFILE, virtualAgent: true, startTime: PROBE_START, name });
  if (isLeft(created)) throw new Error(`replay: could not make a stand-in for ${name}: ${created.left.message}`);
  return created.right.conversation;
};

const whatArrived = (n: Notification, via: 'push' | 'event'): string =>
  `${n.type} (${via === 'push' ? `push ${n.delivery?.messageId ?? ''}` : 'notification'})`;

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

/**
 * Plays a replay log through the aggregate, line by line: one aggregate per conversation (names
 * spelled with and without `locations/global` are one), started from its first fetched resource;
 * notifications that come before it are held back and applied once it comes (applying is
 * order-independent, so this gives what any order would); later resources go through `observe`.
 * Each line's outcome goes to `emit` as it is known. Memory holds the conversations, not the lines:
 * a held-back notification is kept only when it adds something to those already held (a
 * redelivery, a second `CONVERSATION_FINISHED` or a `NEW_MESSAGE` do not).
 */
export class Replayer {
  private readonly tracked = new Map<string, Tracked>();
  /** Lines read (blank ones apart). */
  lines = 0;
  /** Lines with at least one problem, never-fetched notifications included once {@link finish} has run. */
  badLines = 0;
  private lastBadLine = 0;

  constructor(private readonly emit: (step: ReplayStep) => void) {}

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
      this.notification(notification, { line, time: notification.delivery?.publishTime, what: whatArrived(notification, via) });
    } else {
      for (const item of entry.items) {
        const arrival: Arrival = {
          line,
          item: item.item,
          what: item.item === undefined ? 'fetched resource' : `fetched resource (${item.item})`,
        };
        if ('errors' in item) this.invalid(arrival, item.errors);
        else this.fetched(item.conversation, arrival);
      }
    }
  };

  /** A line that could not be read at all (longer than the scanner's limit). */
  readonly problem = (line: number | undefined, message: string): void => {
    this.lines++;
    this.invalid({ line: line ?? this.lines, what: 'unreadable line' }, [{ path: '', message }]);
  };

  /** The end of the log: reports the notifications of conversations never fetched. */
  finish(): void {
    const unfetched = [...this.tracked.values()].filter((t) => t.conversation === undefined && t.held !== undefined);
    unfetched.sort((a, b) => (a.held?.arrivals[0]?.line ?? 0) - (b.held?.arrivals[0]?.line ?? 0));
    for (const t of unfetched) {
      const held = t.held as Held;
      this.badLines += held.arrivals.length + held.more;
      this.emit({ type: 'unfetched', name: t.name, arrivals: held.arrivals, more: held.more });
    }
  }

  /** Every conversation that started, as it is now, in the order of their keys (project, location, ID). */
  conversations(): ReadonlyArray<Conversation> {
    return [...this.tracked.entries()]
      .filter((e): e is [string, Tracked & { conversation: Conversation }] => e[1].conversation !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, t]) => t.conversation);
  }

  /** How many conversations the log named that never started (no fetched resource). */
  unfetched(): number {
    return [...this.tracked.values()].filter((t) => t.conversation === undefined).length;
  }

  private notification(n: Notification, arrival: Arrival): void {
    const key = conversationKey(n.conversation);
    let tracked = this.tracked.get(key);
    if (tracked?.conversation !== undefined) {
      const applied = applyNotification(tracked.conversation, n);
      if (isLeft(applied)) {
        this.invalid(arrival, [{ path: 'conversation', message: applied.left.message }], tracked.name, tracked.conversation);
        return;
      }
      tracked.conversation = applied.right.conversation;
      this.emit({ type: 'applied', arrival, conversation: applied.right.conversation, events: applied.right.events });
      return;
    }
    if (tracked === undefined) {
      tracked = { name: n.conversation };
      this.tracked.set(key, tracked);
    }
    tracked.held ??= { probe: probeFor(n.conversation), kept: [], arrivals: [], more: 0 };
    const held = tracked.held;
    const probed = applyNotification(held.probe, n);
    const news = !isLeft(probed) && probed.right.events.length > 0;
    if (news) {
      held.probe = probed.right.conversation;
      held.kept.push({ arrival, notification: n });
    }
    if (held.arrivals.length < HELD_LINES_LISTED) held.arrivals.push(arrival);
    else held.more++;
    this.emit({ type: 'held', arrival, name: tracked.name, news });
  }

  private fetched(resource: Conversation, arrival: Arrival): void {
    // decodeConversation and list pages require a name: every fetched conversation has one.
    const name = resource.name as ConversationName;
    const key = conversationKey(name);
    const tracked = this.tracked.get(key);
    if (tracked?.conversation === undefined) {
      let conversation = resource;
      const released: Released[] = [];
      const refused: Array<[Arrival, string]> = [];
      for (const { arrival: at, notification } of tracked?.held?.kept ?? []) {
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
