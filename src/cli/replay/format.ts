import type { Conversation } from '../../conversation/conversation.js';
import type { ConversationDomainEvent } from '../../conversation/events.js';
import { notificationTypeEnum } from '../../notifications/notification-type.js';
import { type ConversationName, parseConversationName } from '../../wire/conversation-name.js';
import { formatIssue } from '../../wire/decode-error.js';
import type { Arrival, ReplayStep } from './replayer.js';

/*
 * The timeline's columns. Each has a fixed width, wide enough for anything it can hold, so that
 * every line of a streamed timeline lines up without knowing the lines to come; what has no bound
 * (the conversation, what happened, message IDs, paths and messages) comes last on the line.
 */
/** The widest canonical timestamp: `9999-12-31T23:59:59.999999999Z`. */
const TIME = 30;
/** Line numbers up to 999,999,999 (a log of a billion lines is hundreds of GB); a wider one pushes the rest right. */
const LINE = 9;
/** What arrived: a notification type and how it came (`HUMAN_INTERVENTION_NEEDED (notification)`), or a short word for a line. */
export const ARRIVED_WIDTH = Math.max(
  ...notificationTypeEnum().names.map((type) => `${type} (notification)`.length),
  'ListConversations page'.length,
);
const LIFECYCLE = Math.max(...(['IN_PROGRESS', 'COMPLETED'] satisfies Array<Conversation['lifecycleState']>).map((s) => s.length));
const STAGE = Math.max(
  ...(['VIRTUAL_AGENT_STAGE', 'HUMAN_ASSIST_STAGE'] satisfies Array<Conversation['conversationStage']>).map((s) => s.length),
);
/** `IN_PROGRESS VIRTUAL_AGENT_STAGE version=N`, for versions up to 999,999. */
const STATE = LIFECYCLE + 1 + STAGE + 1 + 'version=999999'.length;

/** The timeline's first line, naming its columns. */
export const TIMELINE_HEADER = `${'TIME'.padEnd(TIME)}  ${'LINE'.padStart(LINE)}  ${'ARRIVED'.padEnd(ARRIVED_WIDTH)}  ${'STATE AFTER'.padEnd(STATE)}  CONVERSATION  WHAT HAPPENED`;

/** `IN_PROGRESS VIRTUAL_AGENT_STAGE version=0`. */
export const stateOf = (c: Conversation): string => `${c.lifecycleState} ${c.conversationStage} version=${c.version}`;

/** The same in the timeline's STATE AFTER column: its parts lined up from one line to the next. */
const stateCell = (c: Conversation): string =>
  `${c.lifecycleState.padEnd(LIFECYCLE)} ${c.conversationStage.padEnd(STAGE)} version=${c.version}`;

/** One domain event, short: its type and what it carries that a reader looks for. */
export const eventText = (event: ConversationDomainEvent): string => {
  switch (event.type) {
    case 'ConversationCreated':
      return event.type;
    case 'ConversationHandedOff':
      return event.data.at === undefined ? event.type : `${event.type}(at=${event.data.at})`;
    case 'ConversationCompleted':
      return event.data.endTime === undefined ? event.type : `${event.type}(endTime=${event.data.endTime})`;
    case 'ConversationDataObserved': {
      const { name, startTime, endTime, phoneNumber, unknownFields } = event.data;
      const fields = [
        ...(name === undefined ? [] : [`name=${name}`]),
        ...(startTime === undefined ? [] : [`startTime=${startTime}`]),
        ...(endTime === undefined ? [] : [`endTime=${endTime}`]),
        ...(phoneNumber === undefined ? [] : ['phoneNumber']),
        ...Object.keys(unknownFields ?? {}),
      ];
      return `${event.type}(${fields.join(', ')})`;
    }
    case 'ConversationErrorRecorded': {
      const code = event.data.error.errorStatus?.code;
      return code === undefined ? event.type : `${event.type}(code=${String(code)})`;
    }
  }
};

/** The events a line caused, or `no change`. */
export const eventsText = (events: ReadonlyArray<ConversationDomainEvent>): string =>
  events.length === 0 ? 'no change' : events.map(eventText).join(', ');

/**
 * Where the line came from, after what happened: the page item (an error's path already starts
 * with it), or the push's message ID.
 */
const origin = (a: Arrival | undefined, error: boolean): string =>
  a?.item !== undefined && !error ? ` (${a.item})` : a?.messageId !== undefined ? ` (message ${a.messageId})` : '';

