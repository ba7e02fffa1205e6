import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeListConversationsResponse,
  encodeCreateConversationRequest,
  encodeListConversationsRequest,
  lifecycleStateFilter,
  parseListConversationsResponse,
} from '../src/dialogflow/index.js';
import { decodeConversation, encodeConversation } from '../src/index.js';
import { asJson, canonicalConversationJson } from './arbitraries.js';
import { left, right } from './helpers.js';

const conversation = (id: string, fields: Record<string, unknown> = {}) => ({
  name: `projects/acme/conversations/${id}`,
  lifecycleState: 'COMPLETED',
  conversationProfile: 'projects/acme/conversationProfiles/support',
  startTime: '2026-11-23T10:00:00Z',
  endTime: '2026-11-23T10:30:00Z',
  conversationStage: 'HUMAN_ASSIST_STAGE',
  ...fields,
});

describe('a ListConversations page', () => {
  it('decodes in one call, with the next page token', () => {
    const page = right(
      decodeListConversationsResponse({ conversations: [conversation('a'), conversation('b')], nextPageToken: 'tok' }, { version: 3 }),
    );
    expect(page.conversations.map((c) => [c.name, c.version])).toEqual([
      ['projects/acme/conversations/a', 3],
      ['projects/acme/conversations/b', 3],
    ]);
    expect(page.invalid).toEqual([]);
    expect(page.nextPageToken).toBe('tok');
    expect(right(decodeListConversationsResponse({ next_page_token: 'x' })).nextPageToken).toBe('x');
  });

  it('the last page has no token, and an empty page no conversations', () => {
    expect(right(decodeListConversationsResponse({}))).toEqual({ conversations: [], invalid: [], nextPageToken: undefined });
    expect(right(decodeListConversationsResponse({ conversations: null, nextPageToken: '' })).nextPageToken).toBeUndefined();
  });

  it('an invalid item does not sink the page: its errors come apart, with paths into the page', () => {
    const page = right(
      decodeListConversationsResponse({
        conversations: [
          conversation('a'),
          conversation('b'),
          conversation('c'),
          conversation('d', { startTime: '2026-02-30T00:00:00Z', name: 7 }),
          'x',
        ],
      }),
    );
    expect(page.conversations.map((c) => c.name)).toEqual(['a', 'b', 'c'].map((id) => `projects/acme/conversations/${id}`));
    expect(page.invalid.map((i) => [i.index, i.error.errors.map((e) => e.path)])).toEqual([
      [3, ['conversations[3].name', 'conversations[3].startTime']],
      [4, ['conversations[4]']],
    ]);
    expect(page.invalid[0]?.error.message).toContain('conversations[3].startTime: 2026-02-30 is not a date in the calendar');
  });

  it('a malformed envelope is an error', () => {
    expect(left(decodeListConversationsResponse([])).errors[0]?.path).toBe('');
    expect(left(decodeListConversationsResponse({ conversations: {} })).errors).toEqual([
      { path: 'conversations', message: 'expected an array of conversations, got an object' },
    ]);
    expect(left(decodeListConversationsResponse({ conversations: [], nextPageToken: 1 })).errors[0]?.path).toBe('nextPageToken');
    expect(left(parseListConversationsResponse('{')).message).toContain('invalid JSON');
    expect(left(decodeListConversationsResponse({}, { version: -1 })).errors[0]?.message).toContain('version');
  });

  it('from text and from objects alike, for any page, never throwing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(canonicalConversationJson, fc.jsonValue())),
        fc.option(fc.string(), { nil: undefined }),
        (items, token) => {
          // As JSON carries it (fc.jsonValue() may hold -0, which JSON writes as 0).
          const json = asJson({ conversations: items, ...(token === undefined ? {} : { nextPageToken: token }) });
          const page = right(decodeListConversationsResponse(json));
          expect(page.conversations.length + page.invalid.length).toBe(items.length);
          const valid = (json.conversations as unknown[]).filter((item) => decodeConversation(item)._tag === 'Right');
          expect(page.conversations.map(encodeConversation)).toEqual(
            valid.map((item) => encodeConversation(right(decodeConversation(item)))),
          );
          expect(right(parseListConversationsResponse(JSON.stringify(json)))).toEqual(page);
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.anything(), (u) => {
        expect(() => decodeListConversationsResponse(u)).not.toThrow();
        expect(() => decodeListConversationsResponse({ conversations: [u] })).not.toThrow();
      }),
    );
  });

  it('the filter helper builds AIP-160 filters on lifecycle_state, and refuses anything else', () => {
    expect(right(lifecycleStateFilter('COMPLETED'))).toBe('lifecycle_state = "COMPLETED"');
    expect(right(lifecycleStateFilter('IN_PROGRESS'))).toBe('lifecycle_state = "IN_PROGRESS"');
    expect(left(lifecycleStateFilter('LIFECYCLE_STATE_UNSPECIFIED' as 'COMPLETED')).errors).toEqual([
      { path: 'lifecycleState', message: 'expected IN_PROGRESS or COMPLETED, got "LIFECYCLE_STATE_UNSPECIFIED"' },
    ]);
    expect(left(lifecycleStateFilter('COMPLETED" OR 1=1' as 'COMPLETED')).type).toBe('InvalidArgument');
  });

  it('a list request: parent, page size (at most 1000), page token and filter, checked', () => {
    expect(
      right(
        encodeListConversationsRequest({
          parent: 'projects/acme/locations/global',
          pageSize: 1000,
          pageToken: 'a b',
          lifecycleState: 'COMPLETED',
        }),
      ),
    ).toBe('v2/projects/acme/locations/global/conversations?pageSize=1000&pageToken=a%20b&filter=lifecycle_state%20%3D%20%22COMPLETED%22');
    expect(right(encodeListConversationsRequest({ parent: 'projects/acme' }))).toBe('v2/projects/acme/conversations');
    expect(left(encodeListConversationsRequest({ parent: 'acme', pageSize: 1001 })).errors.map((e) => e.path)).toEqual([
      'parent',
      'pageSize',
    ]);
  });
});

