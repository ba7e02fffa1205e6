import type { ConversationLifecycle, ConversationStageName } from '../../machines/conversation.machine.js';
import { formatIssue } from '../wire/decode-error.js';
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
  readonly lifecycleState: ConversationLifecycle;
  readonly conversationStage: ConversationStageName;
}

/** A command other than create was given no conversation. */
export interface ConversationMissing {
  readonly type: 'ConversationMissing';
  readonly message: string;
  readonly command: 'handOff' | 'complete';
}

/** Why a command on a conversation was refused. Each has a `type` to switch on and a `message`. */
export type ConversationError = InvalidArgument | VirtualAgentUnavailable | IllegalCommand | ConversationMissing;

/** @internal */
export const invalidArgument = (errors: ReadonlyArray<DecodeIssue>): InvalidArgument =>
  Object.freeze({ type: 'InvalidArgument' as const, message: errors.map(formatIssue).join('\n'), errors: Object.freeze([...errors]) });

/** @internal */
export const illegalCommand = (
  command: IllegalCommand['command'],
  lifecycleState: ConversationLifecycle,
  conversationStage: ConversationStageName,
): IllegalCommand =>
  Object.freeze({
    type: 'IllegalCommand' as const,
    message: `${command} is not allowed on a conversation that is ${lifecycleState} in ${conversationStage}`,
    command,
    lifecycleState,
    conversationStage,
  });