/** One line of the timeline; `undefined` for the line that counts more lines. */
const row = (a: Arrival | undefined, state: string, label: string, what: string, error = false): string =>
  `${(a?.time ?? '-').padEnd(TIME)}  ${(a === undefined ? '…' : String(a.line)).padStart(LINE)}  ${(a?.what ?? '-').padEnd(ARRIVED_WIDTH)}  ` +
  `${state.padEnd(STATE)}  ${label}  ${error ? 'error: ' : ''}${what}${origin(a, error)}`;

/**
 * The timeline, step by step. Each line reads `TIME  LINE  ARRIVED  STATE AFTER  CONVERSATION  WHAT
 * HAPPENED`; a bad line reads `... error: PATH: MESSAGE` instead of what happened, one line per
 * problem, with paths into the line's JSON. A conversation is shown by its ID (`c-20261123-0042`)
 * when it is in the project and location of the first conversation shown, by its full name
 * otherwise: each label names one conversation, and nothing has to be remembered per
 * conversation to keep it so. The final state shows full names.
 */
export class Timeline {
  /** `project/location` of the first conversation shown. */
  private home: string | undefined;

  /** How the conversation is shown. */
  label(name: ConversationName): string {
    const { project, location, id } = parseConversationName(name);
    const at = `${project}/${location ?? 'global'}`;
    this.home ??= at;
    return at === this.home ? id : name;
  }

  /** A step as lines of text (without their newlines): one, or one per problem or held-back line. */
  format(step: ReplayStep): string[] {
    switch (step.type) {
      case 'started': {
        const released = step.released.map((r) => `; held-back line ${r.arrival.line}: ${eventsText(r.events)}`).join('');
        return [row(step.arrival, stateCell(step.conversation), this.name(step.conversation), `started from this resource${released}`)];
      }
      case 'applied':
        return [
          row(
            step.arrival,
            stateCell(step.conversation),
            this.name(step.conversation),
            step.arrival.inert === undefined ? eventsText(step.events) : `no change: ${step.arrival.inert}`,
          ),
        ];
      case 'held':
        return [
          row(
            step.arrival,
            '-',
            this.label(step.name),
            step.news
              ? 'held back: not fetched yet; applied once it is (the order of notifications does not matter)'
              : 'held back: not fetched yet; adds nothing to the notifications held',
          ),
        ];
      case 'no-op':
        return [row(step.arrival, '-', this.label(step.name), 'not fetched yet, and changes nothing: not held')];
      case 'invalid': {
        const label = step.name === undefined ? '-' : this.label(step.name);
        const state = step.kept === undefined ? '-' : stateCell(step.kept);
        return step.errors.map((e) => row(step.arrival, state, label, formatIssue(e), true));
      }
      case 'unfetched':
        return this.lost(
          step.name,
          step.arrivals,
          step.more,
          'never fetched in this log, so not applied: add its GetConversation body or a list page with it',
          'never fetched, not applied',
        );
      case 'dropped':
        return this.lost(
          step.name,
          step.arrivals,
          step.more,
          `dropped, not applied: more than ${step.maxHeld} lines were held back, and this conversation had waited longest (see --max-held)`,
          'dropped',
        );
    }
  }

  /** The lines of a conversation whose held-back notifications are not applied, and how many more there were. */
  private lost(name: ConversationName, arrivals: ReadonlyArray<Arrival>, more: number, why: string, short: string): string[] {
    const label = this.label(name);
    const rows = arrivals.map((a) => row(a, '-', label, why, true));
    if (more > 0) rows.push(row(undefined, '-', label, `and ${more} more line${more === 1 ? '' : 's'} about it, ${short}`, true));
    return rows;
  }

  private name(c: Conversation): string {
    return c.name === undefined ? '-' : this.label(c.name);
  }
}

/** The final state of each conversation, its name first, aligned: a heading, then a line each. */
export function* finalLines(conversations: ReadonlyArray<Conversation>): Generator<string> {
  if (conversations.length === 0) {
    yield 'Final state: no conversation was fetched.';
    return;
  }
  let width = 0;
  for (const c of conversations) width = Math.max(width, (c.name ?? '').length);
  yield `Final state of ${conversations.length} conversation${conversations.length === 1 ? '' : 's'}:`;
  for (const c of conversations) {
    const errors = c.unrecoverableErrors?.length ?? 0;
    const extra = [
      ...(c.endTime === undefined ? [] : [`endTime=${c.endTime}`]),
      ...(errors === 0 ? [] : [`${errors} unrecoverable error${errors === 1 ? '' : 's'}`]),
    ];
    yield `  ${(c.name ?? '').padEnd(width)}  ${stateOf(c)}${extra.length === 0 ? '' : `  ${extra.join('  ')}`}`;
  }
}
