import * as fc from 'fast-check';
import { fromProto3JSON } from 'proto3-json-serializer';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeNotification, decodeNotificationData, decodePushDelivery } from '../src/notifications/index.js';
import { notificationPlans, readNotification } from '../src/notifications/notification.js';
import { type MessagePlan, messagePlan } from '../src/wire/descriptor.js';
import { causeText } from '../src/wire/issue.js';
import type { JsonValue } from '../src/wire/json-value.js';
import { isMalformed, readProtoBytes } from '../src/wire/proto-reader.js';
import { canonicalFloat, canonicalFloatByDigits, messageToJson, readProtoJson } from '../src/wire/protojson.js';
import { INVALID, runReader } from '../src/wire/reader.js';
import { notificationJson } from './arbitraries.js';
import { googleType } from './google.js';
import { left, right } from './helpers.js';

// The protobuf reader (src/wire/proto-reader.ts) reads bytes straight into canonical ProtoJSON. It
// replaced protobufjs's decode, then `messageToJson`, then the engine's check of that JSON: these
// properties hold it to what that path gave, on messages of every type of the descriptor and on
// bytes that are no message at all. The old path is kept here, as the reference.

type Outcome = { readonly ok: true; readonly json: JsonValue } | { readonly ok: false; readonly malformed: boolean; readonly text: string };

/** The old path: protobufjs decodes, `messageToJson` writes ProtoJSON, the engine checks it and makes it canonical. */
const oldRead = (plan: MessagePlan, bytes: Uint8Array): Outcome => {
  let decoded: unknown;
  try {
    decoded = plan.type.decode(bytes);
  } catch (cause) {
    return { ok: false, malformed: true, text: causeText(cause) };
  }
  const issues: { path: string; message: string }[] = [];
  const json = messageToJson(plan, decoded, issues, '', undefined, 0);
  const read = readProtoJson(plan, json, issues, '', undefined, 0);
  return read === INVALID || issues.length > 0
    ? { ok: false, malformed: false, text: JSON.stringify(issues) }
    : { ok: true, json: read as JsonValue };
};

const newRead = (plan: MessagePlan, bytes: Uint8Array): Outcome => {
  const issues: { path: string; message: string }[] = [];
  const read = readProtoBytes(plan, bytes, issues, '', undefined);
  if (isMalformed(read)) return { ok: false, malformed: true, text: read.malformed };
  return read === INVALID || issues.length > 0
    ? { ok: false, malformed: false, text: JSON.stringify(issues) }
    : { ok: true, json: read as JsonValue };
};

const isDeepFrozen = (v: unknown): boolean =>
  typeof v !== 'object' || v === null || (Object.isFrozen(v) && Object.values(v).every(isDeepFrozen));

/** The two agree: the same JSON (key order, -0 and NaN included), or both refuse, for the same reason of framing. */
const expectSame = (plan: MessagePlan, data: Uint8Array): void => {
  // A plain Uint8Array, as base64 decoding gives: protobufjs reads a Buffer otherwise (cutting strings short without a word).
  const bytes = new Uint8Array(data);
  const before = oldRead(plan, bytes);
  const after = newRead(plan, bytes);
  // Strings must be UTF-8 now; protobufjs made something of any bytes.
  if (!after.ok && !after.malformed && after.text.includes('not UTF-8')) return;
  expect(after.ok).toBe(before.ok);
  if (after.ok && before.ok) {
    expect(after.json).toEqual(before.json);
    expect(JSON.stringify(after.json)).toBe(JSON.stringify(before.json));
    expect(isDeepFrozen(after.json)).toBe(true);
  } else if (!after.ok && !before.ok) expect(after.malformed).toBe(before.malformed);
  // A Buffer (what a pull subscriber gets) reads the same as a plain Uint8Array.
  expect(newRead(plan, Buffer.from(bytes))).toEqual(after);
};

// ---------------------------------------------------------------------------------------------
// Messages of any type of the descriptor, as protobufjs's message objects, made by a plan

const MAX_NESTING = 3;

