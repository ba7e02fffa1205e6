import { isLeft } from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import {
  type Conversation,
  type ConversationCommand,
  type ConversationDomainEvent,
  type ConversationError,
  decide,
  evolve,
} from '../src/index.js';

/**
 * Given/when/then for the conversation decider, in the style of emmett's DeciderSpecification:
 * given past events, when a command, then the new events (or an error).
 */
export const given = (...history: ReadonlyArray<ConversationDomainEvent>) => {
  const state = history.reduce<Conversation | undefined>((c, e) => evolve(c, e), undefined);
  return {
    state,
    when: (command: ConversationCommand) => {
      const result = decide(command, state);
      return {
        // biome-ignore lint/suspicious/noThenProperty: emmett's given/when/then wording; this object is never awaited.
        then: (...expected: ReadonlyArray<ConversationDomainEvent>): Conversation | undefined => {
          if (isLeft(result)) throw new Error(`expected events, got ${JSON.stringify(result.left)}`);
          expect(result.right).toEqual(expected);
          return result.right.reduce<Conversation | undefined>((c, e) => evolve(c, e), state);
        },
        thenFails: (expected: Partial<ConversationError>): ConversationError => {
          if (!isLeft(result)) throw new Error(`expected an error, got ${JSON.stringify(result.right)}`);
          expect(result.left).toMatchObject(expected);
          return result.left;
        },
      };
    },
  };
};
