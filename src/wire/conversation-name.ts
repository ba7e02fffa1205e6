import type * as t from 'io-ts';
import { describe, type IssueSink } from './issue.js';
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

export interface ConversationNameCodec extends t.Type<ConversationName, string, unknown> {}

/**
 * io-ts codec for a conversation's resource name.
 *
 * @example
 * ```ts
 * ConversationNameCodec.decode('projects/acme/locations/global/conversations/c-42'); // right(...)
 * ConversationNameCodec.decode('projects/acme/conversationProfiles/p');              // left
 * ```
 */
export const ConversationNameCodec: ConversationNameCodec = codecFromReader<ConversationName, string>(
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

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isIdCharacter = (c: number): boolean => isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 45;

/**
 * @internal Checks an ID given for a new conversation as Dialogflow does (`[a-zA-Z][a-zA-Z0-9_-]*`,
 * 3 to 64 characters), recording each broken rule at `path`.
 */
export const checkConversationId = (id: unknown, issues: IssueSink, path: string): void => {
  if (typeof id !== 'string') {
    issues.push({ path, message: `expected a string, got ${describe(id)}` });
    return;
  }
  if (id.length < 3 || id.length > 64) issues.push({ path, message: `expected 3 to 64 characters, got ${id.length} in ${describe(id)}` });
  if (id.length > 0 && !isLetter(id.charCodeAt(0)))
    issues.push({ path, message: `must start with a letter (a-z, A-Z), got ${describe(id)}` });
  for (let i = 0; i < id.length; i++) {
    if (!isIdCharacter(id.charCodeAt(i))) {
      const bad = String.fromCodePoint(id.codePointAt(i) ?? 0);
      issues.push({ path, message: `may contain only letters, digits, "_" and "-", got ${describe(bad)} in ${describe(id)}` });
      break;
    }
  }
};

export interface ConversationKeyBrand {
  readonly ConversationKey: unique symbol;
}

/**
 * What identifies a conversation wherever its name comes from: `projects/{project}/conversations/{id}`,
 * the name without its location. Key stored conversations by it.
 */
export type ConversationKey = t.Branded<string, ConversationKeyBrand>;

/**
 * The key of a conversation (see {@link ConversationKey}), from any spelling of its name;
 * `undefined` for a value that is not a conversation name.
 *
 * Dialogflow names a conversation `projects/{p}/locations/{l}/conversations/{id}` in its resources,
 * but its notifications say `projects/{p}/conversations/{id}` even for a regional conversation, and
 * some samples say `locations/global`. So a conversation is known by its project and its ID alone;
 * this assumes conversation IDs are unique within a project, as Google's own agent-assist backend
 * does when it strips the location before using a name as a key.
 *
 * @example
 * ```ts
 * conversationKey('projects/acme/locations/us-central1/conversations/c-42'); // 'projects/acme/conversations/c-42'
 * conversationKey('projects/acme/conversations/c-42');                       // 'projects/acme/conversations/c-42'
 * ```
 */
export const conversationKey = (name: string): ConversationKey | undefined => {
  if (typeof name !== 'string') return undefined;
  const parts = conversationNameKind.parse(name);
  return parts === undefined ? undefined : (`projects/${parts.project}/conversations/${parts.id}` as ConversationKey);
};

/**
 * Whether two names denote the same conversation: whether they have the same
 * {@link conversationKey}, whatever their locations say.
 *
 * @example
 * ```ts
 * sameConversation('projects/p/conversations/c', 'projects/p/locations/us-central1/conversations/c'); // true
 * ```
 */
export const sameConversation = (a: ConversationName, b: ConversationName): boolean => {
  if (a === b) return true;
  const x = conversationKey(a);
  return x !== undefined && x === conversationKey(b);
};
