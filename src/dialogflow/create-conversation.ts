import * as E from 'fp-ts/lib/Either.js';
import type { ConversationStage } from '../../machines/conversation.machine.js';
import { type InvalidArgument, invalidArgument, unreadableArgument } from '../conversation/errors.js';
import { checkConversationId } from '../wire/conversation-name.js';
import { type ConversationProfileName, conversationProfileNameKind } from '../wire/conversation-profile-name.js';
import { conversationStageEnum } from '../wire/conversation-stage.js';
import { describe, type IssueSink } from '../wire/issue.js';
import { INVALID } from '../wire/reader.js';
import { parentKind } from './parent.js';

/** What a conversation is created with. */
export interface CreateConversationRequestInput {
  /** `projects/{project}` or `projects/{project}/locations/{location}`. */
  readonly parent: string;
  /**
   * The conversation to create. Only its input fields are sent: `conversationProfile` (required)
   * and `conversationStage`; anything else (a whole `Conversation`, say) is left out, as the API
   * treats it as output only.
   */
  readonly conversation: {
    readonly conversationProfile: string;
    readonly conversationStage?: ConversationStage | 'CONVERSATION_STAGE_UNSPECIFIED' | undefined;
  };
  /**
   * The ID to give the conversation, instead of one Dialogflow picks: `[a-zA-Z][a-zA-Z0-9_-]*`, 3 to
   * 64 characters. The caller keeps it unique.
   */
  readonly conversationId?: string | undefined;
}

/** The body of a CreateConversation request: the input fields of a `Conversation`, nothing else. */
export interface CreateConversationBody {
  readonly conversationProfile: ConversationProfileName;
  readonly conversationStage?: ConversationStage;
}

/** A CreateConversation request, ready to send. */
export interface CreateConversationRequest {
  readonly parent: string;
  readonly conversationId?: string | undefined;
  /** The JSON body: `JSON.stringify(request.body)`. */
  readonly body: CreateConversationBody;
  /** `v2/{parent}/conversations`, with `?conversationId=…` when given: append it to the API's base URL. */
  readonly url: string;
}

/**
 * Encodes a CreateConversation request: the body carries only the input fields of the conversation
 * (`conversationProfile`, `conversationStage`), never the output-only ones; the parent, the profile,
 * the stage and the optional `conversationId` are checked, each problem reported at its path.
 *
 * @example
 * ```ts
 * const request = encodeCreateConversationRequest({
 *   parent: 'projects/acme/locations/global',
 *   conversation: { conversationProfile: 'projects/acme/locations/global/conversationProfiles/support' },
 *   conversationId: 'call-2026-11-23-0001',
 * });
 * // right({ url: 'v2/projects/acme/locations/global/conversations?conversationId=call-2026-11-23-0001', body: { conversationProfile: '...' }, ... })
 * ```
 */
export const encodeCreateConversationRequest = (
  input: CreateConversationRequestInput,
): E.Either<InvalidArgument, CreateConversationRequest> => {
  try {
    return encodeCreate(input);
  } catch (cause) {
    return E.left(unreadableArgument(cause));
  }
};

const encodeCreate = (input: CreateConversationRequestInput): E.Either<InvalidArgument, CreateConversationRequest> => {
  const issues: IssueSink = [];
  const parent = parentKind.read(input?.parent, issues, '', 'parent');
  const conversation = input?.conversation;
  let profile: ConversationProfileName | typeof INVALID = INVALID;
  let stage: ConversationStage | undefined;
  if (typeof conversation !== 'object' || conversation === null) {
    issues.push({ path: 'conversation', message: `expected the conversation to create, got ${describe(conversation)}` });
  } else {
    profile = conversationProfileNameKind.read(conversation.conversationProfile, issues, 'conversation', 'conversationProfile');
    const requested = conversation.conversationStage;
    if (requested !== undefined) {
      const read = conversationStageEnum().read(requested, issues, 'conversation', 'conversationStage');
      // UNSPECIFIED is the default: the same as not asking.
      if (read !== INVALID && read !== 'CONVERSATION_STAGE_UNSPECIFIED') stage = read;
    }
  }
  if (input?.conversationId !== undefined) checkConversationId(input.conversationId, issues, 'conversationId');
  if (issues.length > 0 || parent === INVALID || profile === INVALID) return E.left(invalidArgument(issues));
  const body: CreateConversationBody = Object.freeze(
    stage === undefined ? { conversationProfile: profile } : { conversationProfile: profile, conversationStage: stage },
  );
  const id = input.conversationId;
  return E.right(
    Object.freeze({
      parent,
      conversationId: id,
      body,
      url: `v2/${parent}/conversations${id === undefined ? '' : `?conversationId=${encodeURIComponent(id)}`}`,
    }),
  );
};
