import { isLeft } from 'fp-ts/lib/Either.js';
import { decodeConversation } from '../../conversation/codec.js';
import type { Conversation } from '../../conversation/conversation.js';
import { decodeListConversationsResponse } from '../../dialogflow/list-conversations.js';
import type { Notification } from '../../notifications/notification.js';
import { decodeNotification } from '../../notifications/notification.js';
import { decodePushDelivery } from '../../notifications/push-delivery.js';
import { type DecodeIssue, describe } from '../../wire/issue.js';
import { inputShape } from '../input-shape.js';

/** A fetched conversation, or why one item of a page is not one. */
export type FetchedItem =
  | {
      /** `conversations[I]` for a page's item; `undefined` for a GetConversation body. */
      readonly item: string | undefined;
      readonly conversation: Conversation;
    }
  | { readonly item: string | undefined; readonly errors: ReadonlyArray<DecodeIssue> };

/** What one line of a replay log is, decoded by the library's own decoders. */
export type LogEntry =
  | {
      readonly kind: 'notification';
      /** `push`: a Pub/Sub push body (JSON or protobuf data); `event`: a ConversationEvent in JSON. */
      readonly via: 'push' | 'event';
      readonly notification: Notification;
    }
  | {
      readonly kind: 'fetched';
      /** One for a GetConversation body; a ListConversations page's items, each on its own. */
      readonly items: ReadonlyArray<FetchedItem>;
    }
  | {
      readonly kind: 'invalid';
      /** What the line was taken for: `Pub/Sub push`, `ConversationEvent`, `ListConversations page`, `not JSON`... */
      readonly as: string;
      readonly errors: ReadonlyArray<DecodeIssue>;
    };

/**
 * Reads one line of a replay log. What it is, is decided by its keys ({@link inputShape}): a Pub/Sub
 * push body (`decodePushDelivery`: data in JSON or protobuf, detected), a ListConversations page
 * (`decodeListConversationsResponse`, whose items each count, as `validate` reads pages), a
 * ConversationEvent in JSON (`decodeNotification`), or else a Conversation resource
 * (`decodeConversation`). A line that is not a JSON object is invalid.
 */
export const readLogLine = (text: string): LogEntry => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return invalid('not JSON', [{ path: '', message: `invalid JSON: ${cause instanceof Error ? cause.message : String(cause)}` }]);
  }
  const shape = inputShape(json);
  if (shape === 'not an object') {
    return invalid('not an object', [
      {
        path: '',
        message: `expected a JSON object (a Pub/Sub push, a ConversationEvent, a Conversation or a ListConversations page), got ${describe(json)}`,
      },
    ]);
  }
  if (shape === 'push') return notification('push', decodePushDelivery(json));
  if (shape === 'page') {
    const page = decodeListConversationsResponse(json);
    if (isLeft(page)) return invalid('ListConversations page', page.left.errors);
    // The page keeps valid and invalid items apart: put them back in their order.
    const all: FetchedItem[] = [];
    let valid = 0;
    const bad = new Map(page.right.invalid.map((i) => [i.index, i.error.errors]));
    const count = page.right.conversations.length + page.right.invalid.length;
    for (let i = 0; i < count; i++) {
      const errors = bad.get(i);
      if (errors !== undefined) all.push({ item: `conversations[${i}]`, errors });
      else all.push({ item: `conversations[${i}]`, conversation: page.right.conversations[valid++] as Conversation });
    }
    return { kind: 'fetched', items: all };
  }
  if (shape === 'event') return notification('event', decodeNotification(json));
  const conversation = decodeConversation(json);
  return {
    kind: 'fetched',
    items: [
      isLeft(conversation) ? { item: undefined, errors: conversation.left.errors } : { item: undefined, conversation: conversation.right },
    ],
  };
};

const invalid = (as: string, errors: ReadonlyArray<DecodeIssue>): LogEntry => ({ kind: 'invalid', as, errors });

const notification = (via: 'push' | 'event', decoded: ReturnType<typeof decodeNotification>): LogEntry =>
  isLeft(decoded)
    ? invalid(via === 'push' ? 'Pub/Sub push' : 'ConversationEvent', decoded.left.errors)
    : { kind: 'notification', via, notification: decoded.right };
