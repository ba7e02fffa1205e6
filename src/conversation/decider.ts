import * as E from 'fp-ts/lib/Either.js';
import { getInitialSnapshot } from 'xstate';
import {
  ConversationInputError,
  type ConversationMachineInput,
  conversationMachine,
  StartingStageError,
} from '../../machines/conversation.machine.js';
import { decideNotification } from '../notifications/decide.js';
import type { Notification } from '../notifications/notification.js';
import type { ConversationName } from '../wire/conversation-name.js';
import type { ConversationProfileName } from '../wire/conversation-profile-name.js';
import type { ConversationStage } from '../wire/conversation-stage.js';
import type { IssueSink } from '../wire/issue.js';
import { causeText } from '../wire/issue.js';
import { INVALID } from '../wire/reader.js';
import { compareTimestamps, readTimestamp, type Timestamp } from '../wire/well-known-types.js';
import { type Conversation, makeConversation } from './conversation.js';
import { type ConversationError, illegalCommand, invalidArgument } from './errors.js';
import {
  type ConversationChange,
  type ConversationCompleted,
  type ConversationCreated,
  type ConversationDomainEvent,
  type ConversationHandedOff,
  toMachineEvent,
} from './events.js';
import { decideObserve } from './observe.js';
import { answer, step } from './rules.js';

/**
 * What a CreateConversation call is made with, and what the profile offers: the machine's own
 * input, which the machine checks (`startTime` may use any offset).
 */
export type CreateConversationInput = ConversationMachineInput;

/**
 * What can be asked of a conversation: the backend's commands, and the two ways Dialogflow tells it
 * what happened (a notification, a fetched resource).
 */
export type ConversationCommand =
  | { readonly type: 'CreateConversation'; readonly input: CreateConversationInput }
  | { readonly type: 'HandOff'; readonly at?: string | undefined }
  | { readonly type: 'Complete'; readonly at: string }
  | { readonly type: 'ApplyNotification'; readonly notification: Notification }
  | { readonly type: 'Observe'; readonly remote: Conversation };

const COMMAND_NAMES = {
  HandOff: 'handOff',
  Complete: 'complete',
  ApplyNotification: 'applyNotification',
  Observe: 'observe',
} as const;

const NO_EVENTS: ReadonlyArray<ConversationDomainEvent> = Object.freeze([]);

/** Reads an `at` argument: RFC 3339 (kept in UTC), and not before the conversation started. */
const readAt = (at: unknown, startTime: Timestamp, issues: IssueSink): Timestamp | undefined => {
  const ts = readTimestamp(at, issues, '', 'at');
  if (ts === INVALID) return undefined;
  if (compareTimestamps(ts, startTime) < 0) {
    issues.push({ path: 'at', message: `${ts} is before the conversation's startTime ${startTime}` });
    return undefined;
  }
  return ts;
};

/** The machine starts the conversation: it checks the input and picks the starting stage. */
const decideCreate = (input: CreateConversationInput): E.Either<ConversationError, ReadonlyArray<ConversationDomainEvent>> => {
  const snapshot = getInitialSnapshot(conversationMachine, input);
  if (snapshot.status === 'error') {
    const error = snapshot.error;
    if (error instanceof StartingStageError)
      return E.left(Object.freeze({ type: 'VirtualAgentUnavailable' as const, message: error.message }));
    if (error instanceof ConversationInputError) return E.left(invalidArgument(error.issues));
    return E.left(invalidArgument([{ path: '', message: causeText(error) }]));
  }
  const { context } = snapshot;
  const created: ConversationCreated = Object.freeze({
    type: 'ConversationCreated' as const,
    data: Object.freeze({
      conversation: context.name,
      conversationProfile: context.conversationProfile,
      conversationStage: (snapshot.value as { stage: ConversationStage }).stage,
      startTime: context.startTime,
      virtualAgent: context.virtualAgent,
      requestedConversationStage: context.requestedConversationStage,
    }),
  });
  return E.right(Object.freeze([created]));
};

type CommandOnConversation = Extract<ConversationCommand, { type: 'HandOff' | 'Complete' }>;

/** The one event a command that changes the conversation causes. */
const commandEvent = (
  command: CommandOnConversation,
  state: Conversation,
  at: Timestamp | undefined,
): ReadonlyArray<ConversationDomainEvent> => {
  const event: ConversationHandedOff | ConversationCompleted =
    command.type === 'HandOff'
      ? { type: 'ConversationHandedOff', data: Object.freeze({ conversation: state.name, at }) }
      : { type: 'ConversationCompleted', data: Object.freeze({ conversation: state.name, endTime: at }) };
  return Object.freeze([Object.freeze(event)]);
};

/**
 * A backend's command, asked of the machine: refused, accepted with no change, or one event; with
 * `build`, the conversation the machine's transition makes too (what `run` keeps, so that a command
 * runs the machine once rather than once to decide and once more to evolve). Without `build`, the
 * change's conversation is the given one.
 */
