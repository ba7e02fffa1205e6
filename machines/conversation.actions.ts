import { type ObservedConversationData, observedDataChanges } from '../src/conversation/observed-data.js';
import {
  ERROR_RECORD,
  type ErrorRecord,
  errorRecordOf,
  NO_ERRORS,
  type UnrecoverableError,
} from '../src/conversation/unrecoverable-errors.js';
import { canonicalTimestampOf } from '../src/wire/well-known-types.js';
import type { ConversationMachineArgs, ConversationMachineContext } from './conversation.types.js';

/** What an action does: the context fields it changes. */
export type ContextUpdate = Partial<ConversationMachineContext>;

const NOTHING: ContextUpdate = Object.freeze({});

/**
 * Up to this many errors, a conversation holds its record as a plain frozen array; beyond, as a
 * persistent record behind an accessor. Conversations of two shapes make the aggregate's code
 * polymorphic (commands cost about a third more in a process that holds both), so only the rare
 * conversation with a long record takes the second shape.
 */
const SHORT_RECORD = 64;

/** Reads a record update's errors: made into an array only when read (xstate's `assign` reads it; the aggregate does not). */
function errorsOfUpdate(this: { readonly [ERROR_RECORD]: ErrorRecord }): ReadonlyArray<UnrecoverableError> {
  return this[ERROR_RECORD].toArray();
}

/** The update that records errors: `unrecoverableErrors` as the record's array, the record itself behind it. */
const recordUpdate = (record: ErrorRecord, version: number): ContextUpdate => {
  const update = { version };
  Object.defineProperty(update, ERROR_RECORD, { value: record });
  Object.defineProperty(update, 'unrecoverableErrors', { get: errorsOfUpdate, enumerable: true });
  return update;
};

/**
 * The machine's actions, as pure functions from the context and the event to the fields they
 * change. The machine wraps each in `assign` under its name; the aggregate's `evolve` calls the
 * same function by the same name, so a conversation changes in one way only.
 */
export const conversationActions = {
  /** One more change: the version grows by one. */
  countChange: ({ context }: ConversationMachineArgs): ContextUpdate => ({ version: context.version + 1 }),
  /** The handoff moved the stage: it is known from now on, no longer inferred from the profile. */
  recordHandOff: ({ context }: ConversationMachineArgs): ContextUpdate =>
    context.conversationStageInferred === undefined ? NOTHING : { conversationStageInferred: undefined },
  /** The completion's `at`, when known, becomes the end time (in UTC). */
  recordEndTime: ({ event }: ConversationMachineArgs): ContextUpdate => {
    const endTime = event.type === 'complete' ? canonicalTimestampOf(event.at) : undefined;
    return endTime === undefined ? NOTHING : { endTime };
  },
  // The two facts that carry data count their own change: whether a fact is new depends on the
  // context, and only a new one grows the version. The guards take facts only in the form the wire
  // format gives (conversation.guards.ts).
  /** Joins what a fetched resource reported and the conversation did not have; one change when anything is new. */
  recordObservedData: ({ context, event }: ConversationMachineArgs): ContextUpdate => {
    const changes = event.type === 'data.observed' ? observedDataChanges(context, event.data as ObservedConversationData) : undefined;
    return changes === undefined ? NOTHING : { ...changes, version: context.version + 1 };
  },
  /** Adds a reported error to the record, in its place; one change when it was not recorded yet. */
  recordUnrecoverableError: ({ context, event }: ConversationMachineArgs): ContextUpdate => {
    if (event.type !== 'error.observed') return NOTHING;
    const record = errorRecordOf(context);
    const recorded = (record ?? NO_ERRORS).with(event.error as UnrecoverableError);
    if (recorded === record) return NOTHING;
    // A short record is kept as its array (copying a few errors is cheap, and every conversation
    // keeps one shape); a long one as the record, its array made when read.
    return recorded.size <= SHORT_RECORD
      ? { unrecoverableErrors: recorded.toArray(), version: context.version + 1 }
      : recordUpdate(recorded, context.version + 1);
  },
};

/** The names of the actions above. */
export type ConversationActionName = keyof typeof conversationActions;
