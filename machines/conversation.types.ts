import type { ConversationData } from '../src/conversation/conversation.js';
import type { ObservedConversationData } from '../src/conversation/observed-data.js';
import type { UnrecoverableError } from '../src/conversation/unrecoverable-errors.js';
import type { ConversationStage } from '../src/wire/conversation-stage.js';
import type { JsonObject } from '../src/wire/json-value.js';
import type { LifecycleState } from '../src/wire/lifecycle-state.js';
import type { ConversationPhoneNumber } from '../src/wire/phone-number.js';

export type { ConversationStage, LifecycleState, ObservedConversationData, UnrecoverableError };

/**
 * Observed data as it may be sent to the machine. The machine takes it only in the form the wire
 * format gives (canonical times, a conversation name: {@link ObservedConversationData}); anything
 * else is not taken (`snapshot.can(event)` is false).
 */
export interface ObservedDataEvent {
  readonly name?: string | undefined;
  readonly conversationProfile?: string | undefined;
  readonly startTime?: string | undefined;
  readonly endTime?: string | undefined;
  readonly phoneNumber?: ConversationPhoneNumber | undefined;
  readonly unknownFields?: JsonObject | undefined;
  readonly conversationStage?: string | undefined;
}

/** A reported error as it may be sent to the machine; taken only in the form of an {@link UnrecoverableError}. */
export interface ReportedErrorEvent {
  readonly publishTime?: string | undefined;
  readonly messageId?: string | undefined;
  readonly errorStatus?: JsonObject | undefined;
}

/** The machine's state value: one state per region. */
export interface ConversationStateValue {
  readonly lifecycle: LifecycleState;
  readonly stage: ConversationStage;
}

/**
 * The machine's context: the conversation's data, the aggregate's field for field (canonical
 * ProtoJSON values, the facts of its creation, a version). Plain JSON, so snapshots persist and show
 * in the inspector as they are.
 */
export interface ConversationMachineContext extends ConversationData {}

/**
 * What can happen to a conversation.
 * - `handOff`: the backend hands the conversation to a human agent.
 * - `complete`: the conversation is completed (CompleteConversation, or Dialogflow reporting that it
 *   finished); `at`, when known, becomes its end time.
 * - `handOff.observed`: Dialogflow moved the conversation to a human agent (seen in a notification or
 *   a fetched resource). A fact, so taken even once the conversation has completed: it happened
 *   before the end.
 * - `data.observed`: a fetched resource reported output-only data (a name for a conversation created
 *   here, an end time learnt after a notification completed it, a phone number, kept fields). A
 *   fact, taken in every state when it agrees with what is known; it changes the context (and the
 *   version) only when it is new.
 * - `error.observed`: Dialogflow reported an unrecoverable error (an `UNRECOVERABLE_ERROR`
 *   notification). A fact, taken in every state; recorded once, however often it is delivered.
 */
export type ConversationMachineEvent =
  | { readonly type: 'handOff'; readonly at?: string | undefined }
  | { readonly type: 'complete'; readonly at?: string | undefined }
  | { readonly type: 'handOff.observed'; readonly at?: string | undefined }
  | { readonly type: 'data.observed'; readonly data: ObservedDataEvent }
  | { readonly type: 'error.observed'; readonly error: ReportedErrorEvent };

/** What a guard or an action is given: the context, and the event being handled. */
export interface ConversationMachineArgs {
  readonly context: ConversationMachineContext;
  readonly event: ConversationMachineEvent;
}
