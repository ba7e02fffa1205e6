import type { ConversationName } from '../wire/conversation-name.js';
import type { ConversationProfileName } from '../wire/conversation-profile-name.js';
import type { ConversationStage } from '../wire/conversation-stage.js';
import type { LifecycleState } from '../wire/lifecycle-state.js';
import type { UnknownFields } from '../wire/message.js';
import type { ConversationPhoneNumber } from '../wire/phone-number.js';
import type { Timestamp } from '../wire/well-known-types.js';
import { ERROR_RECORD, type ErrorRecord, type HoldsErrorRecord, type UnrecoverableError } from './unrecoverable-errors.js';

export type { UnrecoverableError };

/**
 * A conversation's data besides its two states: the resource's fields in the wire's own words (each
 * message field as canonical ProtoJSON), what Dialogflow reported in notifications, and a version.
 * The machine's context holds exactly this, so the machine's actions and the aggregate share one
 * implementation (`machines/conversation.actions.ts`).
 */
export interface ConversationData {
  /** Absent until Dialogflow has named the conversation (a locally created one has none yet). */
  readonly name?: ConversationName | undefined;
  readonly conversationProfile: ConversationProfileName;
  readonly phoneNumber?: ConversationPhoneNumber | undefined;
  readonly startTime: Timestamp;
  readonly endTime?: Timestamp | undefined;
  /**
   * Fields kept verbatim and emitted again: those this library does not model
   * (`telephonyConnectionInfo`, `initialConversationProfile`, `ingestedContextReferences`,
   * `initialGeneratorContexts`) and any Google adds later, by JSON name.
   */
  readonly unknownFields?: UnknownFields | undefined;
  /**
   * The unrecoverable errors Dialogflow reported, each once, sorted by `publishTime` then
   * `messageId`. Not part of the resource (Dialogflow reports them only in notifications), so not
   * in its JSON; kept in machine snapshots.
   */
  readonly unrecoverableErrors?: ReadonlyArray<UnrecoverableError> | undefined;
  /**
   * Whether the conversation profile has a Dialogflow virtual agent (`automatedAgentConfig`), when
   * known: given to `createConversation`, or to a decode. Not part of the resource.
   */
  readonly virtualAgent?: boolean | undefined;
  /**
   * `true` when Dialogflow left the stage out of the resource (ProtoJSON omits an enum at its
   * default, `CONVERSATION_STAGE_UNSPECIFIED`) and `conversationStage` is what that default means:
   * the stage the profile starts in. Encoding then leaves it out again, inventing nothing, until a
   * handoff or a resource that reports the stage makes it known.
   */
  readonly conversationStageInferred?: true | undefined;
  /** The stage the create request asked for, for a conversation created here. Not part of the resource. */
  readonly requestedConversationStage?: ConversationStage | undefined;
  /**
   * Grows by one with every change. A decoded conversation starts at 0 (or the version you pass);
   * a created one at 1. Not part of the wire format.
   */
  readonly version: number;
}

/**
 * A Dialogflow V2 conversation as an immutable aggregate: its data and its two states, which only
 * the machine's rules move. Frozen at runtime; change it only through commands, which return a new
 * one.
 */
export interface Conversation extends ConversationData {
  readonly lifecycleState: LifecycleState;
  readonly conversationStage: ConversationStage;
}

/** The parts of a conversation that are not its version. */
export type ConversationFields = Omit<Conversation, 'version'>;

/** Reads a conversation's errors from the record it holds: the array is made on first read, then kept. */
function errorsOfRecord(this: HoldsErrorRecord): ReadonlyArray<UnrecoverableError> | undefined {
  return this[ERROR_RECORD]?.toArray();
}

/**
 * Builds a frozen conversation. Every aggregate is made here, with its properties always in the
 * same order, so all of them share one hidden class and stay fast and small. Given a record of
 * errors (what applying `UNRECOVERABLE_ERROR`s makes), the conversation holds it, hidden, and
 * `unrecoverableErrors` reads its array when first asked: adding the n-th error then never copies
 * n of them.
 *
 * @internal
 */
export const makeConversation = (fields: ConversationFields, version: number, record?: ErrorRecord): Conversation => {
  const c = {
    name: fields.name,
    lifecycleState: fields.lifecycleState,
    conversationProfile: fields.conversationProfile,
    phoneNumber: fields.phoneNumber,
    startTime: fields.startTime,
    endTime: fields.endTime,
    conversationStage: fields.conversationStage,
    unknownFields: fields.unknownFields,
    unrecoverableErrors: fields.unrecoverableErrors,
    conversationStageInferred: fields.conversationStageInferred,
    virtualAgent: fields.virtualAgent,
    requestedConversationStage: fields.requestedConversationStage,
    version,
  };
  if (record !== undefined) {
    Object.defineProperty(c, ERROR_RECORD, { value: record });
    Object.defineProperty(c, 'unrecoverableErrors', { get: errorsOfRecord, enumerable: true });
  }
  return Object.freeze(c);
};