const decideCommand = (
  command: CommandOnConversation,
  state: Conversation,
  build: boolean,
): E.Either<ConversationError, ConversationChange> => {
  let at: Timestamp | undefined;
  if (command.at !== undefined || command.type !== 'HandOff') {
    const issues: IssueSink = [];
    at = readAt(command.at, state.startTime, issues);
    if (at === undefined) return E.left(invalidArgument(issues));
  }
  const machineEvent = { type: command.type === 'HandOff' ? ('handOff' as const) : ('complete' as const), at };
  if (build) {
    const taken = step(state, machineEvent);
    if (!taken.allowed) return E.left(illegalCommand(COMMAND_NAMES[command.type], state.lifecycleState, state.conversationStage));
    const next = taken.next;
    return E.right({ conversation: next, events: next === state ? NO_EVENTS : commandEvent(command, state, at) });
  }
  const answered = answer(state, machineEvent);
  if (answered === 'refused') return E.left(illegalCommand(COMMAND_NAMES[command.type], state.lifecycleState, state.conversationStage));
  return E.right({ conversation: state, events: answered === 'unchanged' ? NO_EVENTS : commandEvent(command, state, at) });
};

/** What only hostile values cause (a getter or proxy that throws): reported, never rethrown. */
const unreadable = (cause: unknown): E.Either<ConversationError, never> =>
  E.left(invalidArgument([{ path: '', message: `could not read the command or the conversation: ${causeText(cause)}` }]));

/**
 * @internal `HandOff` or `Complete` on a conversation, decided and applied in one pass of the
 * machine: the events `decide` gives, and the conversation `evolve` would make of them (the
 * command's transition and the event's have the same actions; `test/commands.test.ts` checks the
 * two agree).
 */
export const decideAndApply = (command: CommandOnConversation, state: Conversation): E.Either<ConversationError, ConversationChange> => {
  try {
    return decideCommand(command, state, true);
  } catch (cause) {
    return unreadable(cause);
  }
};

/**
 * Decides what a command does to a conversation: the domain events it causes (none when it changes
 * nothing), or why it is refused. Pure; the machine's rules decide what is legal. Never throws:
 * what it cannot read is an `InvalidArgument`.
 *
 * @example
 * ```ts
 * decide({ type: 'HandOff' }, conversation); // right([{ type: 'ConversationHandedOff', ... }])
 * ```
 */
export const decide = (
  command: ConversationCommand,
  state: Conversation | undefined,
): E.Either<ConversationError, ReadonlyArray<ConversationDomainEvent>> => {
  try {
    if (command.type === 'CreateConversation') {
      if (state !== undefined) return E.left(illegalCommand('createConversation', state.lifecycleState, state.conversationStage));
      return decideCreate(command.input);
    }
    const commandName = COMMAND_NAMES[command.type];
    if (commandName === undefined)
      return E.left(
        invalidArgument([
          { path: 'type', message: 'expected a command: CreateConversation, HandOff, Complete, ApplyNotification or Observe' },
        ]),
      );
    if (state === undefined) {
      return E.left(
        Object.freeze({
          type: 'ConversationMissing' as const,
          command: commandName,
          message: `${commandName} needs a conversation; create or decode one first`,
        }),
      );
    }
    if (command.type === 'ApplyNotification') return decideNotification(command.notification, state);
    if (command.type === 'Observe') return decideObserve(command.remote, state);
    const decided = decideCommand(command, state, false);
    return E.isLeft(decided) ? decided : E.right(decided.right.events);
  } catch (cause) {
    return unreadable(cause);
  }
};

/**
 * Applies a domain event to a conversation and returns the next one (version + 1), or the same one
 * when the event changes nothing. Events are facts: the machine's rules for facts apply, so a
 * handoff is taken whatever the lifecycle (it happened before the end). `ConversationCreated` makes
 * a conversation; any other event needs one, and without it `undefined` stays `undefined`. Never
 * throws: what is not a domain event changes nothing.
 *
 * @example
 * ```ts
 * const conversation = events.reduce(evolve, undefined);
 * ```
 */
export function evolve(state: undefined, event: ConversationCreated): Conversation;
export function evolve(state: Conversation, event: ConversationDomainEvent): Conversation;
export function evolve(state: Conversation | undefined, event: ConversationDomainEvent): Conversation | undefined;
export function evolve(state: Conversation | undefined, event: ConversationDomainEvent): Conversation | undefined {
  try {
    if (event.type === 'ConversationCreated') {
      const { data } = event;
      return makeConversation(
        {
          name: data.conversation as ConversationName | undefined,
          lifecycleState: 'IN_PROGRESS',
          conversationProfile: data.conversationProfile as ConversationProfileName,
          startTime: data.startTime,
          conversationStage: data.conversationStage,
          virtualAgent: data.virtualAgent,
          requestedConversationStage: data.requestedConversationStage,
        },
        (state?.version ?? 0) + 1,
      );
    }
    if (state === undefined) return undefined;
    const machineEvent = toMachineEvent(event);
    return machineEvent === undefined ? state : step(state, machineEvent).next;
  } catch {
    return state;
  }
}
