import { joinUnrecoverableError } from '../../machines/joins.js';
import { describe, type IssueSink, type Path, pathAt, stepInto } from '../wire/issue.js';
import { type JsonObject, readJsonObject } from '../wire/json-value.js';
import { readMessageObject, readString } from '../wire/message.js';
import { INVALID, type Invalid } from '../wire/reader.js';
import { readTimestamp, type Timestamp } from '../wire/timestamp.js';
import type { UnrecoverableError } from './conversation.js';

/** @internal Reads one recorded error as a machine snapshot holds it. */
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
 * messageId?, errorStatus? }`, returned distinct and sorted (the join's order), whatever order they
 * were stored in.
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
    else recorded = joinUnrecoverableError(recorded, error) ?? recorded;
  }
  return ok ? recorded : INVALID;
};
