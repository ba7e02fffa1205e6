import { type Either, isLeft, isRight } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import type { DecodeError, Notification } from '../src/index.js';
import type { ConversationEventNotification } from '../src/notifications/index.js';
import { fromValidationErrors } from '../src/wire/index.js';

/** The decoded value, or a test failure that shows the errors. */
export const right = <E, A>(result: Either<E, A>): A => {
  if (isLeft(result)) throw new Error(`expected a success, got ${JSON.stringify(result.left, null, 2)}`);
  return result.right;
};

/** The error, or a test failure that shows what was accepted. */
export const left = <E, A>(result: Either<E, A>): E => {
  if (isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right, null, 2)}`);
  return result.left;
};

/** Decodes with an io-ts codec into the value or the DecodeError. */
export const viaCodec = <A, O>(codec: t.Type<A, O, unknown>, u: unknown): Either<DecodeError, A> => {
  const result = codec.decode(u);
  return isLeft(result) ? { _tag: 'Left', left: fromValidationErrors(result.left) } : result;
};

/** Reads a fixture from test/fixtures as text. */
export const fixture = async (name: string): Promise<string> => {
  const { readFile } = await import('node:fs/promises');
  return readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
};

/** A decoded ConversationEvent notification, or a test failure (a suggestion notification, an error). */
export const event = (result: Either<DecodeError, Notification>): ConversationEventNotification => {
  const n = right(result);
  if (n.kind !== 'ConversationEvent') throw new Error(`expected a ConversationEvent, got ${JSON.stringify(n)}`);
  return n;
};
