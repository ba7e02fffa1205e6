import type * as t from 'io-ts';
import { enumPlan } from '../wire/descriptor.js';
import { lazyEnum, protoEnumCodec } from '../wire/proto-enum.js';

/**
 * `ConversationEvent.Type`: what a notification reports.
 * - `CONVERSATION_STARTED`: a call was answered, or a conversation created through the API;
 * - `CONVERSATION_FINISHED`: a call ended, or a conversation was completed through the API (sent for
 *   every CompleteConversation call, even on a finished conversation);
 * - `HUMAN_INTERVENTION_NEEDED`: Dialogflow says a human agent is needed;
 * - `UNRECOVERABLE_ERROR`: an error during a call, usually a misconfigured profile; Dialogflow may
 *   stop responding;
 * - `NEW_MESSAGE`, `NEW_RECOGNITION_RESULT`: a message, or an intermediate transcript (payloads).
 */
export type NotificationType =
  | 'TYPE_UNSPECIFIED'
  | 'CONVERSATION_STARTED'
  | 'CONVERSATION_FINISHED'
  | 'HUMAN_INTERVENTION_NEEDED'
  | 'UNRECOVERABLE_ERROR'
  | 'NEW_MESSAGE'
  | 'NEW_RECOGNITION_RESULT';

/** @internal The enum's names and numbers, from the descriptor (6 has no name: a gap in the proto). */
export const notificationTypeEnum = lazyEnum<NotificationType>(() => enumPlan('google.cloud.dialogflow.v2beta1.ConversationEvent.Type'));

const isNotificationType = (u: unknown): u is NotificationType =>
  typeof u === 'string' && notificationTypeEnum().names.includes(u as NotificationType);

export interface NotificationTypeCodec extends t.Type<NotificationType, NotificationType, unknown> {}

/**
 * io-ts codec for `ConversationEvent.Type`: names or numbers in, names out.
 *
 * @example
 * ```ts
 * NotificationTypeCodec.decode(3); // right('HUMAN_INTERVENTION_NEEDED')
 * NotificationTypeCodec.decode(6); // left: 6 is not a ConversationEvent.Type
 * ```
 */
export const NotificationTypeCodec: NotificationTypeCodec = protoEnumCodec('Type', isNotificationType, (value, issues, parent, key) =>
  notificationTypeEnum().read(value, issues, parent, key),
);
