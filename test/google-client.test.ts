import type { protos } from '@google-cloud/dialogflow';
import * as fc from 'fast-check';
import { fromProto3JSON, toProto3JSON } from 'proto3-json-serializer';
import type protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  fromGoogleConversation,
  type GoogleConversation,
  type GoogleConversationMessage,
  toGoogleConversation,
} from '../src/google/index.js';
import { type Conversation, decodeConversation, encodeConversation, parseConversation } from '../src/index.js';
import { schemaConversationJson } from './arbitraries.js';
import { googleType } from './google.js';
import { left, right } from './helpers.js';

type IConversation = protos.google.cloud.dialogflow.v2.IConversation;

const Type = googleType('google.cloud.dialogflow.v2.Conversation');
/** A message as plain data, to compare two messages field by field. */
const plain = (m: protobuf.Message): unknown => Type.toObject(m, { longs: String, enums: String, bytes: String, defaults: true });

// The types fit Google's, both ways, at compile time: this file would not typecheck otherwise.
const _in = (m: IConversation): GoogleConversation => m;
const _out = (m: GoogleConversationMessage): IConversation => m;

const base = {
  name: 'projects/acme/conversations/c-42',
  lifecycleState: 'COMPLETED',
  conversationProfile: 'projects/acme/conversationProfiles/support',
  startTime: '2026-11-23T10:15:30.123456789Z',
  endTime: '2026-11-23T10:45:00Z',
  conversationStage: 'HUMAN_ASSIST_STAGE',
};
const conversation = right(decodeConversation(base));
const START = Date.parse('2026-11-23T10:15:30Z') / 1000;
const END = Date.parse('2026-11-23T10:45:00Z') / 1000;

