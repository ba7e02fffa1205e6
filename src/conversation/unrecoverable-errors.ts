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

/** Where `error` belongs in a sorted list: its index, and whether it is already there. */
const placeIn = (list: ReadonlyArray<UnrecoverableError>, error: UnrecoverableError): number => {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = compareUnrecoverableErrors(list[middle] as UnrecoverableError, error);
    if (order === 0) return -middle - 1;
    if (order < 0) low = middle + 1;
    else high = middle;
  }
  return low;
};

/** The most errors a chunk of a record holds. */
const CHUNK = 64;

const EMPTY: ReadonlyArray<UnrecoverableError> = Object.freeze([]);

/** A copy of an array, by a loop (`slice` on a frozen array takes V8's slow, generic path). */
const copyOf = <T>(items: ReadonlyArray<T>, from: number, to: number): T[] => {
  const out = new Array<T>(to - from);
  for (let i = from; i < to; i++) out[i - from] = items[i] as T;
  return out;
};

/**
 * @internal The recorded errors, sorted and distinct, as a persistent list: chunks of at most
 * {@link CHUNK} errors, in order. Adding an error copies one chunk and the list of chunks, so the
 * n-th distinct error costs about √n, not n; no chunk or list is changed once made (they are
 * private, so not frozen: V8 copies frozen arrays slowly). The flat, frozen array the public type
 * shows is made when first read, and kept.
 */
export class ErrorRecord {
  /** The flat array, once made (or the array this record was made from). */
  private flat: ReadonlyArray<UnrecoverableError> | undefined;

  private constructor(
    private readonly chunks: ReadonlyArray<ReadonlyArray<UnrecoverableError>>,
    readonly size: number,
    flat: ReadonlyArray<UnrecoverableError> | undefined,
  ) {
    this.flat = flat;
  }

  private static readonly fromArrays = new WeakMap<ReadonlyArray<UnrecoverableError>, ErrorRecord>();

  /** The record of a sorted, distinct, frozen array (as records give them): made once per array. */
  static of(sorted: ReadonlyArray<UnrecoverableError>): ErrorRecord {
    const known = ErrorRecord.fromArrays.get(sorted);
    if (known !== undefined) return known;
    const chunks: Array<ReadonlyArray<UnrecoverableError>> = [];
    for (let i = 0; i < sorted.length; i += CHUNK) chunks.push(copyOf(sorted, i, Math.min(sorted.length, i + CHUNK)));
    const record = new ErrorRecord(chunks, sorted.length, sorted);
    // Only a frozen array is remembered: nothing can change it behind the record's back.
    if (Object.isFrozen(sorted)) ErrorRecord.fromArrays.set(sorted, record);
    return record;
  }

  /** The chunk `error` belongs in: the first whose last error is not before it (or the last chunk). */
  private chunkOf(error: UnrecoverableError): number {
    let low = 0;
    let high = this.chunks.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const chunk = this.chunks[middle] as ReadonlyArray<UnrecoverableError>;
      if (compareUnrecoverableErrors(chunk[chunk.length - 1] as UnrecoverableError, error) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Whether the error is in the record. */
  has(error: UnrecoverableError): boolean {
    if (this.size === 0) return false;
    return placeIn(this.chunks[this.chunkOf(error)] as ReadonlyArray<UnrecoverableError>, error) < 0;
  }

  /** The record with `error` added in its place, or this very record when it is already there. */
  with(error: UnrecoverableError): ErrorRecord {
    if (this.size === 0) return new ErrorRecord([[error]], 1, undefined);
    const c = this.chunkOf(error);
    const chunk = this.chunks[c] as ReadonlyArray<UnrecoverableError>;
    const at = placeIn(chunk, error);
    if (at < 0) return this;
    const chunks = copyOf(this.chunks, 0, this.chunks.length);
    if (at === CHUNK && c === chunks.length - 1) {
      // After the last error of a full last chunk (errors mostly come in order): a new chunk.
      chunks.push([error]);
    } else {
      const grown = copyOf(chunk, 0, at);
      grown.push(error);
      for (let i = at; i < chunk.length; i++) grown.push(chunk[i] as UnrecoverableError);
      if (grown.length <= CHUNK) chunks[c] = grown;
      else {
        const half = grown.length >>> 1;
        chunks.splice(c, 1, grown.slice(0, half), grown.slice(half));
      }
    }
    return new ErrorRecord(chunks, this.size + 1, undefined);
  }

  /** The errors as one frozen array, in order: made on first use, then kept. */
  toArray(): ReadonlyArray<UnrecoverableError> {
    if (this.flat === undefined) {
      const out: UnrecoverableError[] = new Array<UnrecoverableError>(this.size);
      let o = 0;
      for (const chunk of this.chunks) for (let i = 0; i < chunk.length; i++) out[o++] = chunk[i] as UnrecoverableError;
      this.flat = this.size === 0 ? EMPTY : Object.freeze(out);
      ErrorRecord.fromArrays.set(this.flat, this);
    }
    return this.flat;
  }
}

/** @internal The empty record. */
export const NO_ERRORS: ErrorRecord = ErrorRecord.of(EMPTY);

/** @internal Where a conversation (or a draft of one) keeps its record, when it has one: hidden from its keys. */
export const ERROR_RECORD: unique symbol = Symbol('unrecoverableErrors');

/** @internal What holds a record: a conversation or a draft that has one under {@link ERROR_RECORD}. */
export interface HoldsErrorRecord {
  readonly [ERROR_RECORD]?: ErrorRecord | undefined;
  readonly unrecoverableErrors?: ReadonlyArray<UnrecoverableError> | undefined;
}

/**
 * @internal The record of a context: the one it holds, else one made from its array (for contexts
 * that are plain objects, as xstate's), `undefined` when it has none.
 */
export const errorRecordOf = (context: HoldsErrorRecord): ErrorRecord | undefined => {
  const held = context[ERROR_RECORD];
  if (held !== undefined) return held;
  const errors = context.unrecoverableErrors;
  return errors === undefined ? undefined : ErrorRecord.of(errors);
};

/** Whether the error is already in the record (a redelivered notification). */
export const isRecordedError = (recorded: ReadonlyArray<UnrecoverableError> | undefined, error: UnrecoverableError): boolean =>
  recorded !== undefined && ErrorRecord.of(recorded).has(error);

/**
 * The record with `error` added in its place, or the very same record when it is already there:
 * each distinct error counts once.
 */
export const withRecordedError = (
  recorded: ReadonlyArray<UnrecoverableError> | undefined,
  error: UnrecoverableError,
): ReadonlyArray<UnrecoverableError> => {
  const record = ErrorRecord.of(recorded ?? EMPTY);
  const next = record.with(error);
  return next === record ? (recorded ?? EMPTY) : next.toArray();
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
  let recorded: ErrorRecord | undefined;
  let ok = true;
  for (let i = 0; i < value.length; i++) {
    const error = readUnrecoverableError(value[i], issues, here, i);
    if (error === INVALID) ok = false;
    else recorded = (recorded ?? ErrorRecord.of(EMPTY)).with(error);
  }
  return ok ? recorded?.toArray() : INVALID;
};
