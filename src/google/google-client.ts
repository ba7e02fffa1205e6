import * as E from 'fp-ts/lib/Either.js';
import { type DecodeOptions, decodeWith } from '../conversation/codec.js';
import type { Conversation } from '../conversation/conversation.js';
import { type ConversationResource, writeConversation } from '../wire/conversation-resource.js';
import type { ConversationStage } from '../wire/conversation-stage.js';
import { type DecodeError, decodeError } from '../wire/decode-error.js';
import { messagePlan } from '../wire/descriptor.js';
import type { IssueSink } from '../wire/issue.js';
import { causeText } from '../wire/issue.js';
import { canonicalToMessage, messageToJson, readProtoJson } from '../wire/protojson.js';
import { INVALID } from '../wire/reader.js';

/**
 * Google's Node client (`@google-cloud/dialogflow`) hands out and takes `IConversation` message
 * objects: timestamps as `{ seconds, nanos }` (seconds a number, a string or a `Long`), enums as
 * numbers or names, 64-bit integers as `Long`s, bytes as `Uint8Array`s. The types here describe that
 * shape structurally, so this library does not depend on the client at run time: Google's
 * `IConversation` is assignable to {@link GoogleConversation}, and {@link GoogleConversationMessage}
 * to `IConversation` (both checked by the tests).
 */

/** A 64-bit integer as protobufjs holds it (a `Long` from the `long` package). */
export interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned: boolean;
}

/** A `google.protobuf.Timestamp` as Google's client holds it. */
export interface GoogleTimestamp {
  readonly seconds?: number | string | LongLike | null;
  readonly nanos?: number | null;
}

/** A `Conversation` as Google's client gives it (`IConversation`, or a `Conversation` message). */
export interface GoogleConversation {
  readonly name?: string | null;
  readonly lifecycleState?: number | string | null;
  readonly conversationProfile?: string | null;
  readonly phoneNumber?: { readonly countryCode?: number | null; readonly phoneNumber?: string | null } | null;
  readonly startTime?: GoogleTimestamp | null;
  readonly endTime?: GoogleTimestamp | null;
  readonly conversationStage?: number | string | null;
  readonly telephonyConnectionInfo?: object | null;
  readonly initialConversationProfile?: object | null;
  readonly ingestedContextReferences?: { readonly [key: string]: object } | null;
  readonly initialGeneratorContexts?: { readonly [key: string]: object } | null;
}

/** A `Conversation` as this library hands it to Google's client: an `IConversation`. */
export interface GoogleConversationMessage {
  readonly name?: string;
  readonly lifecycleState?: 'IN_PROGRESS' | 'COMPLETED';
  readonly conversationProfile?: string;
  readonly phoneNumber?: { readonly countryCode?: number; readonly phoneNumber?: string };
  readonly startTime?: { readonly seconds: number; readonly nanos: number };
  readonly endTime?: { readonly seconds: number; readonly nanos: number };
  readonly conversationStage?: ConversationStage;
  readonly telephonyConnectionInfo?: object;
  readonly initialConversationProfile?: object;
  readonly ingestedContextReferences?: { readonly [key: string]: object };
  readonly initialGeneratorContexts?: { readonly [key: string]: object };
}

/** Options for {@link toGoogleConversation}. */
export interface ToGoogleOptions {
  /**
   * Google's message types have no place for fields they do not know (kept unknown fields, at any
   * depth): by default each is reported as a problem; `true` leaves them out.
   */
  readonly dropUnknownFields?: boolean | undefined;
}

const CONVERSATION = 'google.cloud.dialogflow.v2.Conversation';

/**
 * A conversation as a message object for Google's Node client (`IConversation`): timestamps as
 * `{ seconds, nanos }`, enums as names, the kept fields (`telephonyConnectionInfo`, ...) checked
 * against their proto types and converted. Not the `version`, nor the recorded errors, which are
 * not part of the resource.
 *
 * @example
 * ```ts
 * const message = toGoogleConversation(conversation);
 * if (isRight(message)) protos.google.cloud.dialogflow.v2.Conversation.fromObject(message.right);
 * ```
 */
export const toGoogleConversation = (
  conversation: Conversation | ConversationResource,
  options?: ToGoogleOptions,
): E.Either<DecodeError, GoogleConversationMessage> => {
  const plan = messagePlan(CONVERSATION);
  const issues: IssueSink = [];
  try {
    const canonical = readProtoJson(plan, writeConversation(conversation), issues, '', undefined, 0);
    if (canonical === INVALID) return E.left(decodeError(issues));
    const message = canonicalToMessage(plan, canonical, issues, '', undefined, { dropUnknownFields: options?.dropUnknownFields === true });
    return issues.length > 0 ? E.left(decodeError(issues)) : E.right(message as GoogleConversationMessage);
  } catch (cause) {
    // Not a conversation this library made (a cast, JavaScript, a hostile proxy): say so.
    return E.left(decodeError([{ path: '', message: `could not read the conversation: ${causeText(cause)}` }]));
  }
};

/**
 * The aggregate of a conversation Google's Node client returned (an `IConversation` or a
 * `Conversation` message): every field checked under the same rules as the JSON codecs, each
 * problem at its path (`startTime.nanos`). Never throws.
 *
 * @example
 * ```ts
 * const [response] = await conversationsClient.getConversation({ name });
 * const conversation = fromGoogleConversation(response); // Either<DecodeError, Conversation>
 * ```
 */
export const fromGoogleConversation = (message: GoogleConversation, options?: DecodeOptions): E.Either<DecodeError, Conversation> => {
  const plan = messagePlan(CONVERSATION);
  const issues: IssueSink = [];
  let canonical: unknown = INVALID;
  try {
    const json = messageToJson(plan, message, issues, '', undefined, 0);
    if (issues.length === 0) canonical = readProtoJson(plan, json, issues, '', undefined, 0);
  } catch (cause) {
    issues.push({ path: '', message: `could not read the message: ${causeText(cause)}` });
  }
  if (canonical === INVALID || issues.length > 0) return E.left(decodeError(issues));
  return decodeWith(canonical, false, options);
};
