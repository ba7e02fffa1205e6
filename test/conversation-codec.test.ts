import { describe, expect, it } from 'vitest';
import {
  type Conversation,
  ConversationCodec,
  decodeConversation,
  encodeConversation,
  parseConversation,
  stringifyConversation,
} from '../src/index.js';
import { ConversationResourceCodec } from '../src/wire/index.js';
import { fixture, left, right, viaCodec } from './helpers.js';

const base = {
  name: 'projects/acme/locations/global/conversations/c-42',
  lifecycleState: 'IN_PROGRESS',
  conversationProfile: 'projects/acme/locations/global/conversationProfiles/support',
  startTime: '2026-11-23T10:15:30Z',
  conversationStage: 'VIRTUAL_AGENT_STAGE',
};
const problems = (json: unknown) => left(decodeConversation(json)).errors;

describe('decoding realistic payloads', () => {
  it('a conversation in progress with a virtual agent', async () => {
    const c = right(parseConversation(await fixture('in-progress-virtual-agent.json')));
    expect(c).toEqual({
      name: 'projects/acme-contact-center/locations/global/conversations/Xk3pQ9sT2vLmN8wR',
      lifecycleState: 'IN_PROGRESS',
      conversationProfile: 'projects/acme-contact-center/locations/global/conversationProfiles/support-en-us',
      phoneNumber: { countryCode: 1, phoneNumber: '+1 650-253-0000' },
      startTime: '2026-11-23T10:15:30.123456Z',
      conversationStage: 'VIRTUAL_AGENT_STAGE',
      version: 0,
    });
  });

  it('a completed conversation with every field, the newer ones and an unknown one kept as they came', async () => {
    const text = await fixture('completed-all-fields.json');
    const c = right(parseConversation(text));
    expect(c.lifecycleState).toBe('COMPLETED');
    expect(c.endTime).toBe('2026-11-23T09:17:42.500Z');
    expect(Object.keys(c.unknownFields ?? {})).toEqual([
      'telephonyConnectionInfo',
      'initialConversationProfile',
      'ingestedContextReferences',
      'initialGeneratorContexts',
      'satisfactionScore',
    ]);
    // Already canonical: decode then encode gives the same document, key for key.
    expect(encodeConversation(c)).toEqual(JSON.parse(text));
    expect(stringifyConversation(c)).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('snake_case names, enum numbers, an offset with nanoseconds, and nulls', async () => {
    const c = right(parseConversation(await fixture('human-assist-snake-case.json')));
    expect(c).toEqual({
      name: 'projects/acme-contact-center/conversations/agent-chat-77',
      lifecycleState: 'IN_PROGRESS',
      conversationProfile: 'projects/acme-contact-center/conversationProfiles/agent-assist-only',
      startTime: '2026-11-23T11:00:00.000000001Z',
      conversationStage: 'HUMAN_ASSIST_STAGE',
      version: 0,
    });
    expect(stringifyConversation(c)).toBe(
      '{"name":"projects/acme-contact-center/conversations/agent-chat-77","lifecycleState":"IN_PROGRESS",' +
        '"conversationProfile":"projects/acme-contact-center/conversationProfiles/agent-assist-only",' +
        '"startTime":"2026-11-23T11:00:00.000000001Z","conversationStage":"HUMAN_ASSIST_STAGE"}',
    );
  });
});

describe('input rules', () => {
  it('the last spelling of a field wins', () => {
    expect(right(decodeConversation({ ...base, lifecycleState: 'IN_PROGRESS', lifecycle_state: 'COMPLETED' })).lifecycleState).toBe(
      'COMPLETED',
    );
    const { lifecycleState: _, ...rest } = base;
    expect(right(decodeConversation({ ...rest, lifecycle_state: 'COMPLETED', lifecycleState: 'IN_PROGRESS' })).lifecycleState).toBe(
      'IN_PROGRESS',
    );
    // Text: the last occurrence of a repeated key wins (JSON.parse's rule).
    const text = JSON.stringify(rest).replace('{', '{"lifecycleState":"COMPLETED","lifecycleState":"IN_PROGRESS",');
    expect(right(parseConversation(text)).lifecycleState).toBe('IN_PROGRESS');
    // A later null unsets an earlier value.
    expect(right(decodeConversation({ ...base, endTime: '2026-11-23T11:00:00Z', end_time: null })).endTime).toBeUndefined();
  });

  it('null means absent, for known and unknown fields alike', () => {
    const c = right(decodeConversation({ ...base, phoneNumber: null, endTime: null, futureField: null }));
    expect(c.phoneNumber).toBeUndefined();
    expect(c.endTime).toBeUndefined();
    expect(c.unknownFields).toBeUndefined();
    expect(encodeConversation(c)).not.toHaveProperty('futureField');
  });

  it('countryCode as a number or a numeric string, in either spelling', () => {
    expect(right(decodeConversation({ ...base, phoneNumber: { countryCode: '44' } })).phoneNumber).toEqual({ countryCode: 44 });
    expect(right(decodeConversation({ ...base, phone_number: { country_code: 1e2, phone_number: '+1' } })).phoneNumber).toEqual({
      countryCode: 100,
      phoneNumber: '+1',
    });
  });

  it('a present but empty phone number is kept: message fields have presence', () => {
    const c = right(decodeConversation({ ...base, phoneNumber: {} }));
    expect(encodeConversation(c).phoneNumber).toEqual({});
    // Defaults inside it are the same as absent.
    expect(
      encodeConversation(right(decodeConversation({ ...base, phoneNumber: { countryCode: 0, phoneNumber: '' } }))).phoneNumber,
    ).toEqual({});
  });

  it('empty maps are defaults, left out on output', () => {
    const c = right(decodeConversation({ ...base, ingestedContextReferences: {}, initial_generator_contexts: {} }));
    expect(c.unknownFields).toBeUndefined();
    expect(Object.keys(encodeConversation(c))).toEqual(['name', 'lifecycleState', 'conversationProfile', 'startTime', 'conversationStage']);
  });

  it('the newer fields are known in both spellings and emitted in camelCase, in field order', () => {
    const c = right(
      decodeConversation({
        future_thing: 1,
        initial_generator_contexts: { g: { generatorType: 'FREE_FORM' } },
        telephony_connection_info: { dialedNumber: '+1' },
        ...base,
      }),
    );
    expect(Object.keys(encodeConversation(c))).toEqual([
      'name',
      'lifecycleState',
      'conversationProfile',
      'startTime',
      'conversationStage',
      'telephonyConnectionInfo',
      'initialGeneratorContexts',
      'future_thing',
    ]);
  });
});

describe('errors say where and what, and list every problem', () => {
  it('the example from the guide', () => {
    expect(left(decodeConversation({ ...base, phoneNumber: { countryCode: 1.5 } })).message).toBe(
      'phoneNumber.countryCode: expected an int32, got 1.5',
    );
  });

  it('every problem at once, with paths in the spelling the input used', () => {
    expect(
      problems({
        name: 'conversations/c',
        lifecycle_state: 'FINISHED',
        phone_number: { country_code: '1x', phoneNumber: 7 },
        startTime: '2025-02-29T00:00:00Z',
        endTime: 5,
        conversationStage: 3,
        telephonyConnectionInfo: 'sip:1',
      }).map((e) => e.path),
    ).toEqual([
      'name',
      'lifecycle_state',
      'phone_number.country_code',
      'phone_number.phoneNumber',
      'startTime',
      'endTime',
      'telephonyConnectionInfo',
      'conversationProfile',
      'conversationStage',
    ]);
  });

  it.each([
    ['name', 'missing: every Conversation returned by Dialogflow has it'],
    ['lifecycleState', 'missing: every Conversation returned by Dialogflow has it'],
    ['conversationProfile', 'missing: every Conversation returned by Dialogflow has it'],
    ['startTime', 'missing: every Conversation returned by Dialogflow has it'],
  ])('a missing %s', (field, message) => {
    const { [field]: _, ...rest } = base as Record<string, unknown>;
    expect(problems(rest)).toEqual([{ path: field, message }]);
    expect(problems({ ...rest, [field]: null })).toEqual([{ path: field, message }]);
  });

  it.each([
    [
      { lifecycleState: 'LIFECYCLE_STATE_UNSPECIFIED' },
      'lifecycleState',
      'expected IN_PROGRESS or COMPLETED, got "LIFECYCLE_STATE_UNSPECIFIED"',
    ],
    [{ lifecycleState: 0 }, 'lifecycleState', 'expected IN_PROGRESS or COMPLETED, got "LIFECYCLE_STATE_UNSPECIFIED"'],
    [{ conversationStage: 9 }, 'conversationStage', 'expected VIRTUAL_AGENT_STAGE or HUMAN_ASSIST_STAGE, got 9'],
    [{ name: '' }, 'name', 'expected a conversation name, got ""'],
    [{ conversationProfile: '' }, 'conversationProfile', 'expected a conversation profile name, got ""'],
  ])('an unspecified value %j', (patch, path, message) => {
    expect(problems({ ...base, ...patch })).toEqual([{ path, message }]);
  });

  it('the whole value of the wrong kind', () => {
    expect(problems([])).toEqual([{ path: '', message: 'expected a Conversation object, got an array' }]);
    expect(problems('x')).toEqual([{ path: '', message: 'expected a Conversation object, got "x"' }]);
    expect(problems(null)).toEqual([{ path: '', message: 'expected a Conversation object, got null' }]);
    expect(left(parseConversation('{"name":')).message).toMatch(/^invalid JSON: /);
  });

  it('values JSON cannot carry, in unknown fields', () => {
    const errors = problems({ ...base, a: undefined, b: () => 1, c: Number.NaN, d: new Date(0), e: [1, Symbol('s')], f: 10n });
    expect(errors.map((e) => e.path)).toEqual(['a', 'b', 'c', 'd', 'e[1]', 'f']);
    expect(errors[0]?.message).toBe('expected a JSON value, got undefined');
  });

  it('nesting deeper than 100 levels, and cycles, are refused rather than overflowing', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(problems({ ...base, deep })[0]?.message).toBe('nested deeper than 100 levels');
    const cycle: Record<string, unknown> = { list: [] };
    cycle.self = cycle;
    (cycle.list as unknown[]).push(cycle);
    // Each way back is reported once, where it is: not 2^100 paths to the depth limit.
    expect(problems({ ...base, cycle })).toEqual([
      { path: 'cycle.list[0]', message: 'expected a JSON value, got an object that contains itself' },
      { path: 'cycle.self', message: 'expected a JSON value, got an object that contains itself' },
    ]);
    const text = `{"name":"x","deep":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    expect(left(parseConversation(text)).errors.map((e) => e.message)).toContain('nested deeper than 100 levels');
  });

  it('a part shared by many fields is read once, and kept equal wherever it is', () => {
    // 60 levels, each referring twice to the one below: 2^60 paths, 60 objects.
    let shared: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 60; i++) shared = { a: shared, b: shared };
    const c = right(decodeConversation({ ...base, shared }));
    let at = c.unknownFields?.shared as Record<string, unknown>;
    for (let i = 0; i < 60; i++) {
      expect(at.a).toBe(at.b);
      at = at.a as Record<string, unknown>;
    }
    expect(at).toEqual({ leaf: true });
    expect(Object.isFrozen(at)).toBe(true);
    expect(Object.isFrozen(shared)).toBe(false); // the caller's objects are copied, not frozen
  });

  it('options of the wrong type, or that cannot be read, are an error at options', () => {
    const message = (options: unknown) => left(decodeConversation(base, options as never)).message;
    expect(message(5)).toBe('options: expected an object, got 5');
    expect(message({ version: -1 })).toBe('version: expected a whole number ≥ 0, got -1');
    expect(message({ virtualAgent: 'yes' })).toBe(
      'options.virtualAgent: expected a boolean or a function of the conversation profile, got "yes"',
    );
    expect(message({ virtualAgent: () => 'yes' })).toBe(
      'options.virtualAgent: expected a boolean for projects/acme/locations/global/conversationProfiles/support, got "yes"',
    );
    expect(
      message({
        virtualAgent: () => {
          throw new Error('no directory');
        },
      }),
    ).toBe('options.virtualAgent threw for projects/acme/locations/global/conversationProfiles/support: no directory');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(message(hostile)).toBe('options: could not read them: trap');
    expect(left(parseConversation(5 as never)).message).toBe('expected JSON text, got 5');
  });

  it('encoding what is not a conversation (a cast, JavaScript) gives undefined, never an exception', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    for (const value of [hostile, null, 5, 'text']) {
      expect(encodeConversation(value as never)).toBeUndefined();
      expect(stringifyConversation(value as never)).toBeUndefined();
      expect(ConversationCodec.encode(value as never)).toBeUndefined();
      expect(ConversationCodec.is(value)).toBe(false);
    }
  });

  it('hostile inputs (throwing getters, proxies) give an error, never an exception', () => {
    const getter = Object.defineProperty({ ...base }, 'name', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(left(decodeConversation(getter)).message).toBe('could not read the input: boom');
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    expect(left(decodeConversation(proxy)).message).toBe('could not read the input: no keys');
  });
});

describe('unknown fields', () => {
  it('are kept and emitted again unchanged, after the known ones, in their order', () => {
    const input = { zeta: { deep: [1, { x: null }] }, ...base, alpha: 'a', count: 0, flag: false, empty: {}, list: [] };
    const out = encodeConversation(right(decodeConversation(input)));
    expect(out).toEqual(input);
    expect(Object.keys(out).slice(5)).toEqual(['zeta', 'alpha', 'count', 'flag', 'empty', 'list']);
  });

  it('never pollute prototypes, whatever their keys', () => {
    const text = `{"name":"${base.name}","lifecycleState":"IN_PROGRESS","conversationProfile":"${base.conversationProfile}",
      "startTime":"2026-11-23T10:15:30Z","conversationStage":1,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},
      "phoneNumber":{"__proto__":{"polluted":true},"phoneNumber":"+1"}}`;
    const c = right(parseConversation(text));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(c.unknownFields)).toBe(Object.prototype);
    expect(Object.keys(c.unknownFields ?? {})).toEqual(['__proto__', 'constructor']);
    const out = encodeConversation(c);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as Record<string, unknown>).polluted).toBeUndefined();
    expect(stringifyConversation(c)).toContain('"__proto__":{"polluted":true}');
    expect(stringifyConversation(c)).toBe(
      `{"name":"${base.name}","lifecycleState":"IN_PROGRESS","conversationProfile":"${base.conversationProfile}",` +
        '"phoneNumber":{"phoneNumber":"+1","__proto__":{"polluted":true}},"startTime":"2026-11-23T10:15:30Z",' +
        '"conversationStage":"VIRTUAL_AGENT_STAGE","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    // (Compared as text: an own "constructor" key confuses deep equality.)
    expect(stringifyConversation(right(decodeConversation(JSON.parse(text))))).toBe(stringifyConversation(c));
  });
});

describe('immutability', () => {
  it('the aggregate and everything in it is frozen', () => {
    const c = right(decodeConversation({ ...base, phoneNumber: { phoneNumber: '+1' }, extra: { list: [{ a: 1 }] } }));
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.phoneNumber)).toBe(true);
    expect(Object.isFrozen(c.unknownFields)).toBe(true);
    const extra = c.unknownFields?.extra as { list: Array<{ a: number }> };
    expect(Object.isFrozen(extra.list[0])).toBe(true);
    expect(() => {
      (c as { lifecycleState: string }).lifecycleState = 'COMPLETED';
    }).toThrow(TypeError);
  });

  it('decodeConversation neither freezes nor shares the caller’s objects', () => {
    const extra = { list: [{ a: 1 }] };
    const input = { ...base, extra };
    const c = right(decodeConversation(input));
    expect(Object.isFrozen(extra)).toBe(false);
    extra.list[0]!.a = 2;
    expect(c.unknownFields?.extra).toEqual({ list: [{ a: 1 }] });
  });

  it('an encoded object is fresh, and what it shares is frozen: changing it changes nothing held', () => {
    const c = right(decodeConversation({ ...base, phoneNumber: { phoneNumber: '+1' } }));
    const out = encodeConversation(c) as Record<string, unknown>;
    out.name = 'x';
    expect(() => {
      (out.phoneNumber as Record<string, unknown>).phoneNumber = 'y';
    }).toThrow(TypeError);
    expect(c.name).toBe(base.name);
    expect(c.phoneNumber?.phoneNumber).toBe('+1');
  });
});

describe('versions and the io-ts codecs', () => {
  it('a decoded conversation is at version 0 unless told otherwise', () => {
    expect(right(decodeConversation(base)).version).toBe(0);
    expect(right(decodeConversation(base, { version: 7 })).version).toBe(7);
    expect(left(decodeConversation(base, { version: -1 })).message).toContain('version');
    expect(left(decodeConversation(base, { version: 1.5 })).message).toContain('version');
  });

  it('ConversationCodec composes with other io-ts codecs and reports paths', async () => {
    const t = await import('io-ts');
    const Page = t.type({ conversations: t.array(ConversationCodec) });
    const error = left(viaCodec(Page, { conversations: [base, { ...base, startTime: 'soon' }] }));
    expect(error.errors).toEqual([
      { path: 'conversations[1].startTime', message: 'expected an RFC 3339 timestamp such as 2026-11-23T10:15:30Z, got "soon"' },
    ]);
    const page = right(viaCodec(Page, { conversations: [base] }));
    expect(Page.encode(page)).toEqual({ conversations: [base] });
    expect(ConversationCodec.is(page.conversations[0])).toBe(true);
    expect(ConversationCodec.is(base)).toBe(false);
  });

  it('ConversationResource decodes partial bodies under ProtoJSON rules, defaults as absent', () => {
    const body = right(viaCodec(ConversationResourceCodec, { conversation_profile: base.conversationProfile, conversationStage: 0 }));
    expect(body).toEqual({ conversationProfile: base.conversationProfile });
    expect(ConversationResourceCodec.encode(body)).toEqual({ conversationProfile: base.conversationProfile });
    expect(right(viaCodec(ConversationResourceCodec, {}))).toEqual({});
    expect(left(viaCodec(ConversationResourceCodec, { startTime: 'x' })).errors[0]?.path).toBe('startTime');
  });
});

describe('encoding', () => {
  it('follows field-number order whatever the input order', () => {
    const c = right(
      decodeConversation({
        conversationStage: 2,
        endTime: '2026-11-23T11:00:00+01:00',
        startTime: base.startTime,
        phoneNumber: { phoneNumber: '+1', countryCode: 1 },
        conversationProfile: base.conversationProfile,
        lifecycleState: 2,
        name: base.name,
      }),
    );
    expect(stringifyConversation(c)).toBe(
      `{"name":"${base.name}","lifecycleState":"COMPLETED","conversationProfile":"${base.conversationProfile}",` +
        '"phoneNumber":{"countryCode":1,"phoneNumber":"+1"},"startTime":"2026-11-23T10:15:30Z","endTime":"2026-11-23T10:00:00Z",' +
        '"conversationStage":"HUMAN_ASSIST_STAGE"}',
    );
  });

  it('never emits null and is JSON-safe', () => {
    const c: Conversation = right(decodeConversation(base));
    const text = stringifyConversation(c);
    expect(text).not.toContain('null');
    expect(JSON.parse(text)).toEqual(encodeConversation(c));
  });
});
