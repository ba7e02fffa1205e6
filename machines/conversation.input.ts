import type { ConversationName } from '../src/wire/conversation-name.js';
import { conversationNameKind } from '../src/wire/conversation-name.js';
import { type ConversationProfileName, conversationProfileNameKind } from '../src/wire/conversation-profile-name.js';
import { type ConversationStage, isConversationStage } from '../src/wire/conversation-stage.js';
import { formatIssue } from '../src/wire/decode-error.js';
import { causeText, type DecodeIssue, describe, type IssueSink } from '../src/wire/issue.js';
import { INVALID } from '../src/wire/reader.js';
import { readTimestamp, type Timestamp } from '../src/wire/well-known-types.js';

/** What starting a conversation needs: the facts of a CreateConversation call and of its profile. */
export interface ConversationMachineInput {
  /** The conversation profile's resource name. */
  readonly conversationProfile: string;
  /** Whether the profile has a Dialogflow virtual agent (`automatedAgentConfig`). */
  readonly virtualAgent: boolean;
  /** The stage the create request asks for, if any. */
  readonly conversationStage?: ConversationStage | undefined;
  /** The conversation's name, when Dialogflow has already given it one. */
  readonly name?: string | undefined;
  /** When it started: RFC 3339, any offset (kept in UTC). */
  readonly startTime: string;
}

/** The input, checked: names of their kinds, the start time canonical. */
export interface CheckedMachineInput {
  readonly conversationProfile: ConversationProfileName;
  readonly virtualAgent: boolean;
  readonly conversationStage?: ConversationStage | undefined;
  readonly name?: ConversationName | undefined;
  readonly startTime: Timestamp;
}

/**
 * Why the machine cannot start from its input: each problem with its path. The actor fails with
 * it; `createConversation` returns its `issues` as an `InvalidArgument`.
 */
export class ConversationInputError extends Error {
  override readonly name = 'ConversationInputError';
  constructor(readonly issues: ReadonlyArray<DecodeIssue>) {
    super(issues.map(formatIssue).join('; '));
  }
}

/** Why the machine cannot start: `VIRTUAL_AGENT_STAGE` was asked for on a profile without a virtual agent. */
export class StartingStageError extends Error {
  override readonly name = 'StartingStageError';
}

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * Checks the machine's input, the one place it is checked: a {@link CheckedMachineInput}, or every
 * problem with its path. Reads own properties only, and never throws (a hostile object's problem
 * is reported as one).
 */
export const checkMachineInput = (input: unknown): CheckedMachineInput | ReadonlyArray<DecodeIssue> => {
  const issues: IssueSink = [];
  try {
    if (!isRecord(input)) {
      return [
        {
          path: '',
          message: `expected the input of a new conversation { conversationProfile, virtualAgent, startTime, conversationStage?, name? }, got ${describe(input)}`,
        },
      ];
    }
    const own = (key: string): unknown => (Object.hasOwn(input, key) ? input[key] : undefined);
    const profile = conversationProfileNameKind.read(own('conversationProfile'), issues, '', 'conversationProfile');
    const virtualAgent = own('virtualAgent');
    if (typeof virtualAgent !== 'boolean')
      issues.push({ path: 'virtualAgent', message: `expected a boolean, got ${describe(virtualAgent)}` });
    const stage = own('conversationStage');
    if (stage !== undefined && !isConversationStage(stage)) {
      issues.push({ path: 'conversationStage', message: `expected VIRTUAL_AGENT_STAGE or HUMAN_ASSIST_STAGE, got ${describe(stage)}` });
    }
    const rawName = own('name');
    const name = rawName === undefined ? undefined : conversationNameKind.read(rawName, issues, '', 'name');
    const startTime = readTimestamp(own('startTime'), issues, '', 'startTime');
    if (issues.length > 0 || profile === INVALID || name === INVALID || startTime === INVALID) return issues;
    return {
      conversationProfile: profile,
      virtualAgent: virtualAgent as boolean,
      conversationStage: stage as ConversationStage | undefined,
      name,
      startTime,
    };
  } catch (cause) {
    return [{ path: '', message: `could not read the input: ${causeText(cause)}` }];
  }
};