const DESCRIPTOR_TYPES = [
  'google.rpc.ErrorInfo',
  'google.rpc.RetryInfo',
  'google.rpc.Status',
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
  'google.protobuf.Struct',
  'google.protobuf.Value',
  'google.protobuf.ListValue',
  'google.protobuf.Any',
  'google.cloud.dialogflow.v2beta1.Message',
];

const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom('', 'projects/p', '\uFEFFbom'));
const mapKey = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('__proto__', '1', 'constructor'));
const float = fc.oneof(fc.float(), fc.constantFrom(0.1, 0.873, -0, Number.NaN, Number.POSITIVE_INFINITY));
const epochSeconds = fc.oneof(
  fc.integer({ min: -62_135_596_800, max: 253_402_300_799 }),
  fc.constantFrom(0, -62_135_596_801, 253_402_300_800, 315_576_000_001),
);
const nanos = fc.oneof(fc.integer({ min: 0, max: 999_999_999 }), fc.constantFrom(0, -1, -500, 1_000_000_000));

const valueObject = (nesting: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constant({ nullValue: 0 }),
    fc.double().map((numberValue) => ({ numberValue })),
    text.map((stringValue) => ({ stringValue })),
    fc.boolean().map((boolValue) => ({ boolValue })),
    ...(nesting < MAX_NESTING
      ? [
          structObject(nesting + 1).map((structValue) => ({ structValue })),
          fc.array(valueObject(nesting + 1), { maxLength: 3 }).map((values) => ({ listValue: { values } })),
        ]
      : []),
    fc.constant({}),
  );

const structObject = (nesting: number): fc.Arbitrary<unknown> =>
  fc.dictionary(mapKey, valueObject(nesting), { maxKeys: 3 }).map((fields) => ({ fields }));

const anyObject = (nesting: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(...DESCRIPTOR_TYPES).chain((name) =>
      messageObject(messagePlan(name), nesting + 1).map((m) => ({
        typeUrl: `type.googleapis.com/${name}`,
        value: messagePlan(name)
          .type.encode(messagePlan(name).type.fromObject(m as Record<string, unknown>))
          .finish(),
      })),
    ),
    fc.record({
      typeUrl: fc.constantFrom('type.googleapis.com/x.Unknown', '', 'type.googleapis.com/'),
      value: fc.uint8Array({ maxLength: 4 }),
    }),
    fc.record({ typeUrl: fc.constant('type.googleapis.com/google.rpc.ErrorInfo'), value: fc.uint8Array({ maxLength: 6 }) }),
  );

const scalar = (kind: string, plan: MessagePlan['fields'][number]): fc.Arbitrary<unknown> => {
  switch (kind) {
    case 'string':
      return text;
    case 'bytes':
      return fc.uint8Array({ maxLength: 5 });
    case 'bool':
      return fc.boolean();
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return fc.oneof(fc.integer(), fc.constantFrom(0, -1, 1));
    case 'uint32':
    case 'fixed32':
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.constantFrom(0n, -1n, 1n)).map(String);
    case 'uint64':
    case 'fixed64':
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);
    case 'float':
      return float;
    case 'double':
      return fc.double();
    default: {
      const numbers = [...(plan.enumPlan?.nameOf.keys() ?? [0])];
      return fc.oneof(fc.constantFrom(...numbers), fc.integer({ min: -3, max: 40 }));
    }
  }
};

const fieldValue = (field: MessagePlan['fields'][number], nesting: number): fc.Arbitrary<unknown> | undefined => {
  if (field.kind !== 'message') return scalar(field.kind, field);
  const plan = field.messagePlan as MessagePlan;
  if (nesting >= MAX_NESTING && plan.wellKnown === undefined) return undefined;
  return messageObject(plan, nesting + 1);
};

const memo = new Map<string, fc.Arbitrary<unknown>>();

