import * as E from 'fp-ts/lib/Either.js';
import type { Conversation } from './conversation.js';
import { type ConversationCommand, type CreateConversationInput, decide, decideAndApply, evolve } from './decider.js';
import type { ConversationError } from './errors.js';
import type { ConversationChange, ConversationDomainEvent } from './events.js';

/** @internal Runs a command: decide its events, then evolve the conversation through them. */
export const run = (command: ConversationCommand, state: Conversation | undefined): E.Either<ConversationError, ConversationChange> => {
  const decided = decide(command, state);
  if (E.isLeft(decided)) return decided;
  const events: ReadonlyArray<ConversationDomainEvent> = decided.right;
  let conversation = state;
  for (const event of events) conversation = evolve(conversation, event);
  // decide() only returns no events for an existing conversation, so this is always set.
  return E.right({ conversation: conversation as Conversation, events });
};

/**
 * Starts a conversation, as CreateConversation does: `IN_PROGRESS`, in the stage the machine picks
 * from the profile and the request, at version 1.
 *
 * @example
 * ```ts
 * const result = createConversation({
 *   conversationProfile: 'projects/acme/conversationProfiles/support',
 *   virtualAgent: true,
 *   startTime: '2026-11-23T10:00:00Z',
 * });
 * // right({ conversation: { conversationStage: 'VIRTUAL_AGENT_STAGE', ... }, events: [ConversationCreated] })
 * ```
 */
export const createConversation = (input: CreateConversationInput): E.Either<ConversationError, ConversationChange> =>
  run({ type: 'CreateConversation', input }, undefined);

/**
 * Hands the conversation from the virtual agent to a human agent (`VIRTUAL_AGENT_STAGE` →
 * `HUMAN_ASSIST_STAGE`). Handing off again while in progress is accepted and changes nothing (no
 * events, same version), so a backend can retry its own command; refused once `COMPLETED`.
 *
 * @example
 * ```ts
 * handOff(conversation, '2026-11-23T10:05:00Z'); // right({ conversation, events: [ConversationHandedOff] })
 * ```
 */
export const handOff = (conversation: Conversation, at?: string): E.Either<ConversationError, ConversationChange> =>
  conversation === undefined ? run({ type: 'HandOff', at }, conversation) : decideAndApply({ type: 'HandOff', at }, conversation);

/**
 * Completes the conversation at `at`, which becomes its `endTime`. Completing a completed
 * conversation is accepted and changes nothing (no events, same version), as Dialogflow accepts
 * repeated CompleteConversation calls.
 *
 * @example
 * ```ts
 * complete(conversation, '2026-11-23T10:30:00Z'); // right({ conversation: { lifecycleState: 'COMPLETED', ... }, events })
 * ```
 */
export const complete = (conversation: Conversation, at: string): E.Either<ConversationError, ConversationChange> =>
  conversation === undefined ? run({ type: 'Complete', at }, conversation) : decideAndApply({ type: 'Complete', at }, conversation);

/**
 * Brings a local conversation up to a freshly fetched resource (GetConversation, or an item of a
 * ListConversations page). Forward moves become the same events the commands make (a handoff, then
 * the completion with the server's end time); output-only data the local conversation lacks (its
 * name, the end time, the phone number, kept fields) comes as one `ConversationDataObserved`. Each
 * change grows the version by one; a resource that brings nothing new returns the same
 * conversation and no events. A resource that is behind or contradicts the local conversation is
 * refused (`Regression`, naming each field), and the local conversation is kept.
 *
 * @example
 * ```ts
 * const fetched = decodeConversation(await (await fetch(url)).json());
 * if (isRight(fetched)) observe(local, fetched.right); // right({ conversation, events: [ConversationCompleted] })
 * ```
 */
export const observe = (local: Conversation, remote: Conversation): E.Either<ConversationError, ConversationChange> =>
  run({ type: 'Observe', remote }, local);
