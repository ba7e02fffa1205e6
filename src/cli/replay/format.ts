import type { Conversation } from '../../conversation/conversation.js';
import type { ConversationDomainEvent } from '../../conversation/events.js';
import { type ConversationName, parseConversationName } from '../../wire/conversation-name.js';
import { formatIssue } from '../../wire/decode-error.js';
import { type Arrival, conversationKey, type ReplayStep } from './replayer.js';

const TIME = 24;
const WHERE = 4;
const WHAT = 49;

/** The timeline's first line, naming its columns. */
export const TIMELINE_HEADER = `${'TIME'.padEnd(TIME)}  ${'LINE'.padEnd(WHERE)}  ${'ARRIVED'.padEnd(WHAT)}  CONVERSATION  STATE AFTER  EVENTS\n`;

/** `IN_PROGRESS VIRTUAL_AGENT_STAGE version=0`. */
export const stateOf = (c: Conversation): string => `${c.lifecycleState} ${c.conversationStage} version=${c.version}`;

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

const row = (a: Arrival, label: string, rest: string): string =>
  `${(a.time ?? '-').padEnd(TIME)}  ${String(a.line).padEnd(WHERE)}  ${a.what.padEnd(WHAT)}  ${label}  ${rest}\n`;

/** Messages quote input; keep each report on its line. */
const oneLine = (s: string): string => (s.includes('\n') ? s.replace(/\r?\n/g, '\\n') : s);

/**
 * The timeline, step by step. Each line reads `TIME  LINE  ARRIVED  CONVERSATION  STATE  EVENTS`;
 * a bad line reads `... error: PATH: MESSAGE`, one line per problem, with paths into the line's
 * JSON. A conversation is shown by its ID (`c-20261123-0042`), or by its full name when an earlier
 * conversation of the log has the same ID (in another project or location), so that a label names
 * one conversation; the final state shows full names.
 */
export class Timeline {
  /** For each ID, the key of the first conversation shown by it. */
  private readonly byId = new Map<string, string>();

  /** How the conversation is shown. */
  label(name: ConversationName): string {
    const { id } = parseConversationName(name);
    const key = conversationKey(name);
    const first = this.byId.get(id);
    if (first === undefined) this.byId.set(id, key);
    return first === undefined || first === key ? id : name;
  }

  /** A step as text: one line, or one per problem for a bad line. */
  format(step: ReplayStep): string {
    switch (step.type) {
      case 'started': {
        const released = step.released.map((r) => `; held-back line ${r.arrival.line}: ${eventsText(r.events)}`).join('');
        return row(step.arrival, this.name(step.conversation), `${stateOf(step.conversation)}  started from this resource${released}`);
      }
      case 'applied':
        return row(step.arrival, this.name(step.conversation), `${stateOf(step.conversation)}  ${eventsText(step.events)}`);
      case 'held':
        return row(
          step.arrival,
          this.label(step.name),
          step.news
            ? 'held back: not fetched yet; applied once it is (the order of notifications does not matter)'
            : 'held back: not fetched yet; adds nothing to the notifications held',
        );
      case 'invalid': {
        const label = step.name === undefined ? '-' : this.label(step.name);
        const kept = step.kept === undefined ? '' : ` (kept: ${stateOf(step.kept)})`;
        return step.errors.map((e) => row(step.arrival, label, `error: ${oneLine(formatIssue(e))}${kept}`)).join('');
      }
      case 'unfetched': {
        const label = this.label(step.name);
        const rows = step.arrivals.map((a) =>
          row(a, label, 'error: never fetched in this log, so not applied: add its GetConversation body or a list page with it'),
        );
        if (step.more > 0)
          rows.push(`${'-'.padEnd(TIME)}  ${'…'.padEnd(WHERE)}  and ${step.more} more lines about ${step.name}, not applied\n`);
        return rows.join('');
      }
    }
  }

  private name(c: Conversation): string {
    return c.name === undefined ? '-' : this.label(c.name);
  }
}

/** The final state of each conversation, its name first, aligned. */
export const formatFinal = (conversations: ReadonlyArray<Conversation>): string => {
  if (conversations.length === 0) return 'Final state: no conversation was fetched.\n';
  const width = Math.max(...conversations.map((c) => (c.name ?? '').length));
  const lines = conversations.map((c) => {
    const errors = c.unrecoverableErrors?.length ?? 0;
    const extra = [
      ...(c.endTime === undefined ? [] : [`endTime=${c.endTime}`]),
      ...(errors === 0 ? [] : [`${errors} unrecoverable error${errors === 1 ? '' : 's'}`]),
    ];
    return `  ${(c.name ?? '').padEnd(width)}  ${stateOf(c)}${extra.length === 0 ? '' : `  ${extra.join('  ')}`}\n`;
  });
  return `Final state of ${conversations.length} conversation${conversations.length === 1 ? '' : 's'}:\n${lines.join('')}`;
};