/** A message object of `plan` (what protobufjs's `fromObject` takes), some fields set, sometimes two of a oneof. */
const messageObject = (plan: MessagePlan, nesting: number): fc.Arbitrary<unknown> => {
  const id = `${plan.fullName}@${Math.min(nesting, MAX_NESTING + 1)}`;
  const known = memo.get(id);
  if (known !== undefined) return known;
  let arb: fc.Arbitrary<unknown>;
  switch (plan.wellKnown) {
    case 'Timestamp':
    case 'Duration':
      arb = fc.record({ seconds: epochSeconds, nanos }, { requiredKeys: [] });
      break;
    case 'Value':
      arb = nesting > MAX_NESTING + 1 ? fc.constant({ nullValue: 0 }) : valueObject(nesting);
      break;
    case 'Struct':
      arb = nesting > MAX_NESTING + 1 ? fc.constant({}) : structObject(nesting);
      break;
    case 'ListValue':
      arb = fc.array(valueObject(MAX_NESTING), { maxLength: 2 }).map((values) => ({ values }));
      break;
    case 'Any':
      arb = nesting > MAX_NESTING ? fc.constant({ typeUrl: 'type.googleapis.com/google.protobuf.Empty' }) : anyObject(nesting);
      break;
    default: {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const field of plan.fields) {
        const value = fieldValue(field, nesting);
        if (value === undefined) continue;
        model[field.jsonName] =
          field.mapKey !== undefined
            ? fc.dictionary(mapKey, value, { maxKeys: 2 })
            : field.repeated
              ? fc.array(value, { maxLength: 2 })
              : value;
      }
      const keys = Object.keys(model);
      const oneofs = plan.oneofs;
      arb = fc
        .tuple(
          fc.record(model, { requiredKeys: [] }),
          fc.subarray(keys, { maxLength: Math.min(4, keys.length) }),
          fc.integer({ min: 0, max: 19 }),
        )
        .map(([all, chosen, dice]) => {
          // Few fields of a large message, and one member of a oneof (but now and then two).
          const m: Record<string, unknown> = {};
          for (const k of chosen) if (k in all) m[k] = all[k];
          if (dice !== 0) {
            for (const oneof of oneofs) {
              const set = oneof.fields.filter((f) => f.jsonName in m);
              for (const extra of set.slice(1)) delete m[extra.jsonName];
            }
          }
          return m;
        });
    }
  }
  memo.set(id, arb);
  return arb;
};

const PLANS = [
  'google.cloud.dialogflow.v2beta1.ConversationEvent',
  'google.cloud.dialogflow.v2beta1.HumanAgentAssistantEvent',
  'google.cloud.dialogflow.v2beta1.Message',
  'google.cloud.dialogflow.v2beta1.StreamingRecognitionResult',
  'google.cloud.dialogflow.v2beta1.SuggestionResult',
  'google.cloud.dialogflow.v2beta1.AnnotatedMessagePart',
  ...DESCRIPTOR_TYPES,
].map(messagePlan);

/** A plan, and a message of it as protobufjs serializes it. */
const serialized = fc.constantFrom(...PLANS).chain((plan) =>
  messageObject(plan, 0).map((m) => ({
    plan: plan.fullName,
    bytes: plan.type.encode(plan.type.fromObject(m as Record<string, unknown>)).finish(),
  })),
);

/** The bytes changed: cut short, a byte changed, bytes put in or taken out. */
const mutated = fc
  .tuple(serialized, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 1, maxLength: 3 }), fc.nat({ max: 3 }))
  .map(([{ plan, bytes }, at, byte, extra, how]) => {
    const i = bytes.length === 0 ? 0 : at % bytes.length;
    const out =
      how === 0
        ? bytes.slice(0, i)
        : how === 1
          ? Uint8Array.from(bytes, (b, j) => (j === i ? byte : b))
          : how === 2
            ? Uint8Array.from([...bytes.slice(0, i), ...extra, ...bytes.slice(i)])
            : Uint8Array.from([...bytes.slice(0, i), ...bytes.slice(i + extra.length)]);
    return { plan, bytes: out };
  });

