import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConversationCodec, decodeConversation, encodeConversation, parseConversation, stringifyConversation } from '../src/index.js';
import { ConversationResourceCodec, TimestampCodec } from '../src/wire/index.js';
import { canonicalConversationJson, respelledConversationJson } from './arbitraries.js';
import { right } from './helpers.js';

const RUNS = { numRuns: 1000 };

describe('properties of the conversation codec', () => {
  it('encode ∘ decode is the identity on canonical JSON (text for text)', () => {
    fc.assert(
      fc.property(canonicalConversationJson, (json) => {
        const text = JSON.stringify(json);
        const c = right(parseConversation(text));
        expect(stringifyConversation(c)).toBe(text);
      }),
      RUNS,
    );
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
        expect(stringifyConversation(right(decodeConversation(respelled)))).toBe(JSON.stringify(canonical));
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
