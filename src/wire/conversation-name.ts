import type * as t from 'io-ts';
import { codecFromReader } from './reader.js';
import { type ResourceNameParts, resourceNameKind } from './resource-name.js';

export interface ConversationNameBrand {
  readonly ConversationName: unique symbol;
}

/**
 * A conversation's resource name: `projects/{project}/conversations/{conversation}` or
 * `projects/{project}/locations/{location}/conversations/{conversation}`.
 */
export type ConversationName = t.Branded<string, ConversationNameBrand>;

/** @internal */
export const conversationNameKind = resourceNameKind<ConversationNameBrand>('conversations', 'conversation name');

export interface ConversationNameC extends t.Type<ConversationName, string, unknown> {}

/**
 * io-ts codec for a conversation's resource name.
 *
 * @example
 * ```ts
 * ConversationName.decode('projects/acme/locations/global/conversations/c-42'); // right(...)
 * ConversationName.decode('projects/acme/conversationProfiles/p');              // left
 * ```
 */
export const ConversationName: ConversationNameC = codecFromReader<ConversationName, string>(
  'ConversationName',
  conversationNameKind.is,
  conversationNameKind.read,
  (name) => name,
);

/**
 * Splits a conversation name into project, optional location and conversation ID.
 *
 * @example
 * ```ts
 * parseConversationName(name); // { project: 'acme', location: 'global', id: 'c-42' }
 * ```
 */
export const parseConversationName = (name: ConversationName): ResourceNameParts =>
  conversationNameKind.parse(name) ?? { project: '', id: '' };

/**
 * Builds a conversation name from its parts; `undefined` when a part is not a valid segment.
 *
 * @example
 * ```ts
 * formatConversationName({ project: 'acme', id: 'c-42' }); // 'projects/acme/conversations/c-42'
 * ```
 */
export const formatConversationName = (parts: ResourceNameParts): ConversationName | undefined => conversationNameKind.format(parts);

/**
 * Whether two names denote the same conversation. A name without `locations/` is in the global
 * location, so `projects/p/conversations/c` and `projects/p/locations/global/conversations/c` are
 * the same conversation (Dialogflow's notifications use the first form, its resources may use the
 * second).
 *
 * @example
 * ```ts
 * sameConversation('projects/p/conversations/c', 'projects/p/locations/global/conversations/c'); // true
 * ```
 */
export const sameConversation = (a: ConversationName, b: ConversationName): boolean => {
  if (a === b) return true;
  const x = conversationNameKind.parse(a);
  const y = conversationNameKind.parse(b);
  return (
    x !== undefined && y !== undefined && x.project === y.project && x.id === y.id && (x.location ?? 'global') === (y.location ?? 'global')
  );
};