describe('the protobuf reader gives what protobufjs, messageToJson and the engine gave', () => {
  it('for messages of every kind of field: scalars, enums (known or not), repeated, maps, oneofs, well-known types, Any', () => {
    fc.assert(
      fc.property(serialized, ({ plan, bytes }) => expectSame(messagePlan(plan), bytes)),
      { numRuns: 3000 },
    );
  });

  it('for the same bytes cut short, changed, or with bytes put in or taken out', () => {
    fc.assert(
      fc.property(mutated, ({ plan, bytes }) => expectSame(messagePlan(plan), bytes)),
      { numRuns: 5000 },
    );
  });

  it('for random bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLANS.map((p) => p.fullName)), fc.uint8Array({ maxLength: 48 }), (plan, bytes) =>
        expectSame(messagePlan(plan), bytes),
      ),
      { numRuns: 5000 },
    );
  });

  it('for a Value with two kinds set: the first is the value, and what is wrong in the other is not reported', () => {
    const plan = messagePlan('google.protobuf.Value');
    // null (field 1), then a list (field 6) holding a list holding a Value with no kind: found by the property above.
    const bytes = Uint8Array.from([0, 10, 10, 8, 50, 6, 10, 4, 50, 2, 10, 0]);
    expectSame(plan, bytes);
    expect(newRead(plan, bytes)).toEqual({ ok: true, json: null });
    // The list alone is refused, at the Value with no kind.
    expect(newRead(plan, bytes.subarray(4)).ok).toBe(false);
  });

  it('for a singular message twice: the last copy wins whole, and what was wrong with the first is not reported', () => {
    const plan = messagePlan('google.cloud.dialogflow.v2beta1.Message');
    // createTime (field 6) with seconds before year 1, then field 6 again as a varint 0, which protobufjs
    // reads as an empty message that replaces the first: found by the property above, in CI.
    const outOfRange = [8, 255, 145, 184, 195, 152, 254, 255, 255, 255, 1];
    const bytes = Uint8Array.from([50, outOfRange.length, ...outOfRange, 48, 0]);
    expectSame(plan, bytes);
    expect(newRead(plan, bytes)).toEqual({ ok: true, json: { createTime: '1970-01-01T00:00:00Z' } });
    // The first copy alone is refused, at its path.
    const alone = newRead(plan, bytes.subarray(0, 2 + outOfRange.length));
    expect(alone.ok === false && alone.text).toContain('createTime');
    // And the other way round: a good copy replaced by a bad one is refused.
    expect(newRead(plan, Uint8Array.from([48, 0, 50, outOfRange.length, ...outOfRange])).ok).toBe(false);
  });

  it("for a map entry's value twice: the last copy wins whole, in a Struct as in any map", () => {
    // A Value whose Struct has an entry "" given first as a varint 0 (an empty Value, which is refused
    // alone) and then as a list [null, 0]: found by the property above, in CI.
    const plan = messagePlan('google.protobuf.Value');
    const bytes = Uint8Array.from([42, 23, 10, 21, 16, 0, 18, 17, 50, 15, 10, 2, 8, 0, 10, 9, 17, 0, 0, 0, 0, 0, 0, 0, 0]);
    expectSame(plan, bytes);
    expect(newRead(plan, bytes)).toEqual({ ok: true, json: { '': [null, 0] } });
    // The first copy alone (an entry whose value is an empty Value) is refused.
    expect(newRead(plan, Uint8Array.from([42, 6, 10, 4, 16, 0, 18, 0])).ok).toBe(false);
  });

  it('for varints as protobufjs reads them: 10 bytes, bytes 6 to 10 passed over, and a 64-bit one cut short', () => {
    const plan = messagePlan('google.protobuf.Duration');
    const cases = [
      [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
      [0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80],
      [0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80],
      [0x08, 0x80, 0x80, 0x80],
      [0x08, 0x80, 0x80, 0x80, 0x80],
      [0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
      [0x0b, 0x0b, 0x0c, 0x0c],
      [0x0b, 0x0c, 0x0c],
      [0x0e],
      [0x0c],
    ];
    for (const bytes of cases) expectSame(plan, Uint8Array.from(bytes));
  });
});

// ---------------------------------------------------------------------------------------------
// Notifications

const conversation = 'projects/acme/conversations/c-42';
const EVENT = 'google.cloud.dialogflow.v2.ConversationEvent';

