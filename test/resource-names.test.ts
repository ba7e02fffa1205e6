import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import {
  ConversationNameCodec,
  ConversationProfileNameCodec,
  formatConversationName,
  formatConversationProfileName,
  parseConversationName,
  parseConversationProfileName,
} from '../src/wire/index.js';
import { left, right, viaCodec } from './helpers.js';

describe('resource names are branded strings of a fixed shape', () => {
  it.each([
    'projects/acme/conversations/c-42',
    'projects/acme/locations/global/conversations/c-42',
    'projects/acme-contact-center/locations/us-central1/conversations/Xk3pQ9sT2vLmN8wR',
    'projects/example.com:acme/conversations/c_1',
    'projects/123456789012/locations/europe-west2/conversations/a.b~c',
  ])('conversation name %s', (name) => {
    expect(right(viaCodec(ConversationNameCodec, name))).toBe(name);
  });

  it.each(['projects/acme/conversationProfiles/support', 'projects/acme/locations/global/conversationProfiles/support-en-us'])(
    'conversation profile name %s',
    (name) => {
      expect(right(viaCodec(ConversationProfileNameCodec, name))).toBe(name);
    },
  );

  it.each([
    ['', 'conversation'],
    ['projects/acme/conversations/', 'conversation'],
    ['projects//conversations/c', 'conversation'],
    ['projects/acme/conversations/c/', 'conversation'],
    ['/projects/acme/conversations/c', 'conversation'],
    ['projects/acme/conversationProfiles/p', 'conversation'],
    ['projects/acme/locations/conversations/c', 'conversation'],
    ['projects/acme/locations/global/agents/a/conversations/c', 'conversation'],
    ['projects/acme/conversations/c d', 'conversation'],
    ['projects/acme/conversations/c"d', 'conversation'],
    ['projects/acme/conversations/c\n', 'conversation'],
    ['Projects/acme/conversations/c', 'conversation'],
    ['projects/acme/conversations/c42', 'profile'],
    ['projects/acme/conversationprofiles/p', 'profile'],
  ])('rejects %j as a %s name', (name, kind) => {
    const codec = (kind === 'profile' ? ConversationProfileNameCodec : ConversationNameCodec) as unknown as t.Type<string, string, unknown>;
    expect(left(viaCodec(codec, name)).message).toContain(
      `expected a ${kind === 'profile' ? 'conversation profile' : 'conversation'} name like projects/{project}/`,
    );
  });

  it('rejects the empty string as a profile name, before and after names are remembered', () => {
    // Profile names are remembered once checked; a slot not yet used must not make '' a name.
    expect(ConversationProfileNameCodec.is('')).toBe(false);
    expect(ConversationProfileNameCodec.decode('')._tag).toBe('Left');
    right(ConversationProfileNameCodec.decode('projects/acme/conversationProfiles/support'));
    expect(ConversationProfileNameCodec.is('projects/acme/conversationProfiles/support')).toBe(true);
    expect(ConversationProfileNameCodec.is('')).toBe(false);
    expect(ConversationProfileNameCodec.decode('')._tag).toBe('Left');
  });

  it('rejects non-strings', () => {
    expect(left(viaCodec(ConversationNameCodec, 42)).message).toContain('got 42');
  });

  it('splits and builds names', () => {
    const name = right(viaCodec(ConversationNameCodec, 'projects/acme/locations/global/conversations/c-42'));
    expect(parseConversationName(name)).toEqual({ project: 'acme', location: 'global', id: 'c-42' });
    expect(formatConversationName({ project: 'acme', id: 'c-42' })).toBe('projects/acme/conversations/c-42');
    expect(formatConversationName({ project: 'acme', id: 'c/42' })).toBeUndefined();
    const profile = right(viaCodec(ConversationProfileNameCodec, 'projects/acme/conversationProfiles/support'));
    expect(parseConversationProfileName(profile)).toEqual({ project: 'acme', id: 'support' });
    expect(formatConversationProfileName({ project: 'acme', location: 'global', id: 'support' })).toBe(
      'projects/acme/locations/global/conversationProfiles/support',
    );
  });
});

describe('names are remembered to check the next ones faster, but not names of megabytes', () => {
  it('a valid name of 20 MB is checked, and neither its prefix nor itself kept once dropped', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = (): number => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = heap();
    (() => {
      const name = `projects/p/conversations/${'a'.repeat(20_000_000)}`;
      const profile = `projects/p/conversationProfiles/${'b'.repeat(20_000_000)}`;
      expect(ConversationNameCodec.is(name)).toBe(true);
      expect(ConversationProfileNameCodec.is(profile)).toBe(true);
    })();
    // Kept, they would hold 40 MB (a slice keeps the whole string it was cut from).
    expect(heap() - before).toBeLessThan(8_000_000);
  });
});
