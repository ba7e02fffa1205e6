import * as t from 'io-ts';
import { markPreJoined, unreadableInput } from './decode-error.js';
import { type IssueSink, type Path, pathAt } from './issue.js';

export { pathAt };

/** What a reader returns when the value was invalid (the problem is already in the sink). */
export const INVALID: unique symbol = Symbol('invalid');
export type Invalid = typeof INVALID;

/**
 * The decoders' inner protocol: read one JSON value, return it decoded, or record every problem
 * and return {@link INVALID}. The path is passed as parent + key and only joined when a problem is
 * recorded, so the success path allocates nothing for paths.
 */
export type Reader<A> = (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined) => A | Invalid;

/** Reads a value as a standalone document, collecting its problems. */
export const runReader = <A>(read: Reader<A>, value: unknown): { readonly value: A | Invalid; readonly issues: IssueSink } => {
  const issues: IssueSink = [];
  let result: A | Invalid;
  try {
    result = read(value, issues, '', undefined);
  } catch (cause) {
    // Only hostile inputs get here (a getter or proxy that throws): report it, never rethrow.
    issues.push(unreadableInput(cause));
    result = INVALID;
  }
  if (result === INVALID && issues.length === 0) issues.push({ path: '', message: 'invalid value' });
  return { value: issues.length === 0 ? result : INVALID, issues };
};

/**
 * Wraps a reader and an encoder as an io-ts codec, so the library's codecs compose with any other
 * io-ts codec and report their problems with paths. Nothing it returns throws: `is` answers false
 * for a value it cannot read, and `encode`, given a value outside its type (only possible through a
 * cast or from JavaScript) that it cannot read, answers `undefined`.
 */
export const codecFromReader = <A, O>(
  name: string,
  is: (u: unknown) => u is A,
  read: Reader<A>,
  encode: (a: A) => O,
): t.Type<A, O, unknown> => {
  const codec: t.Type<A, O, unknown> = new t.Type<A, O, unknown>(
    name,
    (u): u is A => {
      try {
        return is(u);
      } catch {
        return false;
      }
    },
    (u, context) => {
      const { value, issues } = runReader(read, u);
      if (value !== INVALID) return t.success(value);
      return t.failures(
        issues.map((issue) => ({
          value: u,
          context: [...context, markPreJoined({ key: issue.path, type: codec, actual: u })],
          message: issue.message,
        })),
      );
    },
    (a) => {
      try {
        return encode(a);
      } catch {
        return undefined as O;
      }
    },
  );
  return codec;
};