const googleBytes = (json: unknown): Uint8Array => {
  const type = googleType(EVENT);
  return type.encode(fromProto3JSON(type, json as never) as protobuf.Message).finish();
};

/** The old detection of the message, by protobufjs's reader, kept as the reference. */
const oldMessageOfBytes = (bytes: Uint8Array): 'ConversationEvent' | 'HumanAgentAssistantEvent' | undefined => {
  const reader = protobuf.Reader.create(bytes);
  const projects = new TextEncoder().encode('projects/');
  let suggestion = false;
  let results = false;
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 0) return undefined;
      if (field === 2 || field === 4) return 'ConversationEvent';
      if (field === 3 && wire === 2) {
        const value = reader.bytes();
        if (!(value.length >= projects.length && projects.every((b, i) => value[i] === b))) return 'ConversationEvent';
        suggestion = true;
        continue;
      }
      if (field === 5 && wire === 2) results = true;
      reader.skipType(wire);
    }
  } catch {
    return undefined;
  }
  return suggestion || results ? 'HumanAgentAssistantEvent' : 'ConversationEvent';
};

/** The old PROTO path of decodeNotificationData, kept as the reference. */
const oldNotification = (bytes: Uint8Array) =>
  runReader((_, issues) => {
    const kind = oldMessageOfBytes(bytes);
    if (kind === undefined) {
      issues.push({ path: '', message: 'not a notification' });
      return INVALID;
    }
    const plan = notificationPlans()[kind];
    let decoded: unknown;
    try {
      decoded = plan.type.decode(bytes);
    } catch (cause) {
      issues.push({ path: '', message: causeText(cause) });
      return INVALID;
    }
    return readNotification(messageToJson(plan, decoded, issues, '', undefined, 0), issues, '', undefined, undefined, kind);
  }, bytes);

const expectSameNotification = (data: Uint8Array): void => {
  const bytes = new Uint8Array(data);
  const before = oldNotification(bytes);
  const after = decodeNotificationData(bytes, { format: 'PROTO' });
  if (after._tag === 'Left' && after.left.errors.some((e) => e.message.includes('not UTF-8'))) return;
  expect(after._tag === 'Right').toBe(before.value !== INVALID);
  if (after._tag === 'Right') expect(after.right).toEqual(before.value);
};

