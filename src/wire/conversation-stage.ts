import type * as t from 'io-ts';
import { enumPlan } from './descriptor.js';
import { describe, type IssueSink, type Path } from './issue.js';
import { lazyEnum, protoEnumCodec } from './proto-enum.js';
import { INVALID, type Invalid, pathAt } from './reader.js';

/**
 * Who answers the customer (`Conversation.conversation_stage`): in `VIRTUAL_AGENT_STAGE` a
 * Dialogflow virtual agent does; in `HUMAN_ASSIST_STAGE` a human agent does, with Dialogflow
 * suggesting. The stages a created conversation can be in.
 */
export type ConversationStage = 'VIRTUAL_AGENT_STAGE' | 'HUMAN_ASSIST_STAGE';

/** Whether a value is a {@link ConversationStage}. */
export const isConversationStage = (u: unknown): u is ConversationStage => u === 'VIRTUAL_AGENT_STAGE' || u === 'HUMAN_ASSIST_STAGE';

/** @internal The wire enum: the stages and the default, `CONVERSATION_STAGE_UNSPECIFIED`. */
export type ConversationStageEnum = 'CONVERSATION_STAGE_UNSPECIFIED' | ConversationStage;

/** @internal The enum's names and numbers, from the descriptor. */
export const conversationStageEnum = lazyEnum<ConversationStageEnum>(() =>
  enumPlan('google.cloud.dialogflow.v2.Conversation.ConversationStage'),
);

/** @internal Reads a stage, refusing the default (a stage a created conversation cannot be in). */
export const readConversationStage = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
): ConversationStage | Invalid => {
  const before = issues.length;
  const read = conversationStageEnum().read(value, issues, parent, key);
  if (read === INVALID || read !== 'CONVERSATION_STAGE_UNSPECIFIED') return read;
  if (issues.length === before) {
    issues.push({ path: pathAt(parent, key), message: `expected VIRTUAL_AGENT_STAGE or HUMAN_ASSIST_STAGE, got ${describe(value)}` });
  }
  return INVALID;
};

export interface ConversationStageCodec extends t.Type<ConversationStage, ConversationStage, unknown> {}

/**
 * io-ts codec for a {@link ConversationStage}: names or numbers in (`"HUMAN_ASSIST_STAGE"`, `2`),
 * names out. `CONVERSATION_STAGE_UNSPECIFIED` is refused: it is not a stage.
 *
 * @example
 * ```ts
 * ConversationStageCodec.decode('HUMAN_ASSIST_STAGE'); // right('HUMAN_ASSIST_STAGE')
 * ConversationStageCodec.decode(1);                    // right('VIRTUAL_AGENT_STAGE')
 * ```
 */
export const ConversationStageCodec: ConversationStageCodec = protoEnumCodec(
  'ConversationStage',
  isConversationStage,
  readConversationStage,
);
