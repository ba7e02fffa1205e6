import { describe, type IssueSink, type Path, pathAt, stepInto } from '../wire/issue.js';
import { type JsonObject, readJsonObject } from '../wire/json-value.js';
import { readMessageObject, readString } from '../wire/message.js';
import { INVALID, type Invalid } from '../wire/reader.js';
import { compareTimestamps, isTimestamp, readTimestamp, type Timestamp } from '../wire/well-known-types.js';

/**
 * An unrecoverable error Dialogflow reported for a conversation (an `UNRECOVERABLE_ERROR`
 * notification, usually a telephony misconfiguration; Dialogflow may stop responding after one).
 * A conversation records each distinct one once, however often it is delivered.
 */
export interface UnrecoverableError {
  /** When Pub/Sub received the notification, if it came through Pub/Sub. */
  readonly publishTime?: Timestamp | undefined;
  /** The Pub/Sub message ID, if it came through Pub/Sub: the same for every redelivery of it. */
  readonly messageId?: string | undefined;
  /** The notification's `errorStatus`, a `google.rpc.Status` (`{ code, message, details }`), as canonical ProtoJSON. */
  readonly errorStatus?: JsonObject | undefined;
}

const compareOptional = (a: string | undefined, b: string | undefined, compare: (x: string, y: string) => number): number => {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  return compare(a, b);
};

const compareText = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/**
 * The order recorded errors are kept in: by `publishTime` (unknown first), then `messageId`, then
 * the status itself. A total order on distinct errors, so the record is the same whatever order
 * the notifications arrived in.
 */
export const compareUnrecoverableErrors = (a: UnrecoverableError, b: UnrecoverableError): number =>
  compareOptional(a.publishTime, b.publishTime, (x, y) => compareTimestamps(x as Timestamp, y as Timestamp)) ||
  compareOptional(a.messageId, b.messageId, compareText) ||
  compareOptional(
    a.errorStatus === undefined ? undefined : JSON.stringify(a.errorStatus),
    b.errorStatus === undefined ? undefined : JSON.stringify(b.errorStatus),
    compareText,
  );

/** Where `error` belongs in the sorted record: its index, and whether it is already there. */
const placeOf = (recorded: ReadonlyArray<UnrecoverableError>, error: UnrecoverableError): { at: number; found: boolean } => {
  let low = 0;
  let high = recorded.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = compareUnrecoverableErrors(recorded[middle] as UnrecoverableError, error);
    if (order === 0) return { at: middle, found: true };
    if (order < 0) low = middle + 1;
    else high = middle;
  }
  return { at: low, found: false };
};

/** Whether the error is already in the record (a redelivered notification). */
export const isRecordedError = (recorded: ReadonlyArray<UnrecoverableError> | undefined, error: UnrecoverableError): boolean =>
  recorded !== undefined && placeOf(recorded, error).found;

/**
 * The record with `error` added in its place, or the very same record when it is already there:
 * each distinct error counts once.
 */
export const withRecordedError = (
  recorded: ReadonlyArray<UnrecoverableError> | undefined,
  error: UnrecoverableError,
): ReadonlyArray<UnrecoverableError> => {
  const list = recorded ?? [];
  const { at, found } = placeOf(list, error);
  if (found) return list;
  return Object.freeze([...list.slice(0, at), error, ...list.slice(at)]);
};

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

const isJsonObject = (u: unknown): boolean => readJsonObject(u, [], '', undefined, 1, false) !== INVALID;

/**
 * Whether a value is an error in the form the record takes (what `toMachineEvent` gives): an
 * object of own fields, a canonical `publishTime`, a string `messageId`, a JSON object
 * `errorStatus`, each optional, nothing else.
 */
export const isUnrecoverableError = (u: unknown): u is UnrecoverableError => {
  if (!isRecord(u)) return false;
  for (const key of Object.keys(u)) {
    const value = u[key];
    if (value === undefined) continue;
    if (
      key === 'publishTime'
        ? !isTimestamp(value)
        : key === 'messageId'
          ? typeof value !== 'string'
          : key !== 'errorStatus' || !isJsonObject(value)
    ) {
      return false;
    }
  }
  return true;
};

/** Reads one recorded error as a machine snapshot holds it. */
const readUnrecoverableError = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
): UnrecoverableError | Invalid => {
  const source = readMessageObject('UnrecoverableError', value, issues, parent, key, 1);
  if (source === INVALID) return INVALID;
  const before = issues.length;
  const here = stepInto(parent, key);
  let publishTime: Timestamp | Invalid | undefined;
  let messageId: string | Invalid | undefined;
  let errorStatus: JsonObject | Invalid | undefined;
  for (const k of Object.keys(source)) {
    const item = source[k];
    if (item === undefined || item === null) continue;
    if (k === 'publishTime') publishTime = readTimestamp(item, issues, here, k);
    else if (k === 'messageId') messageId = readString(item, issues, here, k);
    else if (k === 'errorStatus') errorStatus = readJsonObject(item, issues, here, k, 2, false);
    else issues.push({ path: pathAt(here, k), message: 'is not a field of a recorded error (publishTime, messageId, errorStatus)' });
  }
  if (issues.length !== before) return INVALID;
  return Object.freeze({
    publishTime: publishTime as Timestamp | undefined,
    messageId: messageId as string | undefined,
    errorStatus: errorStatus as JsonObject | undefined,
  });
};

/**
 * @internal Reads the recorded errors of a machine snapshot: an array of `{ publishTime?,
 * messageId?, errorStatus? }`, returned distinct and sorted, whatever order they were stored in.
 */
export const readUnrecoverableErrors = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
): ReadonlyArray<UnrecoverableError> | undefined | Invalid => {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    issues.push({ path: pathAt(parent, key), message: `expected an array of recorded errors, got ${describe(value)}` });
    return INVALID;
  }
  const here = stepInto(parent, key);
  let recorded: ReadonlyArray<UnrecoverableError> | undefined;
  let ok = true;
  for (let i = 0; i < value.length; i++) {
    const error = readUnrecoverableError(value[i], issues, here, i);
    if (error === INVALID) ok = false;
    else recorded = withRecordedError(recorded, error);
  }
  return ok ? recorded : INVALID;
};