describe('notifications from protobuf bytes', () => {
  it('are what the old path gave, and what the same notification in JSON gives', () => {
    fc.assert(
      fc.property(notificationJson(), (json) => {
        const bytes = googleBytes(json);
        expectSameNotification(bytes);
        expect(right(decodeNotificationData(bytes))).toEqual(right(decodeNotification(json)));
      }),
      { numRuns: 1000 },
    );
  });

  it('… and for those bytes changed, and for random bytes: the same success or failure, and the message told the same', () => {
    const changed = fc.tuple(notificationJson(), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([json, at, byte, cut]) => {
      const bytes = googleBytes(json);
      const i = at % bytes.length;
      return cut ? bytes.slice(0, i) : Uint8Array.from(bytes, (b, j) => (j === i ? byte : b));
    });
    fc.assert(fc.property(fc.oneof(changed, fc.uint8Array({ maxLength: 64 })), expectSameNotification), { numRuns: 3000 });
  });

  it('… and for messages of either kind made of any fields, with a name or without', () => {
    const events = fc
      .tuple(fc.constantFrom(...Object.values(notificationPlans())), fc.boolean(), fc.constantFrom('', '/participants/p-1'))
      .chain(([plan, named, participant]) =>
        messageObject(plan, 0).map((m) => {
          const event = { ...(m as Record<string, unknown>) };
          if (named) event.conversation = conversation;
          if (participant !== '' && plan.name === 'HumanAgentAssistantEvent') event.participant = `${conversation}${participant}`;
          return plan.type.encode(plan.type.fromObject(event)).finish();
        }),
      );
    fc.assert(fc.property(events, expectSameNotification), { numRuns: 2000 });
  });

  it('refuse a string that is not UTF-8, at its path (protobufjs replaced or mangled it)', () => {
    const type = googleType(EVENT);
    const bytes = type
      .encode(type.fromObject({ conversation, type: 'NEW_MESSAGE', newMessagePayload: { content: 'caf\u00e9', languageCode: 'fr' } }))
      .finish();
    const at = bytes.indexOf(0xc3);
    const bad = Uint8Array.from(bytes, (b, i) => (i === at ? 0xff : b));
    expect(left(decodeNotificationData(bad)).errors).toEqual([
      { path: 'newMessagePayload.content', message: 'expected a string, got 5 bytes that are not UTF-8' },
    ]);
    // Valid UTF-8 (a byte order mark included) is kept as it came.
    const bom = type.encode(type.fromObject({ conversation, type: 'NEW_MESSAGE', newMessagePayload: { content: '\uFEFFé' } })).finish();
    expect(right(decodeNotificationData(bom))).toMatchObject({ newMessagePayload: { content: '\uFEFFé' } });
  });

  it('say where bytes that end too soon end, at the data', () => {
    const bytes = googleBytes({ conversation, type: 'NEW_MESSAGE', newMessagePayload: { content: 'I want a person' } });
    const cut = bytes.slice(0, bytes.length - 3);
    const push = {
      message: { data: Buffer.from(cut).toString('base64'), messageId: '1', publishTime: '2026-11-23T10:15:30Z' },
    };
    expect(left(decodePushDelivery(push)).errors).toEqual([
      {
        path: 'message.data',
        message: `not a serialized ConversationEvent: a length of 17 bytes at offset ${cut.length - 14} runs past the end (${cut.length} bytes), reading newMessagePayload`,
      },
    ]);
  });

  it('nest as deep as protobufjs allowed: 100 levels of messages (a level of JSON in a Struct is two)', () => {
    const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nested(depth - 1) });
    const type = googleType(EVENT);
    for (let depth = 40; depth <= 52; depth++) {
      const json = {
        conversation,
        type: 'NEW_MESSAGE',
        newMessagePayload: { messageAnnotation: { parts: [{ formattedValue: nested(depth) }] } },
      };
      // Google's fromObject refuses such depth too: the bytes are made level by level.
      let value: Uint8Array = type.root.lookupType('google.protobuf.Value').encode({ stringValue: 'leaf' }).finish();
      for (let i = 0; i < depth; i++) {
        const struct = protobuf.Writer.create().uint32(10).fork().uint32(10).string('a').uint32(18).bytes(value).ldelim().finish();
        value = protobuf.Writer.create().uint32(42).bytes(struct).finish();
      }
      const part = protobuf.Writer.create().uint32(26).bytes(value).finish();
      const annotation = protobuf.Writer.create().uint32(10).bytes(part).finish();
      const payload = protobuf.Writer.create().uint32(58).bytes(annotation).finish();
      const bytes = protobuf.Writer.create().uint32(10).string(conversation).uint32(16).int32(5).uint32(34).bytes(payload).finish();
      expectSameNotification(bytes);
      const fromProto = decodeNotificationData(bytes);
      if (fromProto._tag === 'Right') expect(fromProto.right).toEqual(right(decodeNotification(json)));
      else expect(left(fromProto).errors[0]?.message).toBe('nested deeper than 100 levels');
    }
  });
});

describe("a float's shortest decimal", () => {
  it('found by arithmetic is the one toPrecision finds, digit by digit', () => {
    const bits = new DataView(new ArrayBuffer(4));
    const anyFloat32 = fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((u) => {
      bits.setUint32(0, u);
      return bits.getFloat32(0);
    });
    const decimal = fc.tuple(fc.integer({ min: -99_999, max: 99_999 }), fc.integer({ min: -14, max: 14 })).map(([m, e]) => m * 10 ** e);
    fc.assert(
      fc.property(fc.oneof(anyFloat32, decimal, fc.float(), fc.double()), (x) => {
        expect(canonicalFloat(x)).toBe(canonicalFloatByDigits(Math.fround(x)));
      }),
      { numRuns: 200_000 },
    );
  });
});
