import { conversationNameKind } from '../src/wire/conversation-name.js';
import { type JsonObject, readJsonObject } from '../src/wire/json-value.js';
import { readPhoneNumber } from '../src/wire/phone-number.js';
import { INVALID } from '../src/wire/reader.js';
import { compareTimestamps, isTimestamp, type Timestamp } from '../src/wire/timestamp.js';

/**
 * How facts that carry data are joined into a conversation: the output-only data of a fetched
 * resource, and the unrecoverable errors Dialogflow reports. The machine's actions and the
 * aggregate's `evolve` both call these functions, so there is one policy, stated once.
 *
 * Each join returns `undefined` when the fact brings nothing new: the caller then keeps the very
 * same state, and the version does not grow.
 */

/** An unrecoverable error Dialogflow reported (an `UNRECOVERABLE_ERROR` notification), as JSON. */
export interface UnrecoverableErrorRecord {
  /** When Pub/Sub received the notification (RFC 3339, canonical), if known. */
  readonly publishTime?: string | undefined;
  /** The Pub/Sub message ID, if known: the same for every redelivery of one notification. */
  readonly messageId?: string | undefined;
  /** The notification's `errorStatus` (a `google.rpc.Status`) as canonical ProtoJSON. */
  readonly errorStatus?: JsonObject | undefined;
}

const compareOptional = (a: string | undefined, b: string | undefined, compare: (x: string, y: string) => number): number => {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  return compare(a, b);
};

const compareText = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/**
 * The order in which recorded errors are kept: by `publishTime` (unknown first), then `messageId`,
 * then the status itself. A total order on distinct errors, so the recorded list is the same
 * whatever order the notifications arrived in.
 *
 * @internal
 */
export const compareUnrecoverableErrors = (a: UnrecoverableErrorRecord, b: UnrecoverableErrorRecord): number =>
  compareOptional(a.publishTime, b.publishTime, (x, y) => compareTimestamps(x as Timestamp, y as Timestamp)) ||
  compareOptional(a.messageId, b.messageId, compareText) ||
  compareOptional(
    a.errorStatus === undefined ? undefined : JSON.stringify(a.errorStatus),
    b.errorStatus === undefined ? undefined : JSON.stringify(b.errorStatus),
    compareText,
  );

/**
 * Adds an error to the sorted set of recorded ones; `undefined` when it is already there (a
 * redelivered notification), so each distinct error counts as exactly one change.
 *
 * @internal
 */
export const joinUnrecoverableError = <E extends UnrecoverableErrorRecord>(
  recorded: ReadonlyArray<E> | undefined,
  error: E,
): ReadonlyArray<E> | undefined => {
  const list = recorded ?? [];
  let at = 0;
  while (at < list.length) {
    const order = compareUnrecoverableErrors(list[at] as E, error);
    if (order === 0) return undefined;
    if (order > 0) break;
    at++;
  }
  return Object.freeze([...list.slice(0, at), error, ...list.slice(at)]);
};

/** Output-only data of a conversation, as a fetched resource reports it. */
export interface ObservedFields<P> {
  readonly name?: string | undefined;
  readonly startTime?: string | undefined;
  readonly endTime?: string | undefined;
  readonly phoneNumber?: P | undefined;
  readonly unknownFields?: JsonObject | undefined;
}

/** @internal Deep equality of JSON values (key order included, as it decides the output). */
export const sameJson = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * Joins observed data into the current data. Absent means "not reported": it never erases.
 * - `name` is taken when the conversation has none yet (a conversation is named once);
 * - `startTime`, `phoneNumber` and the kept fields are the server's: its value is taken;
 * - `endTime` only moves later (an earlier one is a regression, which `observe` refuses).
 *
 * Returns the fields that change, or `undefined` when nothing does.
 *
 * @internal
 */
export const joinObservedData = <P>(
  current: ObservedFields<P>,
  observed: ObservedFields<P>,
  samePhoneNumber: (a: P, b: P) => boolean,
): ObservedFields<P> | undefined => {
  const changed: {
    name?: string;
    startTime?: string;
    endTime?: string;
    phoneNumber?: P;
    unknownFields?: JsonObject;
  } = {};
  let any = false;
  if (observed.name !== undefined && current.name === undefined) {
    changed.name = observed.name;
    any = true;
  }
  if (observed.startTime !== undefined && observed.startTime !== current.startTime) {
    changed.startTime = observed.startTime;
    any = true;
  }
  if (
    observed.endTime !== undefined &&
    (current.endTime === undefined || compareTimestamps(observed.endTime as Timestamp, current.endTime as Timestamp) > 0)
  ) {
    changed.endTime = observed.endTime;
    any = true;
  }
  if (
    observed.phoneNumber !== undefined &&
    (current.phoneNumber === undefined || !samePhoneNumber(current.phoneNumber, observed.phoneNumber))
  ) {
    changed.phoneNumber = observed.phoneNumber;
    any = true;
  }
  if (observed.unknownFields !== undefined && !sameJson(current.unknownFields, observed.unknownFields)) {
    changed.unknownFields = observed.unknownFields;
    any = true;
  }
  return any ? changed : undefined;
};

// What the joins take: the forms `toMachineEvent` gives. The machine refuses facts in any other form,
// so its context never holds what the wire format would reject.

const isJsonObject = (u: unknown): boolean => readJsonObject(u, [], '', undefined, 1, false) !== INVALID;

/** Whether `u` is an object whose fields are each undefined or pass their check (and have one). */
const fieldsPass = (u: unknown, checks: Readonly<Record<string, (value: unknown) => boolean>>): boolean => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
  for (const [key, value] of Object.entries(u)) {
    if (value === undefined) continue;
    const check = Object.hasOwn(checks, key) ? checks[key] : undefined;
    if (check === undefined || !check(value)) return false;
  }
  return true;
};

const OBSERVED_DATA: Readonly<Record<string, (value: unknown) => boolean>> = {
  name: conversationNameKind.is,
  startTime: isTimestamp,
  endTime: isTimestamp,
  phoneNumber: (value) => readPhoneNumber(value, [], '', undefined, 1, false) !== INVALID,
  unknownFields: isJsonObject,
};

const UNRECOVERABLE_ERROR: Readonly<Record<string, (value: unknown) => boolean>> = {
  publishTime: isTimestamp,
  messageId: (value) => typeof value === 'string',
  errorStatus: isJsonObject,
};

/**
 * @internal Whether observed data is in the form the joins take: a conversation name, canonical
 * timestamps, a `ConversationPhoneNumber` and a JSON object of kept fields, each optional.
 */
export const isObservedData = (data: unknown): boolean => fieldsPass(data, OBSERVED_DATA);

/**
 * @internal Whether a reported error is in the form the join takes: a canonical `publishTime`, a
 * string `messageId` and a JSON object `errorStatus`, each optional.
 */
export const isUnrecoverableErrorRecord = (error: unknown): boolean => fieldsPass(error, UNRECOVERABLE_ERROR);
