import type { ConversationStage, LifecycleState } from '../../machines/conversation.machine.js';
import { formatIssue, unreadableInput } from '../wire/decode-error.js';
import type { DecodeIssue } from '../wire/issue.js';

/** A command's argument is malformed (a bad timestamp, a name of the wrong kind, an end before the start). */
export interface InvalidArgument {
  readonly type: 'InvalidArgument';
  readonly message: string;
  readonly errors: ReadonlyArray<DecodeIssue>;
}

/** `VIRTUAL_AGENT_STAGE` was asked for on a profile without a virtual agent. */
export interface VirtualAgentUnavailable {
  readonly type: 'VirtualAgentUnavailable';
  readonly message: string;
}

/** The machine does not allow this command in the conversation's current state. */
export interface IllegalCommand {
  readonly type: 'IllegalCommand';
  readonly message: string;
  readonly command: 'createConversation' | 'handOff' | 'complete';
  readonly lifecycleState: LifecycleState;
  readonly conversationStage: ConversationStage;
}

/** A command other than create was given no conversation. */
export interface ConversationMissing {
  readonly type: 'ConversationMissing';
  readonly message: string;
  readonly command: 'handOff' | 'complete' | 'applyNotification' | 'observe';
}

/** A notification (or a fetched resource) is about another conversation than the one it was applied to. */
export interface WrongConversation {
  readonly type: 'WrongConversation';
  readonly message: string;
  /** The conversation's name; absent when it has none yet (created here, not yet observed). */
  readonly expected?: string | undefined;
  /** The name the notification or resource carries. */
  readonly actual: string;
}

/** One thing a fetched resource has behind, or against, the local conversation. */
export interface RegressedField {
  readonly field: 'name' | 'conversationProfile' | 'lifecycleState' | 'conversationStage' | 'endTime';
  readonly local: string | undefined;
  readonly remote: string | undefined;
}

/**
 * A fetched resource would move the conversation back (`COMPLETED` → `IN_PROGRESS`,
 * `HUMAN_ASSIST_STAGE` → `VIRTUAL_AGENT_STAGE`, an earlier end time) or contradicts it (another
 * profile or name). Usually it is stale: read before the change the local one already knows about.
 * The local conversation is kept.
 */
export interface Regression {
  readonly type: 'Regression';
  readonly message: string;
  readonly regressions: ReadonlyArray<RegressedField>;
}

/** Why a command on a conversation was refused. Each has a `type` to switch on and a `message`. */
export type ConversationError =
  | InvalidArgument
  | VirtualAgentUnavailable
  | IllegalCommand
  | ConversationMissing
  | WrongConversation
  | Regression;

/** @internal */
export const invalidArgument = (errors: ReadonlyArray<DecodeIssue>): InvalidArgument =>
  Object.freeze({ type: 'InvalidArgument' as const, message: errors.map(formatIssue).join('\n'), errors: Object.freeze([...errors]) });

/** @internal An argument that could not be read (a getter or a proxy that throws): reported, never rethrown. */
export const unreadableArgument = (cause: unknown): InvalidArgument => invalidArgument([unreadableInput(cause)]);

/** @internal */
export const illegalCommand = (
  command: IllegalCommand['command'],
  lifecycleState: LifecycleState,
  conversationStage: ConversationStage,
): IllegalCommand =>
  Object.freeze({
    type: 'IllegalCommand' as const,
    message: `${command} is not allowed on a conversation that is ${lifecycleState} in ${conversationStage}`,
    command,
    lifecycleState,
    conversationStage,
  });
