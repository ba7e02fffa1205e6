import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConversationCodec, decodeConversation, encodeConversation, parseConversation, stringifyConversation } from '../src/index.js';
import { ConversationResourceCodec, TimestampCodec } from '../src/wire/index.js';
import { canonicalConversationJson, respelledConversationJson } from './arbitraries.js';
import { right } from './helpers.js';

/** The fields of a Conversation by field number; what the canonical text writes first, then the others as they are. */
const FIELD_ORDER = [
  'name',
  'lifecycleState',
  'conversationProfile',
  'phoneNumber',
  'startTime',
  'endTime',
  'conversationStage',
  'telephonyConnectionInfo',
  'initialConversationProfile',
  'ingestedContextReferences',
  'initialGeneratorContexts',
];

const isIndex = (k: string): boolean => /^(0|[1-9][0-9]{0,8})$/.test(k);

/**
 * Canonical text of canonical JSON: known fields in field order, then unknown ones as they are,
 * those named like array indexes last (JavaScript has moved them first; the library puts them back
 * after the others).
 */
const canonicalText = (json: Readonly<Record<string, unknown>>): string => {
  const unknown = Object.keys(json).filter((k) => !FIELD_ORDER.includes(k));
  const keys = [...FIELD_ORDER.filter((k) => Object.hasOwn(json, k)), ...unknown.filter((k) => !isIndex(k)), ...unknown.filter(isIndex)];
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(json[k])}`).join(',')}}`;
};

const RUNS = { numRuns: 1000 };

describe('properties of the conversation codec', () => {
  it('encode ∘ decode is the identity on canonical JSON (text for text)', () => {
    fc.assert(
      fc.property(canonicalConversationJson, (json) => {
        const c = right(parseConversation(JSON.stringify(json)));
        expect(stringifyConversation(c)).toBe(canonicalText(json));
      }),
      RUNS,
    );
  });

  it('kept fields named like array indexes ("10") stay after the modelled fields, where they belong', () => {
    const text =
      '{"name":"projects/p/conversations/c","lifecycleState":"IN_PROGRESS","conversationProfile":"projects/p/conversationProfiles/s","startTime":"2026-11-23T10:00:00Z","conversationStage":"HUMAN_ASSIST_STAGE","10":{"kept":true},"2":[1]}';
    const out = stringifyConversation(right(parseConversation(text)));
    // JSON.parse puts "2" before "10" (JavaScript orders index keys), but both come after the modelled fields.
    expect(out).toBe(
      '{"name":"projects/p/conversations/c","lifecycleState":"IN_PROGRESS","conversationProfile":"projects/p/conversationProfiles/s","startTime":"2026-11-23T10:00:00Z","conversationStage":"HUMAN_ASSIST_STAGE","2":[1],"10":{"kept":true}}',
    );
    expect(JSON.stringify(JSON.parse(text))).not.toBe(out);
  });

  it('decode ∘ encode is the identity on aggregates', () => {
    fc.assert(
      fc.property(canonicalConversationJson, fc.nat(), (json, version) => {
        const c = right(decodeConversation(json, { version }));
        expect(right(decodeConversation(encodeConversation(c), { version }))).toEqual(c);
        expect(right(parseConversation(stringifyConversation(c), { version }))).toEqual(c);
      }),
      RUNS,
    );
  });

  it('every ProtoJSON spelling of a conversation decodes to the same aggregate', () => {
    fc.assert(
      fc.property(respelledConversationJson, ({ canonical, respelled }) => {
        expect(stringifyConversation(right(decodeConversation(respelled)))).toBe(canonicalText(canonical));
      }),
      RUNS,
    );
  });

  it('no JSON value, however malformed, makes a decoder throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          canonicalConversationJson.chain((c) => fc.jsonValue().map((v) => ({ ...c, x: v }))),
        ),
        (json) => {
          for (const decode of [decodeConversation, ConversationCodec.decode, ConversationResourceCodec.decode, TimestampCodec.decode]) {
            expect(() => decode(json)).not.toThrow();
          }
          expect(() => parseConversation(JSON.stringify(json))).not.toThrow();
        },
      ),
      RUNS,
    );
  });

  it('no value at all (class instances, symbols, undefined, getters) makes a decoder throw', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withBoxedValues: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withDate: true,
          withNullPrototype: true,
          withObjectString: true,
          withSparseArray: true,
        }),
        (u) => {
          expect(() => decodeConversation(u)).not.toThrow();
          expect(() => decodeConversation({ name: 'projects/p/conversations/c', phoneNumber: u, extra: u })).not.toThrow();
        },
      ),
      RUNS,
    );
  });

  it('no text makes parseConversation throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.json()), (text) => {
        expect(() => parseConversation(text)).not.toThrow();
      }),
      RUNS,
    );
  });

  it('a decode error lists problems with paths that exist in the input', () => {
    fc.assert(
      fc.property(
        canonicalConversationJson,
        fc.constantFrom('startTime', 'name', 'conversationStage', 'phoneNumber'),
        fc.jsonValue(),
        (json, key, bad) => {
          const result = decodeConversation({ ...json, [key]: bad });
          if (result._tag === 'Left') {
            for (const e of result.left.errors) expect(e.path.split(/[.[]/)[0]).toBe(key);
          }
        },
      ),
      RUNS,
    );
  });
});
