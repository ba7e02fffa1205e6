import type * as t from 'io-ts';
import { protoEnum, protoEnumCodec } from './proto-enum.js';

/**
 * `Conversation.ConversationStage`: who answers the customer. In `VIRTUAL_AGENT_STAGE` a Dialogflow
 * virtual agent does; in `HUMAN_ASSIST_STAGE` a human agent does, with Dialogflow suggesting.
 */
export type ConversationStage = 'CONVERSATION_STAGE_UNSPECIFIED' | 'VIRTUAL_AGENT_STAGE' | 'HUMAN_ASSIST_STAGE';

/** @internal The enum's names and numbers. */
export const conversationStageEnum = protoEnum<ConversationStage>('ConversationStage', [
  'CONVERSATION_STAGE_UNSPECIFIED',
  'VIRTUAL_AGENT_STAGE',
  'HUMAN_ASSIST_STAGE',
]);

export interface ConversationStageC extends t.Type<ConversationStage, ConversationStage, unknown> {}

/**
 * io-ts codec for `ConversationStage`: names or numbers in, names out.
 *
 * @example
 * ```ts
 * ConversationStage.decode('HUMAN_ASSIST_STAGE'); // right('HUMAN_ASSIST_STAGE')
 * ```
 */
export const ConversationStage: ConversationStageC = protoEnumCodec(conversationStageEnum);
