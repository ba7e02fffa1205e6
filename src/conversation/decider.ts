import * as E from 'fp-ts/lib/Either.js';
import { getInitialSnapshot } from 'xstate';
import {
  type ConversationMachineInput,
  type ConversationStage,
  conversationMachine,
  StartingStageError,
} from '../../machines/conversation.machine.js';
import { joinObservedData, joinUnrecoverableError } from '../../machines/joins.js';
import { decideNotification } from '../notifications/decide.js';
import type { Notification } from '../notifications/notification.js';
import { type ConversationName, conversationNameKind } from '../wire/conversation-name.js';
import { conversationProfileNameKind } from '../wire/conversation-profile-name.js';
import { describe, type IssueSink } from '../wire/issue.js';
import { type ConversationPhoneNumber, samePhoneNumber } from '../wire/phone-number.js';
import { INVALID } from '../wire/reader.js';
import { compareTimestamps, readTimestamp, type Timestamp } from '../wire/timestamp.js';
import { type Conversation, type ConversationFields, makeConversation } from './conversation.js';
import { type ConversationError, illegalCommand, invalidArgument } from './errors.js';
import type {
  ConversationCompleted,
  ConversationCreated,
  ConversationDataObserved,
  ConversationDomainEvent,
  ConversationErrorRecorded,
  ConversationHandedOff,
} from './events.js';
import { decideObserve } from './observe.js';
import { type Rule, ruleFor } from './rules.js';

/**
 * What a CreateConversation call is made with, and what the profile offers: the machine's own
 * input, checked here with the wire format's rules (`startTime` may use any offset).
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

/** Reads an optional `at` argument: canonical, and not before the conversation started. */
const readAt = (at: unknown, startTime: Timestamp | undefined, issues: IssueSink): Timestamp | undefined => {
  const ts = readTimestamp(at, issues, '', 'at');
  if (ts === INVALID) return undefined;
  if (startTime !== undefined && compareTimestamps(ts, startTime) < 0) {
    issues.push({ path: 'at', message: `${ts} is before the conversation's startTime ${startTime}` });
    return undefined;
  }
  return ts;
};

const STAGE_CHOICES: ReadonlyArray<unknown> = ['VIRTUAL_AGENT_STAGE', 'HUMAN_ASSIST_STAGE', undefined];

const decideCreate = (input: CreateConversationInput): E.Either<ConversationError, ReadonlyArray<ConversationDomainEvent>> => {
  const issues: IssueSink = [];
  const profile = conversationProfileNameKind.read(input.conversationProfile, issues, '', 'conversationProfile');
  const name = input.name === undefined ? undefined : conversationNameKind.read(input.name, issues, '', 'name');
  const startTime = readTimestamp(input.startTime, issues, '', 'startTime');
  if (typeof input.virtualAgent !== 'boolean') {
    issues.push({ path: 'virtualAgent', message: `expected a boolean, got ${describe(input.virtualAgent)}` });
  }
  if (!STAGE_CHOICES.includes(input.conversationStage)) {
    issues.push({
      path: 'conversationStage',
      message: `expected VIRTUAL_AGENT_STAGE or HUMAN_ASSIST_STAGE, got ${describe(input.conversationStage)}`,
    });
  }
  if (issues.length > 0 || profile === INVALID || name === INVALID || startTime === INVALID) {
    return E.left(invalidArgument(issues));
  }
  // The machine decides the starting stage, and refuses a virtual agent stage the profile lacks.
  const snapshot = getInitialSnapshot(conversationMachine, {
    conversationProfile: profile,
    virtualAgent: input.virtualAgent,
    conversationStage: input.conversationStage,
    name,
    startTime,
  });
  if (snapshot.status === 'error') {
    const error = snapshot.error;
    return E.left(
      error instanceof StartingStageError
        ? Object.freeze({ type: 'VirtualAgentUnavailable' as const, message: error.message })
        : invalidArgument([{ path: '', message: error instanceof Error ? error.message : String(error) }]),
    );
  }
  const created: ConversationCreated = Object.freeze({
    type: 'ConversationCreated' as const,
    data: Object.freeze({
      conversation: name,
      conversationProfile: profile,
      conversationStage: (snapshot.value as { stage: ConversationStage }).stage,
      startTime,
    }),
  });
  return E.right(Object.freeze([created]));
};

