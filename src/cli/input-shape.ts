/**
 * What a JSON line or document is, told by its keys, the same way for `validate` and `replay`:
 * 1. `message`: a Pub/Sub push body;
 * 2. `conversations`, `nextPageToken` or `next_page_token`, or no key at all (`{}`, the empty page
 *    Dialogflow returns when there is nothing to list): a ListConversations page;
 * 3. `conversation` or `type`: a ConversationEvent (a Conversation resource has neither field);
 * 4. any other object: a Conversation resource (a GetConversation body).
 */
export type InputShape = 'push' | 'page' | 'event' | 'conversation' | 'not an object';

const has = (json: object, ...keys: ReadonlyArray<string>): boolean => keys.some((k) => Object.hasOwn(json, k));

/** @internal The shape of a parsed JSON value (see {@link InputShape}). */
export const inputShape = (json: unknown): InputShape => {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'not an object';
  if (has(json, 'message')) return 'push';
  if (has(json, 'conversations', 'nextPageToken', 'next_page_token') || Object.keys(json).length === 0) return 'page';
  if (has(json, 'conversation', 'type')) return 'event';
  return 'conversation';
};
