import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readConversationFields, readWithEngine } from '../src/wire/conversation-resource.js';
import { INVALID } from '../src/wire/reader.js';
import { isCanonicalTimestampText, parseTimestampText } from '../src/wire/well-known-types.js';
import { canonicalConversationJson, canonicalTimestamp, respelledConversationJson } from './arbitraries.js';

// The decoders have fast paths for the common case. They only ever accept what the general path
// accepts, with the same result; these properties would fail if one drifted from the other.

/** Timestamp-like text: canonical ones, and the same with one character changed, added or removed. */
const timestampLike = fc.oneof(
  canonicalTimestamp,
  fc
    .tuple(canonicalTimestamp, fc.nat(), fc.constantFrom(...'0123456789-:TZtz.+ 5'), fc.constantFrom('replace', 'insert', 'delete'))
    .map(([ts, at, c, how]) => {
      const i = at % ts.length;
      if (how === 'replace') return ts.slice(0, i) + c + ts.slice(i + 1);
      if (how === 'insert') return ts.slice(0, i) + c + ts.slice(i);
      return ts.slice(0, i) + ts.slice(i + 1);
    }),
  fc.constantFrom(
    '2024-02-29T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-11-23T23:59:59.999999999Z',
    '2026-11-23T24:00:00Z',
    '2026-11-23T10:60:00Z',
    '2026-11-23T10:15:60Z',
    '0000-01-01T00:00:00Z',
    '2026-11-23T10:15:30.000Z',
    '2026-11-23T10:15:30.100000Z',
    '2026-11-23T10:15:30.000000001Z',
  ),
);

describe('fast paths agree with the general ones', () => {
  it('a timestamp is accepted as canonical exactly when the full parser returns it unchanged', () => {
    fc.assert(
      fc.property(timestampLike, (s) => {
        expect(isCanonicalTimestampText(s)).toBe(parseTimestampText(s) === s);
      }),
      { numRuns: 20_000 },
    );
  });

  it('a conversation of the common shape reads the same as through the engine, problems included', () => {
    const junk = fc.oneof(fc.jsonValue(), fc.constantFrom('', 'projects/p/conversations/c', '2026-11-23T10:15:30Z', 0, 1, 'COMPLETED'));
    const commonShape = fc.oneof(
      canonicalConversationJson.map((json) => {
        const { name, lifecycleState, conversationProfile, phoneNumber, startTime, endTime, conversationStage } = json;
        return JSON.parse(
          JSON.stringify({ name, lifecycleState, conversationProfile, phoneNumber, startTime, endTime, conversationStage }),
        );
      }),
      fc.record(
        {
          name: junk,
          lifecycleState: junk,
          conversationProfile: junk,
          phoneNumber: junk,
          startTime: junk,
          endTime: junk,
          conversationStage: junk,
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          commonShape,
          respelledConversationJson.map((r) => r.respelled),
        ),
        (json: unknown) => {
          const viaFast: Array<{ path: string; message: string }> = [];
          const viaGeneral: Array<{ path: string; message: string }> = [];
          const fast = readConversationFields(json, viaFast, '', undefined, false);
          if (fast === INVALID) return;
          const general = readWithEngine(json as Record<string, unknown>, viaGeneral, '', undefined, false);
          // The same problems (in any order); when there are none, the same values.
          const sorted = (issues: Array<{ path: string; message: string }>) => issues.map((i) => `${i.path}: ${i.message}`).sort();
          expect(sorted(viaFast)).toEqual(sorted(viaGeneral));
          expect(fast.invalid).toBe(general.invalid);
          if (!fast.invalid) expect(fast).toEqual(general);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