/**
 * Decides what a command does to a conversation: the domain events it causes (none when it changes
 * nothing), or why it is refused. Pure; the machine's rules decide what is legal.
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
  if (command.type === 'CreateConversation') {
    if (state !== undefined) return E.left(illegalCommand('createConversation', state.lifecycleState, state.conversationStage));
    return decideCreate(command.input);
  }
  const commandName = COMMAND_NAMES[command.type];
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
  const issues: IssueSink = [];
  const at = command.at === undefined && command.type === 'HandOff' ? undefined : readAt(command.at, state.startTime, issues);
  if (issues.length > 0) return E.left(invalidArgument(issues));
  if (command.type === 'HandOff') {
    const rule = ruleFor(state.lifecycleState, state.conversationStage, 'handOff');
    if (!rule.allowed) return E.left(illegalCommand('handOff', state.lifecycleState, state.conversationStage));
    if (!rule.changes) return E.right(NO_EVENTS);
    const event: ConversationHandedOff = Object.freeze({
      type: 'ConversationHandedOff' as const,
      data: Object.freeze({ conversation: state.name, at }),
    });
    return E.right(Object.freeze([event]));
  }
  const rule = ruleFor(state.lifecycleState, state.conversationStage, 'complete');
  if (!rule.allowed) return E.left(illegalCommand('complete', state.lifecycleState, state.conversationStage));
  if (!rule.changes) return E.right(NO_EVENTS);
  const event: ConversationCompleted = Object.freeze({
    type: 'ConversationCompleted' as const,
    data: Object.freeze({ conversation: state.name, endTime: at }),
  });
  return E.right(Object.freeze([event]));
};

/**
 * Applies a domain event to a conversation and returns the next one (version + 1), or the same one
 * when the event changes nothing. Events are facts: a handoff is applied whatever the lifecycle,
 * since it happened before the end. The machine's rules say what each event does.
 *
 * @example
 * ```ts
 * const conversation = events.reduce(evolve, initial);
 * ```
 */
export function evolve(state: undefined, event: ConversationCreated): Conversation;
export function evolve(state: Conversation, event: ConversationDomainEvent): Conversation;
export function evolve(state: Conversation | undefined, event: ConversationDomainEvent): Conversation;
export function evolve(state: Conversation | undefined, event: ConversationDomainEvent): Conversation {
  if (event.type === 'ConversationCreated') {
    const { data } = event;
    return makeConversation(
      {
        name: data.conversation,
        lifecycleState: 'IN_PROGRESS',
        conversationProfile: data.conversationProfile,
        startTime: data.startTime,
        conversationStage: data.conversationStage,
      },
      (state?.version ?? 0) + 1,
    );
  }
  if (state === undefined) throw new TypeError(`${event.type} needs a conversation: apply ConversationCreated first`);
  switch (event.type) {
    case 'ConversationDataObserved':
      return evolveObservedData(state, event);
    case 'ConversationErrorRecorded':
      return evolveRecordedError(state, event);
  }
  const rule = ruleFor(
    state.lifecycleState,
    state.conversationStage,
    event.type === 'ConversationHandedOff' ? 'handOff.observed' : 'complete',
  );
  if (!rule.changes) return state;
  const endTime = event.type === 'ConversationCompleted' && rule.recordsEndTime ? event.data.endTime : undefined;
  return next(state, rule, { endTime });
}

/** The machine's `data.observed`: the same join its `recordObservedData` action makes. */
const evolveObservedData = (state: Conversation, event: ConversationDataObserved): Conversation => {
  const rule = ruleFor(state.lifecycleState, state.conversationStage, 'data.observed');
  if (!rule.changes) return state;
  const changed = joinObservedData<ConversationPhoneNumber>(state, event.data, samePhoneNumber);
  if (changed === undefined) return state;
  return next(state, rule, {
    name: changed.name as ConversationName | undefined,
    phoneNumber: changed.phoneNumber,
    startTime: changed.startTime as Timestamp | undefined,
    endTime: changed.endTime as Timestamp | undefined,
    unknownFields: changed.unknownFields,
  });
};

/** The machine's `error.observed`: the same join its `recordUnrecoverableError` action makes. */
const evolveRecordedError = (state: Conversation, event: ConversationErrorRecorded): Conversation => {
  const rule = ruleFor(state.lifecycleState, state.conversationStage, 'error.observed');
  if (!rule.changes) return state;
  const recorded = joinUnrecoverableError(state.unrecoverableErrors, event.data.error);
  if (recorded === undefined) return state;
  return next(state, rule, { unrecoverableErrors: recorded });
};

/**
 * The conversation after a change: the rule's states, the changed fields, one more version. A
 * change sets fields, never clears one (nothing in the model unsets a field), so an absent change
 * keeps the field. Fields are listed, not spread: spreading a frozen aggregate costs more than the
 * rest of a command.
 */
const next = (state: Conversation, rule: Rule, changes: Partial<ConversationFields>): Conversation =>
  makeConversation(
    {
      name: changes.name ?? state.name,
      lifecycleState: rule.lifecycleState,
      conversationProfile: state.conversationProfile,
      phoneNumber: changes.phoneNumber ?? state.phoneNumber,
      startTime: changes.startTime ?? state.startTime,
      endTime: changes.endTime ?? state.endTime,
      conversationStage: rule.conversationStage,
      unknownFields: changes.unknownFields ?? state.unknownFields,
      unrecoverableErrors: changes.unrecoverableErrors ?? state.unrecoverableErrors,
    },
    state.version + 1,
  );
