import { causeText as coreCauseText, describe } from './core.js';

export { describe };

/**
 * What went wrong in the store, said for a person: `message` names where and what.
 *
 * - `unavailable`: the database did not answer, or refused the statement (retry later);
 * - `missing-package`: an optional package this needs is not installed (`message` says which);
 * - `schema`: the database was migrated by a newer version of this library, or the schema name is not one;
 * - `unreadable`: a stored snapshot could not be read back (damaged, or written by a newer version of this library);
 * - `invalid`: the call itself is wrong (a conversation without a name, events that do not match its version).
 */
export interface StoreError {
  readonly kind: 'unavailable' | 'missing-package' | 'schema' | 'unreadable' | 'invalid';
  readonly message: string;
}

/** @internal */
export const storeError = (kind: StoreError['kind'], message: string): StoreError => Object.freeze({ kind, message });

/** @internal The first line of what a thrown value says. Never throws, whatever was thrown. */
export const causeText = (cause: unknown): string => {
  const text = coreCauseText(cause) || (cause instanceof Error ? cause.name : '');
  const line = text.split('\n')[0] ?? text;
  let code: unknown;
  try {
    code = cause instanceof Error ? (cause as { code?: unknown }).code : undefined;
  } catch {
    code = undefined;
  }
  // Node's network errors say the address but not always the code; a driver error's code is its SQLSTATE.
  return typeof code === 'string' && code !== '' && !line.includes(code) ? `${line} (${code})` : line;
};

/** @internal A log that never throws: a log of yours that fails must not change an answer or stop a loop. */
export const quietLog =
  (log: unknown): ((line: string) => void) =>
  (line) => {
    try {
      if (typeof log === 'function') log(line);
    } catch {
      // Nothing to tell, and nowhere to tell it.
    }
  };

/** @internal Whether an import failed because the package is not installed (not because it is broken). */
export const isMissingModule = (cause: unknown): boolean => {
  let code: unknown;
  try {
    code = (cause as { code?: unknown } | null)?.code;
  } catch {
    return false;
  }
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
};

/** @internal */
export const missingPackage = (name: string, what: string): StoreError =>
  storeError('missing-package', `${what} needs the optional package ${name}: run npm install ${name}`);