describe('a CreateConversation request', () => {
  const profile = 'projects/acme/locations/global/conversationProfiles/support';

  it('carries only the input fields in its body, never output-only ones', () => {
    const full = right(
      decodeConversation({
        name: 'projects/acme/locations/global/conversations/c',
        lifecycleState: 'COMPLETED',
        conversationProfile: profile,
        phoneNumber: { phoneNumber: '+1' },
        startTime: '2026-11-23T10:00:00Z',
        endTime: '2026-11-23T10:30:00Z',
        conversationStage: 'HUMAN_ASSIST_STAGE',
        telephonyConnectionInfo: { dialedNumber: '+1' },
      }),
    );
    const request = right(encodeCreateConversationRequest({ parent: 'projects/acme/locations/global', conversation: full }));
    expect(request.body).toEqual({ conversationProfile: profile, conversationStage: 'HUMAN_ASSIST_STAGE' });
    expect(Object.keys(request.body)).toEqual(['conversationProfile', 'conversationStage']);
    expect(request.url).toBe('v2/projects/acme/locations/global/conversations');
    expect(request.conversationId).toBeUndefined();
    // The default stage is the same as not asking.
    expect(
      right(
        encodeCreateConversationRequest({
          parent: 'projects/acme',
          conversation: { conversationProfile: profile, conversationStage: 'CONVERSATION_STAGE_UNSPECIFIED' },
        }),
      ).body,
    ).toEqual({ conversationProfile: profile });
  });

  it('takes a conversation ID that matches [a-zA-Z][a-zA-Z0-9_-]*, 3 to 64 characters', () => {
    for (const id of ['abc', 'Call_2026-11-23', `a${'b'.repeat(63)}`]) {
      const request = right(
        encodeCreateConversationRequest({ parent: 'projects/acme', conversation: { conversationProfile: profile }, conversationId: id }),
      );
      expect(request.conversationId).toBe(id);
      expect(request.url).toBe(`v2/projects/acme/conversations?conversationId=${id}`);
    }
  });

  it('refuses a bad conversation ID, saying which rule it breaks', () => {
    const problems = (conversationId: string) =>
      left(
        encodeCreateConversationRequest({ parent: 'projects/acme', conversation: { conversationProfile: profile }, conversationId }),
      ).errors.map((e) => e.message);
    expect(problems('ab')).toEqual(['expected 3 to 64 characters, got 2 in "ab"']);
    expect(problems(`a${'b'.repeat(64)}`)).toEqual([expect.stringContaining('expected 3 to 64 characters, got 65')]);
    expect(problems('1abc')).toEqual(['must start with a letter (a-z, A-Z), got "1abc"']);
    expect(problems('_abc')).toEqual(['must start with a letter (a-z, A-Z), got "_abc"']);
    expect(problems('abc def')).toEqual(['may contain only letters, digits, "_" and "-", got " " in "abc def"']);
    expect(problems('a.')).toEqual([
      'expected 3 to 64 characters, got 2 in "a."',
      'may contain only letters, digits, "_" and "-", got "." in "a."',
    ]);
    expect(problems('')).toEqual(['expected 3 to 64 characters, got 0 in ""']);
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (id) => {
        const ok = /^[a-zA-Z][a-zA-Z0-9_-]*$/.test(id) && id.length >= 3 && id.length <= 64;
        const result = encodeCreateConversationRequest({
          parent: 'projects/acme',
          conversation: { conversationProfile: profile },
          conversationId: id,
        });
        expect(result._tag).toBe(ok ? 'Right' : 'Left');
      }),
    );
  });

  it('checks the parent, the profile and the stage, each at its path', () => {
    const error = left(
      encodeCreateConversationRequest({
        parent: 'projects/acme/conversations',
        conversation: { conversationProfile: 'projects/acme/agents/a', conversationStage: 'ROBOT_STAGE' as 'HUMAN_ASSIST_STAGE' },
      }),
    );
    expect(error.errors.map((e) => e.path)).toEqual(['parent', 'conversation.conversationProfile', 'conversation.conversationStage']);
    expect(left(encodeCreateConversationRequest({ parent: 'projects/acme' } as never)).errors[0]?.path).toBe('conversation');
    expect(
      right(
        encodeCreateConversationRequest({
          parent: 'projects/example.com:acme/locations/us-central1',
          conversation: { conversationProfile: profile },
        }),
      ).url,
    ).toBe('v2/projects/example.com:acme/locations/us-central1/conversations');
  });
});
