import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringifyPersistedSnapshot } from '../src/conversation/snapshot.js';
import {
  compareUnrecoverableErrors,
  isRecordedError,
  NO_ERRORS,
  type UnrecoverableError,
  withRecordedError,
} from '../src/conversation/unrecoverable-errors.js';
import {
  complete,
  decodeConversation,
  evolve,
  fromMachineSnapshot,
  fromPersistedSnapshot,
  handOff,
  parseConversation,
  toMachineSnapshot,
  toPersistedSnapshot,
} from '../src/index.js';
import { decodeNotification, decodeNotificationData, decodePushDelivery, type NotificationMessage } from '../src/notifications/index.js';
import { isSubscriptionName, mayBeJsonObject } from '../src/notifications/push-delivery.js';
import { decodeBase64, decodeBase64Ascii, decodeBase64Loop, decodeBase64Transient } from '../src/wire/base64.js';
import { conversationNameKind } from '../src/wire/conversation-name.js';
import { conversationProfileNameKind } from '../src/wire/conversation-profile-name.js';
import { readConversationFields, readWithEngine } from '../src/wire/conversation-resource.js';
import { messagePlan } from '../src/wire/descriptor.js';
import type { JsonObject } from '../src/wire/json-value.js';
import { readPhoneNumber, readPhoneNumberWithEngine } from '../src/wire/phone-number.js';
import { readProtoJson } from '../src/wire/protojson.js';
import { INVALID, runReader } from '../src/wire/reader.js';
import { isResourceName } from '../src/wire/resource-name.js';
import type { Timestamp } from '../src/wire/well-known-types.js';
import { isCanonicalTimestampText, parseTimestampText } from '../src/wire/well-known-types.js';
import {
  aggregate,
  canonicalConversationJson,
  canonicalTimestamp,
  conversationName,
  conversationProfileName,
  notificationJson,
  respelledConversationJson,
  suggestionJson,
} from './arbitraries.js';
import { realisticJson } from './bench/payloads.js';
import { right } from './helpers.js';

const TYPICAL = {
  name: 'projects/acme/locations/global/conversations/c-1',
  lifecycleState: 'IN_PROGRESS',
  conversationProfile: 'projects/acme/locations/global/conversationProfiles/support',
  startTime: '2026-11-23T10:00:00Z',
  conversationStage: 'VIRTUAL_AGENT_STAGE',
};

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

/** JSON, as objects of plain data (a key `__proto__` too). */
const copyJson = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(copyJson);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    Object.defineProperty(out, k, {
      value: copyJson((value as Record<string, unknown>)[k]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
};
const setEntry = (target: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
};
const snakeOf = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const NEAR_MISSES: ReadonlyArray<unknown> = [null, '', 0, -0, false, true, 1, -1, 1.5, '1', '10', 'x', [], {}, [null], { a: null }];
const NEAR_MISS_VALUES: ReadonlyArray<unknown> = [
  ...NEAR_MISSES,
  '2026-11-23T10:15:30+05:30',
  '2026-11-23T10:15:30.000Z',
  'COMPLETED',
  'LIFECYCLE_STATE_UNSPECIFIED',
  'HUMAN_ASSIST_STAGE',
  'projects/p/conversations/c',
  'projects/p/conversationProfiles/q',
  { countryCode: 1, phoneNumber: '+1' },
];
type Damage = readonly [at: number, how: 'replace' | 'snake' | 'move' | 'both' | 'unknown', junk: number];
const damage = fc.array(
  fc.tuple(fc.nat(), fc.constantFrom('replace', 'snake', 'move', 'both', 'unknown') as fc.Arbitrary<Damage[1]>, fc.nat()),
  { minLength: 1, maxLength: 3 },
);

/** The same JSON, damaged near where it is valid: a value replaced, a key respelled or moved, both spellings, a key it does not have. */
const damaged = (json: unknown, damages: ReadonlyArray<Damage>): unknown => {
  const root = copyJson(json);
  for (const [at, how, junk] of damages) {
    const objects: Array<Record<string, unknown>> = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === 'object' && v !== null) {
        objects.push(v as Record<string, unknown>);
        for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k]);
      }
    };
    walk(root);
    const target = objects[at % objects.length] as Record<string, unknown>;
    const keys = Object.keys(target);
    const key = keys[junk % Math.max(keys.length, 1)];
    const value = copyJson(NEAR_MISS_VALUES[junk % NEAR_MISS_VALUES.length]);
    if (how === 'unknown' || key === undefined) setEntry(target, ['10', '__proto__', 'zz', 'satisfactionScore'][junk % 4] as string, value);
    else if (how === 'replace') setEntry(target, key, value);
    else if (how === 'both') setEntry(target, snakeOf(key) === key ? key : snakeOf(key), junk % 2 === 0 ? target[key] : value);
    else {
      const v = target[key];
      delete target[key];
      setEntry(target, how === 'snake' ? snakeOf(key) : key, v);
    }
  }
  return root;
};