describe('to and from the message objects of Google’s Node client', () => {
  it('a conversation becomes an IConversation: timestamps as { seconds, nanos }, enums as names', () => {
    expect(right(toGoogleConversation(conversation))).toEqual({
      name: base.name,
      lifecycleState: 'COMPLETED',
      conversationProfile: base.conversationProfile,
      startTime: { seconds: START, nanos: 123456789 },
      endTime: { seconds: END, nanos: 0 },
      conversationStage: 'HUMAN_ASSIST_STAGE',
    });
  });

  it('an IConversation becomes the aggregate, whatever form its seconds and enums take', () => {
    const forms: GoogleConversation[] = [
      { ...base, startTime: { seconds: START, nanos: 123456789 }, endTime: { seconds: String(END) } },
      {
        ...base,
        lifecycleState: 2,
        conversationStage: 2,
        startTime: { seconds: { low: START, high: 0, unsigned: false }, nanos: 123456789 },
        endTime: { seconds: { low: END, high: 0, unsigned: false }, nanos: null },
      },
      Type.fromObject({
        ...base,
        startTime: { seconds: START, nanos: 123456789 },
        endTime: { seconds: END },
      }) as GoogleConversation,
    ];
    for (const form of forms) expect(right(fromGoogleConversation(form, { version: 2 }))).toEqual({ ...conversation, version: 2 });
  });

  it('reports what does not fit, with paths', () => {
    expect(
      left(fromGoogleConversation({ ...base, startTime: { seconds: 1.5 }, endTime: { seconds: 0, nanos: 2e9 } })).errors.map((e) => e.path),
    ).toEqual(['startTime.seconds', 'endTime.nanos']);
    expect(left(fromGoogleConversation({ ...base, startTime: { seconds: 0 }, endTime: { seconds: 0, nanos: 2e9 } })).errors).toEqual([
      { path: 'endTime.nanos', message: 'expected nanos from 0 to 999999999, got 2000000000' },
    ]);
    const googleBase = { ...base, startTime: { seconds: 0 }, endTime: null };
    expect(left(fromGoogleConversation({ ...googleBase, lifecycleState: 7 })).errors[0]?.path).toBe('lifecycleState');
    expect(left(fromGoogleConversation({ ...googleBase, conversationProfile: null })).errors[0]?.path).toBe('conversationProfile');
    expect(left(fromGoogleConversation({ ...base, telephonyConnectionInfo: { dialedNumber: 5 } } as never)).errors[0]?.path).toBe(
      'telephonyConnectionInfo.dialedNumber',
    );
    expect(() => fromGoogleConversation(null as never)).not.toThrow();
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (u, v) => {
        expect(() => fromGoogleConversation(u as never)).not.toThrow();
        expect(() => fromGoogleConversation({ ...base, startTime: u, telephonyConnectionInfo: v } as never)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('kept fields that Google’s message type has no place for are reported, or left out when asked', () => {
    const withUnknown = right(
      decodeConversation({ ...base, futureField: 1, telephonyConnectionInfo: { dialedNumber: '+1', newer: true } }),
    );
    expect(left(toGoogleConversation(withUnknown)).errors.map((e) => e.path)).toEqual(['telephonyConnectionInfo.newer', 'futureField']);
    expect(right(toGoogleConversation(withUnknown, { dropUnknownFields: true })).telephonyConnectionInfo).toEqual({ dialedNumber: '+1' });
    // A kept field is checked against its proto type when decoded, by the one engine.
    expect(left(decodeConversation({ ...base, telephonyConnectionInfo: { sipHeaders: 'x' } })).errors[0]?.path).toBe(
      'telephonyConnectionInfo.sipHeaders',
    );
  });
});

describe('differential: this module against Google’s code, on random conversations', () => {
  const RUNS = { numRuns: 500 };

  it('what this module emits as JSON, proto3-json-serializer reads back to the message this module gives Google’s client', () => {
    fc.assert(
      fc.property(schemaConversationJson, (json) => {
        const c = right(decodeConversation(json));
        const viaGoogleJson = fromProto3JSON(Type, encodeConversation(c) as never) as protobuf.Message;
        const viaMessage = Type.fromObject(right(toGoogleConversation(c)) as Record<string, unknown>);
        expect(plain(viaGoogleJson)).toEqual(plain(viaMessage));
      }),
      RUNS,
    );
  });

  it('what proto3-json-serializer emits, this module reads back to the same conversation', () => {
    fc.assert(
      fc.property(schemaConversationJson, (json) => {
        const c = right(decodeConversation(json));
        const message = Type.fromObject(right(toGoogleConversation(c)) as Record<string, unknown>);
        const googleJson = toProto3JSON(message as never);
        // The kept fields are kept as they come (Google writes their whole seconds as ".000"): the
        // same once made canonical, which toGoogleConversation does.
        const decoded = right(decodeConversation(googleJson));
        expect({ ...decoded, unknownFields: undefined }).toEqual({ ...c, unknownFields: undefined });
        expect(right(toGoogleConversation(decoded))).toEqual(right(toGoogleConversation(c)));
        expect(right(fromGoogleConversation(message as GoogleConversation))).toEqual(c);
        // The message, as its own toObject writes it (seconds as strings, enums as numbers), too.
        expect(right(fromGoogleConversation(Type.toObject(message, { longs: String }) as GoogleConversation))).toEqual(c);
      }),
      RUNS,
    );
  });

  it('… and Google’s binary encoding of it, decoded by protobufjs, too', () => {
    fc.assert(
      fc.property(schemaConversationJson, (json) => {
        const c = right(decodeConversation(json));
        const bytes = Type.encode(Type.fromObject(right(toGoogleConversation(c)) as Record<string, unknown>)).finish();
        expect(right(fromGoogleConversation(Type.decode(bytes) as GoogleConversation))).toEqual(c);
      }),
      RUNS,
    );
  });
});

describe('where Google’s code differs (named, not bent to)', () => {
  const googleJson = (c: Conversation) =>
    toProto3JSON(Type.fromObject(right(toGoogleConversation(c)) as Record<string, unknown>) as never) as Record<string, unknown>;

  it('proto3-json-serializer writes whole seconds with ".000" and empty maps as {}; this module writes neither, and reads both', () => {
    const c = right(decodeConversation({ ...base, startTime: '2026-11-23T10:15:30Z' }));
    const theirs = googleJson(c);
    expect(theirs.startTime).toBe('2026-11-23T10:15:30.000Z');
    expect(theirs.ingestedContextReferences).toEqual({});
    expect(theirs.initialGeneratorContexts).toEqual({});
    expect(encodeConversation(c).startTime).toBe('2026-11-23T10:15:30Z');
    expect('ingestedContextReferences' in encodeConversation(c)).toBe(false);
    expect(right(decodeConversation(theirs))).toEqual(c);
  });

  it('proto3-json-serializer reads milliseconds as nanoseconds when a timestamp has an offset; this module does not', () => {
    const text = '2026-11-23T10:15:30.123+05:30';
    const theirs = toProto3JSON(fromProto3JSON(Type, { ...base, startTime: text } as never) as never) as { startTime: string };
    expect(theirs.startTime).toBe('2026-11-23T04:45:30.000000123Z');
    expect(right(decodeConversation({ ...base, startTime: text })).startTime).toBe('2026-11-23T04:45:30.123Z');
  });

  it('proto3-json-serializer takes February 30, drops snake_case names, unknown enum names and unknown fields, and truncates 1.5; this module refuses or keeps them', () => {
    const theirs = (json: Record<string, unknown>) =>
      toProto3JSON(fromProto3JSON(Type, { ...base, ...json } as never) as never) as Record<string, unknown>;
    expect(theirs({ startTime: '2026-02-30T10:15:30Z' }).startTime).toBe('2026-03-02T10:15:30.000Z');
    expect(left(decodeConversation({ ...base, startTime: '2026-02-30T10:15:30Z' })).errors[0]?.path).toBe('startTime');
    const { lifecycleState: _, ...snake } = { ...base, lifecycle_state: 'IN_PROGRESS' };
    expect(toProto3JSON(fromProto3JSON(Type, snake as never) as never)).not.toHaveProperty('lifecycleState');
    expect(right(decodeConversation(snake)).lifecycleState).toBe('IN_PROGRESS');
    expect(theirs({ conversationStage: 'ROBOT_STAGE' })).not.toHaveProperty('conversationStage');
    expect(left(decodeConversation({ ...base, conversationStage: 'ROBOT_STAGE' })).errors[0]?.path).toBe('conversationStage');
    expect(theirs({ futureField: 1 }).futureField).toBeUndefined();
    expect(right(decodeConversation({ ...base, futureField: 1 })).unknownFields).toEqual({ futureField: 1 });
    expect((theirs({ phoneNumber: { countryCode: 1.5 } }).phoneNumber as { countryCode: number }).countryCode).toBe(1);
    expect(left(decodeConversation({ ...base, phoneNumber: { countryCode: 1.5 } })).errors[0]?.path).toBe('phoneNumber.countryCode');
  });

  it('Google’s client drops unknown fields; this module keeps them, and says so when handing over to Google', () => {
    const c = right(parseConversation(JSON.stringify({ ...base, futureField: { a: 1 } })));
    expect(googleJsonOrDropped(c)).not.toHaveProperty('futureField');
    expect(left(toGoogleConversation(c)).errors[0]?.path).toBe('futureField');
  });

  const googleJsonOrDropped = (c: Conversation) =>
    toProto3JSON(Type.fromObject(right(toGoogleConversation(c, { dropUnknownFields: true })) as Record<string, unknown>) as never);
});
