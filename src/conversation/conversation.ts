import type { ConversationStage, LifecycleState } from '../../machines/conversation.machine.js';
import type { UnrecoverableErrorRecord } from '../../machines/joins.js';
import type { ConversationName } from '../wire/conversation-name.js';
import type { ConversationProfileName } from '../wire/conversation-profile-name.js';
import type { JsonObject } from '../wire/json-value.js';
import type { UnknownFields } from '../wire/message.js';
import type { ConversationPhoneNumber } from '../wire/phone-number.js';
import type { Timestamp } from '../wire/timestamp.js';

/**
 * An unrecoverable error Dialogflow reported for a conversation (an `UNRECOVERABLE_ERROR`
 * notification, usually a telephony misconfiguration; Dialogflow may stop responding after one).
 */
export interface UnrecoverableError extends UnrecoverableErrorRecord {
  /** When Pub/Sub received the notification, if it came in a push delivery. */
  readonly publishTime?: Timestamp | undefined;
  /** The Pub/Sub message ID, if it came in a push delivery. */
  readonly messageId?: string | undefined;
  /** The notification's `errorStatus`, a `google.rpc.Status` (`{ code, message, details }`), as canonical ProtoJSON. */
  readonly errorStatus?: JsonObject | undefined;
}

/**
 * A Dialogflow V2 conversation as an immutable aggregate: the resource's fields in the wire's own
 * words, its two states (set by the machine's rules), and a `version` for optimistic concurrency.
 * Frozen at runtime; change it only through commands, which return a new one.
 */
export interface Conversation {
  /** Absent until Dialogflow has named the conversation (a locally created one has none yet). */
  readonly name?: ConversationName | undefined;
  readonly lifecycleState: LifecycleState;
  readonly conversationProfile: ConversationProfileName;
  readonly phoneNumber?: ConversationPhoneNumber | undefined;
  readonly startTime: Timestamp;
  readonly endTime?: Timestamp | undefined;
  readonly conversationStage: ConversationStage;
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
   * Grows by one with every change. A decoded conversation starts at 0 (or the version you pass);
   * a created one at 1. Not part of the wire format.
   */
  readonly version: number;
}

/** The parts of a conversation that are not its version. */
export type ConversationFields = Omit<Conversation, 'version'>;

/**
 * Builds a frozen conversation. Every aggregate is made here, with its properties always in the
 * same order, so all of them share one hidden class and stay fast and small.
 *
 * @internal
 */
export const makeConversation = (fields: ConversationFields, version: number): Conversation =>
  Object.freeze({
    name: fields.name,
    lifecycleState: fields.lifecycleState,
    conversationProfile: fields.conversationProfile,
    phoneNumber: fields.phoneNumber,
    startTime: fields.startTime,
    endTime: fields.endTime,
    conversationStage: fields.conversationStage,
    unknownFields: fields.unknownFields,
    unrecoverableErrors: fields.unrecoverableErrors,
    version,
  });