describe('a conversation read key by key, and the engine on messages in field order, agree with the general engine', () => {
  const conversations = fc.oneof(
    canonicalConversationJson,
    respelledConversationJson.map((r) => r.respelled),
    fc.tuple(canonicalConversationJson, damage).map(([json, d]) => damaged(json, d)),
    fc.tuple(respelledConversationJson, damage).map(([json, d]) => damaged(json.respelled, d)),
    fc.integer({ min: 0, max: 999 }).map((i) => realisticJson(i)),
    fc.tuple(fc.integer({ min: 0, max: 999 }), damage).map(([i, d]) => damaged(realisticJson(i), d)),
  );

  it('a Conversation: the same values and the same problems, in the same order, owned or not', () => {
    fc.assert(
      fc.property(conversations, fc.boolean(), (json, owned) => {
        const viaFast: Array<{ path: string; message: string }> = [];
        const viaEngine: Array<{ path: string; message: string }> = [];
        const fast = readConversationFields(copyJson(json), viaFast, '', undefined, owned);
        const general = readWithEngine(copyJson(json) as Record<string, unknown>, viaEngine, '', undefined, owned);
        expect(viaFast).toEqual(viaEngine);
        expect(fast).toEqual(general);
        if (fast !== INVALID && fast.unknownFields !== undefined) {
          expect(Object.keys(fast.unknownFields)).toEqual(Object.keys(general.unknownFields ?? {}));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('every message in it: read in one pass or through the table of values, the same output (keys in order) and problems', () => {
    const plan = messagePlan('google.cloud.dialogflow.v2.Conversation');
    fc.assert(
      fc.property(conversations, fc.boolean(), (json, owned) => {
        if (typeof json !== 'object' || json === null) return;
        for (const k of Object.keys(json)) {
          const field = plan.byKey.get(k);
          const message = field?.messagePlan;
          if (field === undefined || message === undefined || field.repeated || field.mapKey !== undefined) continue;
          const item = (json as Record<string, unknown>)[k];
          const a: Array<{ path: string; message: string }> = [];
          const b: Array<{ path: string; message: string }> = [];
          // An empty table of readers makes the engine take its general path (for this message; those inside it, as they are).
          const inOrder = readProtoJson(message, copyJson(item), a, '', k, 1, owned);
          const general = readProtoJson(message, copyJson(item), b, '', k, 1, owned, new Map());
          expect(a).toEqual(b);
          expect(inOrder).toEqual(general);
          if (inOrder !== INVALID && typeof inOrder === 'object' && inOrder !== null) {
            expect(Object.keys(inOrder)).toEqual(Object.keys(general as object));
            expect(Object.isFrozen(inOrder)).toBe(true);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("owned input whose kept messages are canonical keeps them in place, frozen; a caller's is copied", () => {
    for (let i = 0; i < 50; i++) {
      const key = i % 4 === 3 ? 'telephony_connection_info' : 'telephonyConnectionInfo';
      const owned = JSON.parse(JSON.stringify(realisticJson(i))) as Record<string, unknown>;
      const read = readConversationFields(owned, [], '', undefined, true);
      expect(read !== INVALID && read.unknownFields?.telephonyConnectionInfo).toBe(owned[key]);
      expect(Object.isFrozen(owned[key])).toBe(true);
      const callers = JSON.parse(JSON.stringify(realisticJson(i))) as Record<string, unknown>;
      const copied = readConversationFields(callers, [], '', undefined, false);
      expect(copied !== INVALID && copied.unknownFields?.telephonyConnectionInfo).not.toBe(callers[key]);
      expect(copied !== INVALID && copied.unknownFields?.telephonyConnectionInfo).toEqual(callers[key]);
      expect(Object.isFrozen(callers[key])).toBe(false);
    }
  });
});

describe('the record of unrecoverable errors (chunks, the array made when read) agrees with a sorted array', () => {
  /** The plain way: insert each distinct error into a sorted array, by the record's order. */
  const naive = (errors: ReadonlyArray<UnrecoverableError>): UnrecoverableError[] => {
    const out: UnrecoverableError[] = [];
    for (const error of errors) {
      if (out.some((e) => compareUnrecoverableErrors(e, error) === 0)) continue;
      const at = out.findIndex((e) => compareUnrecoverableErrors(e, error) > 0);
      out.splice(at === -1 ? out.length : at, 0, error);
    }
    return out;
  };
  // Many distinct errors (so that chunks fill, split and are appended), with duplicates, in any order.
  const manyErrors = fc.array(
    fc.record({
      publishTime: fc.nat(400).map((n) => new Date(Date.UTC(2026, 10, 23, 10) + n * 1000).toISOString().replace('.000Z', 'Z') as Timestamp),
      messageId: fc.nat(5).map(String),
      errorStatus: fc.constantFrom<JsonObject>({ code: 9 }, { code: 14, message: 'SIP 503' }),
    }),
    { maxLength: 400 },
  );

  it('adding errors one by one, in order or not, gives the sorted distinct array, and each array stays as it was', () => {
    fc.assert(
      fc.property(manyErrors, fc.boolean(), (errors, sorted) => {
        const input = sorted ? [...errors].sort(compareUnrecoverableErrors) : errors;
        let record = NO_ERRORS;
        const seen: Array<[ReadonlyArray<UnrecoverableError>, UnrecoverableError[]]> = [];
        for (const error of input) {
          const next = record.with(error);
          expect(next === record).toBe(record.has(error));
          record = next;
          if (seen.length < 20) seen.push([record.toArray(), [...record.toArray()]]);
        }
        expect(record.toArray()).toEqual(naive(input));
        expect(record.size).toBe(record.toArray().length);
        expect(Object.isFrozen(record.toArray())).toBe(true);
        for (const [held, copy] of seen) expect(held).toEqual(copy);
        // The array API gives the same.
        let array: ReadonlyArray<UnrecoverableError> | undefined;
        for (const error of input) array = withRecordedError(array, error);
        expect(array ?? []).toEqual(naive(input));
        for (const error of input) expect(isRecordedError(array, error)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('a conversation applying errors holds the same errors as one restored from its snapshot, and equals it', () => {
    fc.assert(
      fc.property(manyErrors, (errors) => {
        let c = right(decodeConversation({ ...TYPICAL }));
        for (const error of errors) c = evolve(c, { type: 'ConversationErrorRecorded', data: { conversation: c.name, error } });
        const restored = right(fromMachineSnapshot(toMachineSnapshot(c)));
        expect(c).toEqual(restored);
        expect(c.unrecoverableErrors ?? []).toEqual(naive(errors));
        expect(Object.keys(c)).toEqual(Object.keys(restored));
        expect(JSON.stringify(toMachineSnapshot(c))).toBe(JSON.stringify(toMachineSnapshot(restored)));
        // More errors on the restored one (an array, not a record) and on the original agree too.
        const more = { publishTime: '2026-11-24T00:00:00Z' as Timestamp, messageId: 'x' };
        const a = evolve(c, { type: 'ConversationErrorRecorded', data: { conversation: c.name, error: more } });
        const b = evolve(restored, { type: 'ConversationErrorRecorded', data: { conversation: c.name, error: more } });
        expect(a).toEqual(b);
        expect(Object.isFrozen(a)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('owned input whose messages are canonical already is frozen in place: the same result as copying', () => {
  it('a conversation parsed from text (owned) equals the same decoded from an object (copied), kept fields included', () => {
    fc.assert(
      fc.property(fc.oneof(canonicalConversationJson, respelledConversationJson), (json) => {
        const text = JSON.stringify(json);
        expect(parseConversation(text)).toEqual(decodeConversation(JSON.parse(text)));
      }),
      { numRuns: 300 },
    );
  });

  it('realistic conversations (offsets, fractions, kept messages, snake_case) too', () => {
    for (let i = 0; i < 200; i++) {
      const text = JSON.stringify(realisticJson(i));
      const owned = right(parseConversation(text));
      expect(owned).toEqual(right(decodeConversation(JSON.parse(text))));
      expect(Object.isFrozen(owned.unknownFields?.telephonyConnectionInfo)).toBe(true);
    }
  });

  it('a notification from JSON bytes (owned) equals the same decoded from an object (copied)', () => {
    fc.assert(
      fc.property(notificationJson(), (json) => {
        const text = JSON.stringify(json);
        const fromBytes = right(decodeNotificationData(new TextEncoder().encode(text)));
        expect(fromBytes).toEqual(right(decodeNotification(JSON.parse(text))));
      }),
      { numRuns: 300 },
    );
  });
});

describe('base64: the native decoders, checked by length or else by the loop, agree with the loop', () => {
  const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_'];
  const standard = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64'));
  // Near-misses of standard base64: one character changed, added or removed (Node's decoder skips
  // what is not base64, a lone trailing character, a "=" in the middle, and reads non-canonical
  // trailing bits, so each must be caught by the check, not by the decoder).
  const nearMiss = fc
    .tuple(standard, fc.nat(), fc.constantFrom(...alphabet, '=', ' ', '\n', '*', 'é', 'Ł', '\u0141', '\uD800', '.', ''), fc.nat(2))
    .map(([t, at, c, how]) => {
      const i = t.length === 0 ? 0 : at % t.length;
      return how === 0 ? t.slice(0, i) + c + t.slice(i + 1) : how === 1 ? t.slice(0, i) + c + t.slice(i) : t.slice(0, i) + t.slice(i + 1);
    });
  const text = fc.oneof(
    standard,
    nearMiss,
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64url')),
    fc.array(fc.constantFrom(...alphabet, '=', ' ', '\n', '*', 'é', '.'), { maxLength: 40 }).map((cs) => cs.join('')),
    fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((cs) => cs.join('')),
  );
  it('the same bytes or the same problem, whatever the text', () => {
    fc.assert(
      fc.property(text, (t) => {
        const native = decodeBase64(t);
        const transient = decodeBase64Transient(t);
        const loop = decodeBase64Loop(t);
        if (loop instanceof Uint8Array) {
          expect(native).toBeInstanceOf(Uint8Array);
          expect(native).toEqual(loop);
          // Its own buffer, as the loop's: not a view of a shared pool, not a Buffer.
          expect((native as Uint8Array).buffer.byteLength).toBe(loop.length);
          expect(Object.getPrototypeOf(native)).toBe(Uint8Array.prototype);
          // The transient bytes: the same, a plain Uint8Array (a view, maybe of Node's pool).
          expect(Object.getPrototypeOf(transient)).toBe(Uint8Array.prototype);
          expect([...(transient as Uint8Array)]).toEqual([...loop]);
        } else {
          expect(native).toEqual(loop);
          expect(transient).toEqual(loop);
        }
      }),
      { numRuns: 3000 },
    );
  });

  // Texts of ASCII bytes and near-misses of them: what the ASCII decoder accepts (atob, checked by length).
  const asciiText = fc.string({ unit: 'binary-ascii', maxLength: 60 }).map((s) => Buffer.from(s, 'latin1').toString('base64'));
  const asciiNearMiss = fc
    .tuple(asciiText, fc.nat(), fc.constantFrom('A', '=', ' ', '\n', '\t', '-', '_', '*', 'é', 'Ł', '\uD800', ''), fc.nat(2))
    .map(([t, at, c, how]) => {
      const i = t.length === 0 ? 0 : at % t.length;
      return how === 0 ? t.slice(0, i) + c + t.slice(i + 1) : how === 1 ? t.slice(0, i) + c + t.slice(i) : t.slice(0, i) + t.slice(i + 1);
    });
  it('the ASCII decoder gives the text of what the loop decodes, or nothing, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(asciiText, asciiNearMiss, text), (t) => {
        const ascii = decodeBase64Ascii(t);
        const loop = decodeBase64Loop(t);
        const standard = loop instanceof Uint8Array && Buffer.from(loop).toString('base64') === t;
        if (standard && loop.every((b) => b < 128)) expect(ascii).toBe(Buffer.from(loop).toString('latin1'));
        else if (ascii !== undefined) {
          // Only standard padded base64 of ASCII is taken; non-canonical trailing bits decode as the loop does.
          expect(loop).toBeInstanceOf(Uint8Array);
          expect(ascii).toBe(Buffer.from(loop as Uint8Array).toString('latin1'));
          expect((loop as Uint8Array).every((b) => b < 128)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('a pushed message of the common shape, read by name, reads as the loop reads it key by key', () => {
  const event = { conversation: 'projects/p/conversations/c', type: 'CONVERSATION_STARTED' };
  const json = Buffer.from(JSON.stringify(event)).toString('base64');
  const proto = Buffer.from([0x0a, 0x1a, ...Buffer.from('projects/p/conversations/c'), 0x10, 0x01]).toString('base64');
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('17', '2026-11-23T10:00:00.123Z', '2026-11-23T10:00:00+01:00') },
    fc.constantFrom(json, proto, `${json} `, 'not base64!', '', '18', '2026-13-01T00:00:00Z', null, 5, { a: 'b' }, {}, { a: 1 }),
  );
  const key = fc.constantFrom(
    'data',
    'messageId',
    'message_id',
    'publishTime',
    'publish_time',
    'attributes',
    'orderingKey',
    'ordering_key',
    'other',
  );
  // Mostly messages of the common shape (as Pub/Sub sends them, in either order), then any mixture of keys and values.
  const common = fc
    .record(
      {
        data: fc.constantFrom(json, proto),
        messageId: fc.constant('17'),
        message_id: fc.constantFrom('17', '18'),
        publishTime: fc.constantFrom('2026-11-23T10:00:00.123Z', '2026-11-23T10:00:00+01:00'),
        publish_time: fc.constantFrom('2026-11-23T10:00:00.123Z', '2026-11-23T10:00:00Z'),
        attributes: fc.constantFrom({}, { a: 'b' }, { a: 1 }, null),
        orderingKey: fc.constantFrom('k', '', 3),
        ordering_key: fc.constantFrom('k', 'j'),
      },
      { requiredKeys: ['data', 'messageId', 'publishTime'] },
    )
    .chain((m) =>
      fc
        .shuffledSubarray(Object.keys(m), { minLength: Object.keys(m).length })
        .map((ks) => Object.fromEntries(ks.map((k) => [k, m[k as keyof typeof m]]))),
    );
  const mixed = fc.array(fc.tuple(key, value), { maxLength: 8 }).map((entries) => Object.fromEntries(entries));
  it('the same notification, or the same problems, for any message', () => {
    fc.assert(
      fc.property(fc.oneof(common, mixed), fc.constantFrom(undefined, 'JSON', 'PROTO'), (message, format) => {
        const options = format === undefined ? undefined : { format: format as 'JSON' | 'PROTO' };
        const byName = decodePushDelivery({ message, subscription: 'projects/p/subscriptions/s' }, options);
        // A message of another prototype is never of the common shape: the loop reads it.
        const byKeys = decodePushDelivery(
          { message: Object.assign(Object.create(null), message), subscription: 'projects/p/subscriptions/s' },
          options,
        );
        expect(byName).toEqual(byKeys);
      }),
      { numRuns: 3000 },
    );
  });

  it('a field that is not enumerable is not there, as for the loop', () => {
    const message: Record<string, unknown> = { messageId: '17', publishTime: '2026-11-23T10:00:00Z' };
    Object.defineProperty(message, 'data', { value: json, enumerable: false });
    const result = decodePushDelivery({ message });
    expect(result._tag === 'Left' && result.left.message).toBe('message.data: missing: the notification is the message data');
  });
});

describe('a push whose data is ASCII JSON is read without the byte path: the same notification', () => {
  const push = (data: string) => ({
    message: { data, messageId: '17', publishTime: '2026-11-23T10:00:00.123Z', attributes: { a: 'b' } },
    subscription: 'projects/p/subscriptions/s',
  });
  const bytesOf = (text: string) => new TextEncoder().encode(text);
  it('as decodeNotificationData reads its bytes, for notifications, JSON that is not one, and text that is not JSON', () => {
    const texts = fc.oneof(
      notificationJson().map((json) => JSON.stringify(json)),
      fc.json().filter((t) => t.startsWith('{')),
      fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => `{${s}`),
    );
    fc.assert(
      fc.property(texts, fc.boolean(), (t, spaced) => {
        const text = spaced ? ` ${t}` : t;
        const pushed = decodePushDelivery(push(Buffer.from(text, 'utf8').toString('base64')));
        const read = decodeNotificationData(bytesOf(text));
        if (read._tag === 'Right') {
          const notification = right(pushed);
          expect(notification).toEqual({ ...read.right, delivery: notification.delivery });
          expect(notification.delivery?.messageId).toBe('17');
        } else {
          expect(pushed._tag).toBe('Left');
          const pushedIssues = pushed._tag === 'Left' ? pushed.left.errors.map((i) => i.message) : [];
          expect(pushedIssues).toEqual(read.left.errors.map((i) => i.message));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('the persisted snapshot, made directly, is what the machine resolves and JSON encodes', () => {
  it('for any conversation, in each of its states', () => {
    fc.assert(
      fc.property(aggregate, fc.boolean(), fc.boolean(), (start, hand, finish) => {
        let c = start;
        // Commands without a time, so that none is refused for coming before the start.
        const handed = hand ? handOff(c) : undefined;
        if (handed?._tag === 'Right') c = handed.right.conversation;
        const completed = finish ? complete(c, c.endTime ?? '9999-12-31T23:59:59Z') : undefined;
        if (completed?._tag === 'Right') c = completed.right.conversation;
        const viaMachine = JSON.stringify({ schemaVersion: 2, snapshot: toMachineSnapshot(c) });
        expect(stringifyPersistedSnapshot(c)).toBe(viaMachine);
        expect(toPersistedSnapshot(c)).toEqual(JSON.parse(viaMachine));
        expect(right(fromPersistedSnapshot(toPersistedSnapshot(c)))).toEqual(c);
      }),
      { numRuns: 300 },
    );
  });
});

describe('notification data: only bytes that may be JSON are decoded as text', () => {
  const piece = fc.oneof(
    fc.constantFrom([0xef, 0xbb, 0xbf], [32], [9], [10], [13], [123], [0x0a, 0x24], [0xc3], [0xe2, 0x82, 0xac], [0xff]),
    fc.uint8Array({ maxLength: 4 }).map((b) => [...b]),
  );
  it('what the first bytes say is what decoding, then looking at the first character, would say', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const bytes = Uint8Array.from(pieces.flat());
        let text: string | undefined;
        try {
          text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          text = undefined;
        }
        const looksLikeJson = text !== undefined && /^[ \t\n\r]*\{/.test(text);
        if (looksLikeJson) expect(mayBeJsonObject(bytes)).toBe(true);
        if (text !== undefined && mayBeJsonObject(bytes)) expect(looksLikeJson).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('resource names: the one-scan check agrees with parsing', () => {
  const piece = fc.constantFrom(
    'projects',
    'locations',
    'conversations',
    'conversationProfiles',
    'p',
    'a.b',
    'c-1',
    'x:y',
    '',
    'x y',
    '%2F',
    'é',
    '_~',
  );
  const nameLike = fc
    .array(piece, { maxLength: 8 })
    .chain((parts) => fc.constantFrom(parts.join('/'), `${parts.join('/')}/`, `/${parts.join('/')}`, parts.join('//')));
  it('for either kind of name, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(nameLike, conversationName, conversationProfileName, fc.string()), (name) => {
        expect(isResourceName(name, 'conversations')).toBe(conversationNameKind.parse(name) !== undefined);
        expect(isResourceName(name, 'conversationProfiles')).toBe(conversationProfileNameKind.parse(name) !== undefined);
      }),
      { numRuns: 5000 },
    );
  });

  // After a valid name, a name that starts as it does has only its last segment scanned: names that
  // share the prefix and differ after it (another segment, a slash, nothing, a bad character) say
  // whether that holds.
  const tail = fc.oneof(fc.constantFrom('', '/', 'c/d', 'c/', '/c', 'é', 'x y', 'c:1', '%2F', 'a.b_~-'), fc.string({ maxLength: 4 }));
  it('a name after another that shares its parent and collection, in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(nameLike, conversationName, conversationProfileName), tail), { maxLength: 6 }), (pairs) => {
        for (const [first, rest] of pairs) {
          const prefix = first.slice(0, first.lastIndexOf('/') + 1);
          for (const name of [first, prefix + rest, `${first}${rest}`]) {
            expect(conversationNameKind.is(name)).toBe(conversationNameKind.parse(name) !== undefined);
            expect(conversationProfileNameKind.is(name)).toBe(conversationProfileNameKind.parse(name) !== undefined);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('subscription names: the check by the places of the slashes agrees with splitting', () => {
  const piece = fc.constantFrom('projects', 'subscriptions', 'p', 'acme-1', 's', '', 'x y', 'projects/p', 'é');
  const nameLike = fc
    .array(piece, { maxLength: 6 })
    .chain((parts) => fc.constantFrom(parts.join('/'), `${parts.join('/')}/`, `/${parts.join('/')}`, parts.join('//')));
  const bySplitting = (name: string): boolean => {
    const parts = name.split('/');
    return parts.length === 4 && parts[0] === 'projects' && parts[1] !== '' && parts[2] === 'subscriptions' && parts[3] !== '';
  };
  it('whatever the text, the first time and again (the last valid name is remembered)', () => {
    fc.assert(
      fc.property(fc.oneof(nameLike, fc.string()), (name) => {
        expect(isSubscriptionName(name)).toBe(bySplitting(name));
        expect(isSubscriptionName(name)).toBe(bySplitting(name));
        expect(isSubscriptionName('')).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('a phone number of the common shape reads the same as through the engine', () => {
  const field = fc.constantFrom('countryCode', 'phoneNumber', 'country_code', 'phone_number', 'extension');
  const value = fc.oneof(
    fc.integer(),
    fc.constantFrom(0, -0, 1, 44, 2147483647, 2147483648, -2147483649, 1.5, '1', '', '+1 650-253-0000', null, true),
    fc.string({ maxLength: 6 }),
  );
  it('owned or not, whatever the object', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(field, value), { maxLength: 3 }), fc.boolean(), (entries, owned) => {
        const make = () => Object.fromEntries(entries);
        const fast = runReader((v, sink, parent, key) => readPhoneNumber(v, sink, parent, key, 1, owned), make());
        const engine = runReader((v, sink, parent, key) => readPhoneNumberWithEngine(v, sink, parent, key, 1, owned), make());
        expect(fast).toEqual(engine);
        if (fast.value !== INVALID) expect(Object.keys(fast.value)).toEqual(Object.keys(engine.value as object));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('a notification of the common shape reads the same as through the engine', () => {
  // A null-prototype copy is not the common shape: it takes the engine, whose reading is the reference.
  const viaEngine = (json: Record<string, unknown>) => Object.assign(Object.create(null) as Record<string, unknown>, json);
  const damaged = fc
    .tuple(
      notificationJson(),
      fc.constantFrom('content', 'participantRole', 'code', 'isFinal', 'transcript'),
      fc.constantFrom(1, 'x', null, [], {}, true),
    )
    .map(([json, field, value]) => {
      const out: Record<string, unknown> = { ...json };
      for (const k of ['errorStatus', 'newMessagePayload', 'newRecognitionResultPayload'])
        if (out[k] !== undefined) out[k] = { ...(out[k] as object), [field]: value };
      return out;
    });
  const reordered = fc.oneof(notificationJson(), suggestionJson()).map((json) => Object.fromEntries(Object.entries(json).reverse()));
  // As protobuf gives it: the type by number (0 to 8, 6 and 8 not named).
  const numbered = fc.tuple(notificationJson(), fc.integer({ min: 0, max: 8 })).map(([json, n]) => ({ ...json, type: n }));
  // Suggestions near the common shape: a part of another type, empty or null, in snake_case, or a key more.
  const damagedSuggestion = fc
    .tuple(
      suggestionJson(),
      fc.constantFrom('participant', 'suggestionResults', 'suggestion_results', 'type', 'extra', 'error', 'contextSize'),
      fc.constantFrom(1, 'x', '', null, [], [null], [{}], [{ error: { code: 'x' } }], {}, true, 'CONVERSATION_STARTED'),
    )
    .map(([json, field, value]) => {
      const out: Record<string, unknown> = { ...json };
      if (field === 'error' || field === 'contextSize') {
        const results = out.suggestionResults as Record<string, unknown>[] | undefined;
        if (results !== undefined) out.suggestionResults = results.map((r) => ({ ...r, [field]: value }));
      } else out[field] = value;
      return out;
    });
  const anyMessage = fc.constantFrom(undefined, 'ConversationEvent', 'HumanAgentAssistantEvent') as fc.Arbitrary<
    NotificationMessage | undefined
  >;
  it('valid, damaged or in another order, as JSON objects and as bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(notificationJson(), damaged, reordered, numbered, suggestionJson(), damagedSuggestion),
        anyMessage,
        (json, message) => {
          const options = { message };
          expect(decodeNotification(json, options)).toEqual(decodeNotification(viaEngine(json), options));
          const bytes = new TextEncoder().encode(JSON.stringify(json));
          expect(decodeNotificationData(bytes, options)).toEqual(decodeNotification(viaEngine(JSON.parse(JSON.stringify(json))), options));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
