/**
 * `dialogflow-conversation/machine`: the xstate v5 machine that states what may happen to a
 * conversation, its snapshots (to and from the aggregate), and its diagrams.
 *
 * @packageDocumentation
 */
export {
  ConversationInputError,
  type ConversationMachine,
  type ConversationMachineContext,
  type ConversationMachineEvent,
  type ConversationMachineInput,
  type ConversationStateValue,
  conversationMachine,
  type ObservedConversationData,
  StartingStageError,
} from '../../machines/conversation.machine.js';
export { toMachineEvent } from '../conversation/events.js';
export { type ConversationSnapshot, fromMachineSnapshot, toMachineSnapshot } from '../conversation/snapshot.js';
export { type DiagramError, toDot, toMermaid, toSvg } from './diagram.js';
