import type * as t from 'io-ts';
import { causeText, type DecodeIssue, describe, joinPath } from './issue.js';

/**
 * Why a value could not be decoded: every problem found, each with its path. Decoders collect all
 * problems rather than stopping at the first, so one round trip fixes an input.
 */
export interface DecodeError {
  readonly type: 'DecodeError';
  readonly errors: ReadonlyArray<DecodeIssue>;
  /** All problems, one per line, as `path: message`. */
  readonly message: string;
}

/** Renders one issue as `path: message` (the path is left out at the root). */
export const formatIssue = (issue: DecodeIssue): string => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`);

/**
 * Builds a {@link DecodeError} from a list of issues.
 *
 * @example
 * ```ts
 * const error = decodeError([{ path: 'startTime', message: 'expected an RFC 3339 timestamp, got 5' }]);
 * error.message; // 'startTime: expected an RFC 3339 timestamp, got 5'
 * ```
 */
export const decodeError = (errors: ReadonlyArray<DecodeIssue>): DecodeError =>
  Object.freeze({
    type: 'DecodeError' as const,
    errors: Object.freeze(errors.map((e) => Object.freeze({ path: e.path, message: e.message }))),
    message: errors.map(formatIssue).join('\n'),
  });

/** @internal The problem of an input that threw while being read (a hostile getter or proxy). */
export const unreadableInput = (cause: unknown): DecodeIssue => ({ path: '', message: `could not read the input: ${causeText(cause)}` });

/** @internal The problem of text that is not JSON, from `JSON.parse`'s own error. */
export const invalidJson = (cause: unknown): string => `invalid JSON: ${causeText(cause)}`;

/** @internal The problem of a version that cannot be one, or `undefined`. */
export const versionProblem = (version: unknown): string | undefined =>
  typeof version === 'number' && Number.isSafeInteger(version) && version >= 0
    ? undefined
    : `expected a whole number ≥ 0, got ${describe(version)}`;

/** Prefixes every issue's path with `parent`, for errors of an item inside a larger document. */
export const nestDecodeError = (parent: string | number, error: DecodeError): DecodeError =>
  decodeError(
    error.errors.map((e) => ({
      path: e.path === '' ? joinPath('', parent) : nestPath(parent, e.path),
      message: e.message,
    })),
  );

const nestPath = (parent: string | number, path: string): string => {
  const head = joinPath('', parent);
  return path.startsWith('[') ? `${head}${path}` : `${head}.${path}`;
};

/**
 * Context entries whose key is already a relative path (`phoneNumber.countryCode`), made by this
 * library's codecs; other io-ts codecs add one key per entry.
 */
const preJoinedEntries = new WeakSet<t.ContextEntry>();

/** Marks a context entry whose key is a whole relative path rather than one key. */
export const markPreJoined = (entry: t.ContextEntry): t.ContextEntry => {
  preJoinedEntries.add(entry);
  return entry;
};

const appendRelative = (path: string, relative: string): string => {
  if (relative === '') return path;
  if (path === '' || relative.startsWith('[')) return `${path}${relative}`;
  return `${path}.${relative}`;
};

/**
 * Turns io-ts validation errors (from this library's codecs or any io-ts codec composed with them)
 * into a {@link DecodeError} with dotted paths.
 *
 * @example
 * ```ts
 * const result = t.type({ at: Timestamp }).decode({ at: 'yesterday' });
 * if (isLeft(result)) fromValidationErrors(result.left).errors[0]?.path; // 'at'
 * ```
 */
export const fromValidationErrors = (errors: t.Errors): DecodeError => {
  try {
    return decodeError(errors.map(fromValidationError));
  } catch (cause) {
    // Not io-ts's errors (a cast, JavaScript): say so rather than throw.
    return decodeError([
      {
        path: '',
        message: `could not read the io-ts errors: ${describe(errors) === 'an array' ? causeText(cause) : `expected an array, got ${describe(errors)}`}`,
      },
    ]);
  }
};

const fromValidationError = (error: t.ValidationError): DecodeIssue => {
  let path = '';
  // The first entry is the root (key ''). io-ts repeats an entry with the same key and value for
  // unions, intersections and refinements; that adds nothing to a path.
  for (let i = 1; i < error.context.length; i++) {
    const entry = error.context[i];
    const previous = error.context[i - 1];
    if (entry === undefined) continue;
    if (preJoinedEntries.has(entry)) {
      path = appendRelative(path, entry.key);
      continue;
    }
    if (entry.key === '' || (previous?.key === entry.key && previous.actual === entry.actual)) continue;
    const index = Array.isArray(previous?.actual) && /^\d+$/.test(entry.key) ? Number(entry.key) : entry.key;
    path = joinPath(path, index);
  }
  const last = error.context[error.context.length - 1];
  const message = error.message ?? `expected ${last?.type.name ?? 'a valid value'}, got ${describe(error.value)}`;
  return { path, message };
};
