import type * as t from 'io-ts';
import { codecFromReader } from './reader.js';
import { type ResourceNameParts, resourceNameKind } from './resource-name.js';

export interface ConversationProfileNameBrand {
  readonly ConversationProfileName: unique symbol;
}

/**
 * A conversation profile's resource name: `projects/{project}/conversationProfiles/{id}` or
 * `projects/{project}/locations/{location}/conversationProfiles/{id}`.
 */
export type ConversationProfileName = t.Branded<string, ConversationProfileNameBrand>;

/** @internal */
export const conversationProfileNameKind = resourceNameKind<ConversationProfileNameBrand>(
  'conversationProfiles',
  'conversation profile name',
  // A backend's conversations share a few profiles (one per language, say, in a few locations).
  16,
);

export interface ConversationProfileNameCodec extends t.Type<ConversationProfileName, string, unknown> {}

/**
 * io-ts codec for a conversation profile's resource name.
 *
 * @example
 * ```ts
 * ConversationProfileNameCodec.decode('projects/acme/conversationProfiles/support'); // right(...)
 * ```
 */
export const ConversationProfileNameCodec: ConversationProfileNameCodec = codecFromReader<ConversationProfileName, string>(
  'ConversationProfileName',
  conversationProfileNameKind.is,
  conversationProfileNameKind.read,
  (name) => name,
);

/**
 * Splits a conversation profile name into project, optional location and profile ID.
 *
 * @example
 * ```ts
 * parseConversationProfileName(profile); // { project: 'acme', id: 'support' }
 * ```
 */
export const parseConversationProfileName = (name: ConversationProfileName): ResourceNameParts =>
  conversationProfileNameKind.parse(name) ?? { project: '', id: '' };

/**
 * Builds a conversation profile name from its parts; `undefined` when a part is not a valid segment.
 *
 * @example
 * ```ts
 * formatConversationProfileName({ project: 'acme', location: 'global', id: 'support' });
 * ```
 */
export const formatConversationProfileName = (parts: ResourceNameParts): ConversationProfileName | undefined =>
  conversationProfileNameKind.format(parts);

/**
 * Whether two names denote the same conversation profile (a name without `locations/` is in the
 * global location).
 *
 * @example
 * ```ts
 * sameConversationProfile('projects/p/conversationProfiles/x', 'projects/p/locations/global/conversationProfiles/x'); // true
 * ```
 */
export const sameConversationProfile = (a: ConversationProfileName, b: ConversationProfileName): boolean => {
  if (a === b) return true;
  const x = conversationProfileNameKind.parse(a);
  const y = conversationProfileNameKind.parse(b);
  return (
    x !== undefined && y !== undefined && x.project === y.project && x.id === y.id && (x.location ?? 'global') === (y.location ?? 'global')
  );
};
