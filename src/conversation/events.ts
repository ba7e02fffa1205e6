import type { ConversationMachineEvent } from '../../machines/conversation.machine.js';
import type { ConversationName } from '../wire/conversation-name.js';
import type { ConversationProfileName } from '../wire/conversation-profile-name.js';
import type { ConversationStage } from '../wire/conversation-stage.js';
import type { UnknownFields } from '../wire/message.js';
import type { ConversationPhoneNumber } from '../wire/phone-number.js';
import type { Timestamp } from '../wire/well-known-types.js';
import type { Conversation, UnrecoverableError } from './conversation.js';

/**
 * A conversation was created. Carries what is needed to rebuild it, so a conversation can be
 * replayed from its events alone.
 */
export interface ConversationCreated {
  readonly type: 'ConversationCreated';
  readonly data: {
    readonly conversation?: ConversationName | undefined;
    readonly conversationProfile: ConversationProfileName;
    readonly conversationStage: ConversationStage;
    readonly startTime: Timestamp;
    /** Whether the profile has a virtual agent. */
    readonly virtualAgent?: boolean | undefined;
    /** The stage the create request asked for, if any. */
    readonly requestedConversationStage?: ConversationStage | undefined;
  };
}

/** The conversation moved from `VIRTUAL_AGENT_STAGE` to `HUMAN_ASSIST_STAGE`. */
export interface ConversationHandedOff {
  readonly type: 'ConversationHandedOff';
  readonly data: {
    readonly conversation?: ConversationName | undefined;
    /** When it happened, if known. */
    readonly at?: Timestamp | undefined;
  };
}

/** The conversation was completed. */
export interface ConversationCompleted {
  readonly type: 'ConversationCompleted';
  readonly data: {
    readonly conversation?: ConversationName | undefined;
    /** The conversation's end time, if known. */
    readonly endTime?: Timestamp | undefined;
  };
}

/**
 * Dialogflow reported output-only data of the conversation that it did not have (a fetched
 * resource): only the fields that change are present.
 */
export interface ConversationDataObserved {
  readonly type: 'ConversationDataObserved';
  readonly data: {
    readonly conversation?: ConversationName | undefined;
    /** The name Dialogflow gave a conversation created here. */
    readonly name?: ConversationName | undefined;
    readonly startTime?: Timestamp | undefined;
    readonly endTime?: Timestamp | undefined;
    readonly phoneNumber?: ConversationPhoneNumber | undefined;
    readonly unknownFields?: UnknownFields | undefined;
    /** The stage the resource reported, where this conversation's was inferred: now it is known. */
    readonly conversationStage?: ConversationStage | undefined;
  };
}

/** Dialogflow reported an unrecoverable error for the conversation, and it was recorded. */
export interface ConversationErrorRecorded {
  readonly type: 'ConversationErrorRecorded';
  readonly data: {
    readonly conversation?: ConversationName | undefined;
    readonly error: UnrecoverableError;
  };
}

/**
 * What changed in a conversation, for a backend to publish. Named `Conversation…` in the past
 * tense, apart from Dialogflow's own `ConversationEvent` notification type.
 */
export type ConversationDomainEvent =
  | ConversationCreated
  | ConversationHandedOff
  | ConversationCompleted
  | ConversationDataObserved
  | ConversationErrorRecorded;

/** The outcome of a command: the new conversation and the events that explain the change. */
export interface ConversationChange {
  readonly conversation: Conversation;
  /** Empty when the command changed nothing (the conversation is then the same, same version). */
  readonly events: ReadonlyArray<ConversationDomainEvent>;
}

/**
 * The machine event that a domain event is, so an actor can follow what the aggregate does (and
 * the aggregate's `evolve` runs the machine's rules on it): a handoff is `handOff.observed`, a
 * completion `complete` (its end time as `at`), observed data `data.observed`, a recorded error
 * `error.observed`. `undefined` for `ConversationCreated`, which is the machine's input, not an
 * event, and for anything that is not a domain event.
 *
 * @example
 * ```ts
 * for (const event of change.events) {
 *   const machineEvent = toMachineEvent(event);
 *   if (machineEvent) actor.send(machineEvent);
 * }
 * ```
 */
export const toMachineEvent = (event: ConversationDomainEvent): ConversationMachineEvent | undefined => {
  try {
    return machineEventOf(event);
  } catch {
    return undefined; // not an event this library made, and unreadable (a cast, JavaScript)
  }
};

const machineEventOf = (event: ConversationDomainEvent): ConversationMachineEvent | undefined => {
  switch (event?.type) {
    case 'ConversationHandedOff':
      return { type: 'handOff.observed', at: event.data.at };
    case 'ConversationCompleted':
      return { type: 'complete', at: event.data.endTime };
    case 'ConversationDataObserved': {
      const { name, startTime, endTime, phoneNumber, unknownFields, conversationStage } = event.data;
      return {
        type: 'data.observed',
        data: {
          ...(name === undefined ? {} : { name }),
          ...(startTime === undefined ? {} : { startTime }),
          ...(endTime === undefined ? {} : { endTime }),
          ...(phoneNumber === undefined ? {} : { phoneNumber }),
          ...(unknownFields === undefined ? {} : { unknownFields }),
          ...(conversationStage === undefined ? {} : { conversationStage }),
        },
      };
    }
    case 'ConversationErrorRecorded':
      return { type: 'error.observed', error: event.data.error };
    default:
      return undefined;
  }
};
