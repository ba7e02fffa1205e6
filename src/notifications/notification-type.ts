import type * as t from 'io-ts';
import { protoEnum, protoEnumCodec } from '../wire/proto-enum.js';

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

/** The numbers of `ConversationEvent.Type` (6 is not used). */
export const NOTIFICATION_TYPE_NUMBERS: Readonly<Record<NotificationType, number>> = {
  TYPE_UNSPECIFIED: 0,
  CONVERSATION_STARTED: 1,
  CONVERSATION_FINISHED: 2,
  HUMAN_INTERVENTION_NEEDED: 3,
  UNRECOVERABLE_ERROR: 4,
  NEW_MESSAGE: 5,
  NEW_RECOGNITION_RESULT: 7,
};

/** @internal The enum's names and numbers (6 has no name: a gap in the proto). */
export const notificationTypeEnum = protoEnum<NotificationType>(
  'ConversationEvent.Type',
  [
    'TYPE_UNSPECIFIED',
    'CONVERSATION_STARTED',
    'CONVERSATION_FINISHED',
    'HUMAN_INTERVENTION_NEEDED',
    'UNRECOVERABLE_ERROR',
    'NEW_MESSAGE',
    'NEW_RECOGNITION_RESULT',
  ],
  NOTIFICATION_TYPE_NUMBERS,
);

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
export const NotificationTypeCodec: NotificationTypeCodec = protoEnumCodec(notificationTypeEnum);
