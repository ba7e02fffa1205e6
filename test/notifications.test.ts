import * as fc from 'fast-check';
import { fromProto3JSON } from 'proto3-json-serializer';
import type protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeNotificationData, decodePulledMessage, decodePushDelivery, type Notification, type PulledMessage } from '../src/index.js';
import { decodeNotification, encodeNotification, NotificationCodec, NotificationTypeCodec } from '../src/notifications/index.js';
import { NOTIFICATION_TYPES, notificationJson } from './arbitraries.js';
import { googleType } from './google.js';
import { event, left, right, viaCodec } from './helpers.js';

const conversation = 'projects/acme/conversations/c-42';
const EVENT = 'google.cloud.dialogflow.v2.ConversationEvent';

/** Serializes a canonical ConversationEvent with Google's own code: proto3-json-serializer, then protobufjs. */
const googleBytes = (json: unknown): Uint8Array => {
  const type = googleType(EVENT);
  return type.encode(fromProto3JSON(type, json as never) as protobuf.Message).finish();
};

const push = (data: Uint8Array | string, message: Record<string, unknown> = {}) => ({
  message: {
    attributes: { origin: 'dialogflow' },
    data: Buffer.from(data).toString('base64'),
    messageId: '2070443601311540',
    message_id: '2070443601311540',
    publishTime: '2026-11-23T10:15:30.123Z',
    publish_time: '2026-11-23T10:15:30.123Z',
    ...message,
  },
  subscription: 'projects/acme/subscriptions/dialogflow-push',
});

const newMessage = {
  conversation,
  type: 'NEW_MESSAGE',
  newMessagePayload: {
    name: `${conversation}/messages/m-1`,
    content: 'I want to talk to a person',
    languageCode: 'en-US',
    participant: `${conversation}/participants/p-1`,
    participantRole: 'END_USER',
    createTime: '2026-11-23T10:15:29.5Z',
    messageAnnotation: { parts: [{ text: 'person', entityType: 'agent', formattedValue: { kind: 'human' } }], containEntities: true },
    sentimentAnalysis: { queryTextSentiment: { score: -0.4, magnitude: 0.8 } },
    sendTime: '2026-11-23T10:15:29.4Z',
  },
};

describe('decoding a ConversationEvent (JSON format)', () => {
  it('recognises every ConversationEvent.Type, by name and by number', () => {
    const numbers = [0, 1, 2, 3, 4, 5, 7];
    NOTIFICATION_TYPES.forEach((type, i) => {
      expect(event(decodeNotification({ conversation, type })).type).toBe(type);
      expect(event(decodeNotification({ conversation, type: numbers[i] })).type).toBe(type);
    });
    expect(event(decodeNotification({ conversation })).type).toBe('TYPE_UNSPECIFIED');
    expect(right(viaCodec(NotificationTypeCodec, 7))).toBe('NEW_RECOGNITION_RESULT');
  });

  it("takes enum numbers quoted, as protobuf's C++, Java and Python parsers do, under int32 rules", () => {
    expect(event(decodeNotification({ conversation, type: '2' })).type).toBe('CONVERSATION_FINISHED');
    const n = event(decodeNotification({ conversation, type: '5', newMessagePayload: { participantRole: '3', content: 'x' } }));
    expect(n.newMessagePayload).toEqual({ content: 'x', participantRole: 'END_USER' });
    // proto3 enums are open: a payload's unnamed number is kept, as a number.
    expect(event(decodeNotification({ conversation, type: 5, newMessagePayload: { participantRole: '42' } })).newMessagePayload).toEqual({
      participantRole: 42,
    });
    for (const bad of [' 2', '02', '+2', '2.5', '0x2', '']) {
      expect(left(decodeNotification({ conversation, type: 5, newMessagePayload: { participantRole: bad } })).errors).toEqual([
        {
          path: 'newMessagePayload.participantRole',
          message: `expected a Participant.Role (ROLE_UNSPECIFIED, HUMAN_AGENT, AUTOMATED_AGENT, END_USER, or a number), got ${JSON.stringify(bad)}`,
        },
      ]);
    }
  });

  it('keeps a ConversationEvent.Type newer than this library, by name (JSON) or by number (protobuf): Google adds types', () => {
    expect(event(decodeNotification({ conversation, type: 6 })).type).toBe(6);
    expect(event(decodeNotification({ conversation, type: '8' })).type).toBe(8);
    const newer = event(decodeNotification({ conversation, type: 'NEW_THING', futureField: { x: 1 } }));
    expect(newer).toMatchObject({ kind: 'ConversationEvent', type: 'NEW_THING', unknownFields: { futureField: { x: 1 } } });
    // Kept whole: it encodes back as it came.
    expect(encodeNotification(newer)).toEqual({ conversation, type: 'NEW_THING', futureField: { x: 1 } });
    // What is not a type at all is still an error.
    for (const bad of ['new thing', '', 1.5, true, { name: 'X' }]) {
      expect(left(decodeNotification({ conversation, type: bad })).errors.map((e) => e.path)).toEqual(['type']);
    }
  });

  it('keeps the payloads, canonical: checked against their proto types', () => {
    const n = event(decodeNotification(newMessage));
    expect(n.newMessagePayload).toEqual({
      ...newMessage.newMessagePayload,
      createTime: '2026-11-23T10:15:29.500Z',
      sendTime: '2026-11-23T10:15:29.400Z',
    });
    expect(encodeNotification(n)).toEqual({ ...newMessage, newMessagePayload: n.newMessagePayload });
  });

  it('reads both spellings, enum numbers and nulls, and keeps unknown fields, in payloads too', () => {
    const n = event(
      decodeNotification({
        conversation,
        type: 5,
        error_status: null,
        new_message_payload: {
          language_code: 'en-US',
          participant_role: 3,
          create_time: '2026-11-23T11:15:29.5+01:00',
          message_annotation: { contain_entities: false, parts: [] },
          futureField: { x: 1 },
        },
        futureEventField: 'kept',
      }),
    );
    expect(n.newMessagePayload).toEqual({
      languageCode: 'en-US',
      participantRole: 'END_USER',
      createTime: '2026-11-23T10:15:29.500Z',
      messageAnnotation: {},
      futureField: { x: 1 },
    });
    expect(n.unknownFields).toEqual({ futureEventField: 'kept' });
    expect(n.errorStatus).toBeUndefined();
  });

  it('a recognition result: durations and floats written canonically', () => {
    const n = event(
      decodeNotification({
        conversation,
        type: 'NEW_RECOGNITION_RESULT',
        newRecognitionResultPayload: {
          messageType: 'TRANSCRIPT',
          transcript: 'hello',
          isFinal: true,
          confidence: '0.9',
          speechWordInfo: [{ word: 'hello', startOffset: '0s', endOffset: '0.5000s', confidence: 0.123456789 }],
          speechEndOffset: '1.000000001s',
        },
      }),
    );
    expect(n.newRecognitionResultPayload).toEqual({
      messageType: 'TRANSCRIPT',
      transcript: 'hello',
      isFinal: true,
      confidence: 0.9,
      speechWordInfo: [{ startOffset: '0s', endOffset: '0.500s', word: 'hello', confidence: 0.12345679 }],
      speechEndOffset: '1.000000001s',
    });
  });

  it('an error status keeps its details, expanded when their type is known', () => {
    const status = {
      code: 9,
      message: 'SIP trunk rejected the call',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SIP_REJECTED', metadata: { trunk: 't-1' } },
        { '@type': 'type.googleapis.com/example.Unknown', anything: [1, 2] },
      ],
    };
    const n = event(decodeNotification({ conversation, type: 'UNRECOVERABLE_ERROR', errorStatus: status }));
    expect(n.errorStatus).toEqual(status);
  });

  it("refuses an Any whose type URL has no '/' before the type's name, in JSON and in protobuf, at its path", () => {
    for (const typeUrl of ['google.rpc.ErrorInfo', 'type.googleapis.com/']) {
      const json = left(
        decodeNotification({
          conversation,
          type: 'UNRECOVERABLE_ERROR',
          errorStatus: { code: 9, details: [{ '@type': typeUrl, reason: 'X' }] },
        }),
      );
      expect(json.errors).toEqual([
        { path: 'errorStatus.details[0]["@type"]', message: expect.stringContaining('expected a type URL such as') },
      ]);
      const Event = googleType('google.cloud.dialogflow.v2.ConversationEvent');
      const bytes = Event.encode(
        Event.fromObject({
          conversation,
          type: 'UNRECOVERABLE_ERROR',
          errorStatus: { code: 9, details: [{ type_url: typeUrl, value: new Uint8Array([8, 1]) }] },
        }),
      ).finish();
      const proto = left(decodeNotificationData(bytes, { format: 'PROTO' }));
      expect(proto.errors).toEqual([
        { path: 'errorStatus.details[0].typeUrl', message: expect.stringContaining('expected a type URL such as') },
      ]);
    }
  });

  it('reports every problem with its path, and never throws', () => {
    expect(left(decodeNotification({ type: 'NEW_MESSAGE' })).errors).toEqual([
      { path: 'conversation', message: 'missing: every ConversationEvent names its conversation' },
    ]);
    const error = left(
      decodeNotification({
        conversation: 'projects/acme/agents/x',
        type: 'CONVERSATION_PAUSED',
        newMessagePayload: { createTime: '2026-02-30T00:00:00Z', participantRole: 'ROBOT', messageAnnotation: { parts: [null] } },
      }),
    );
    // A type newer than this library (CONVERSATION_PAUSED) is no problem: it is kept, as it came.
    expect(error.errors.map((e) => e.path)).toEqual([
      'conversation',
      'newMessagePayload.createTime',
      'newMessagePayload.participantRole',
      'newMessagePayload.messageAnnotation.parts[0]',
    ]);
    expect(left(decodeNotification({ conversation, type: 'CONVERSATION_STARTED', x: undefined })).errors[0]?.path).toBe('x');
    expect(left(decodeNotification({ conversation, type: 'not a type' })).message).toContain('NEW_RECOGNITION_RESULT, or a number');
    expect(left(decodeNotification({ conversation: 'projects/acme/agents/x' })).errors[0]?.path).toBe('conversation');
    // The payload is a oneof: only one may be set.
    expect(left(decodeNotification({ conversation, newMessagePayload: {}, newRecognitionResultPayload: {} })).errors[0]?.message).toContain(
      'only one of newMessagePayload, newRecognitionResultPayload',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          notificationJson().chain((n) => fc.jsonValue().map((v) => ({ ...n, newMessagePayload: v }))),
        ),
        (u) => {
          expect(() => decodeNotification(u)).not.toThrow();
          expect(() => decodePushDelivery({ message: { data: Buffer.from(JSON.stringify(u) ?? '').toString('base64') } })).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is an io-ts codec too', () => {
    expect(right(viaCodec(NotificationCodec, newMessage))).toMatchObject({ kind: 'ConversationEvent', type: 'NEW_MESSAGE' });
    expect(left(viaCodec(NotificationCodec, { conversation, newMessagePayload: { createTime: 1 } })).errors[0]?.path).toBe(
      'newMessagePayload.createTime',
    );
  });
});

describe('decoding a Pub/Sub push delivery', () => {
  it('JSON data: keeps messageId, publishTime, attributes and subscription', () => {
    const n = event(decodePushDelivery(push(JSON.stringify({ conversation, type: 'CONVERSATION_FINISHED' }))));
    expect(n).toEqual({
      kind: 'ConversationEvent',
      conversation,
      type: 'CONVERSATION_FINISHED',
      delivery: {
        messageId: '2070443601311540',
        publishTime: '2026-11-23T10:15:30.123Z',
        attributes: { origin: 'dialogflow' },
        subscription: 'projects/acme/subscriptions/dialogflow-push',
      },
    });
  });

  it('PROTO data (the default format) gives the same notification as JSON data', () => {
    const fromJson = event(decodePushDelivery(push(JSON.stringify(newMessage))));
    const fromProto = event(decodePushDelivery(push(googleBytes(newMessage))));
    expect(fromProto).toEqual(fromJson);
    expect(event(decodeNotificationData(googleBytes(newMessage)))).toEqual(event(decodeNotification(newMessage)));
  });

  it('… for any notification, whatever the type and payload (JSON and protobuf made by Google’s code)', () => {
    fc.assert(
      fc.property(notificationJson(), (json) => {
        const fromJson = event(decodePushDelivery(push(JSON.stringify(json))));
        const fromProto = event(decodePushDelivery(push(googleBytes(json))));
        expect(fromProto).toEqual(fromJson);
        // The canonical JSON is what came in: nothing lost, nothing invented.
        expect(encodeNotification(fromProto)).toEqual(json);
      }),
      { numRuns: 1000 },
    );
  });

  it('a map entry keyed __proto__ survives protobuf decoding (protobufjs would make it the prototype)', () => {
    const type = googleType(EVENT);
    const fields = {};
    Object.defineProperty(fields, '__proto__', { value: { stringValue: 'kept' }, enumerable: true });
    const message = type.fromObject({
      conversation,
      type: 'NEW_MESSAGE',
      newMessagePayload: { messageAnnotation: { parts: [{ formattedValue: { structValue: { fields: { a: { boolValue: true } } } } }] } },
    });
    // Google's fromObject and fromProto3JSON lose such a key too: put it in by hand.
    const part = (
      message as unknown as {
        newMessagePayload: { messageAnnotation: { parts: Array<{ formattedValue: { structValue: { fields: object } } }> } };
      }
    ).newMessagePayload.messageAnnotation.parts[0];
    if (part)
      Object.defineProperty(part.formattedValue.structValue.fields, '__proto__', {
        value: type.root.lookupType('google.protobuf.Value').fromObject({ stringValue: 'kept' }),
        enumerable: true,
      });
    const n = event(decodeNotificationData(type.encode(message).finish()));
    const value = (n.newMessagePayload as { messageAnnotation: { parts: Array<{ formattedValue: Record<string, unknown> }> } })
      .messageAnnotation.parts[0]?.formattedValue;
    expect(Object.keys(value ?? {})).toEqual(['a', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe('kept');
  });

  it('the format can be forced', () => {
    const bytes = googleBytes({ conversation, type: 'HUMAN_INTERVENTION_NEEDED' });
    expect(event(decodePushDelivery(push(bytes), { format: 'PROTO' })).type).toBe('HUMAN_INTERVENTION_NEEDED');
    expect(left(decodePushDelivery(push(bytes), { format: 'JSON' })).errors).toEqual([
      { path: 'message.data', message: 'expected a JSON object (format JSON)' },
    ]);
  });

  it('reports problems with their paths', () => {
    expect(
      left(
        decodePushDelivery(push('', { publishTime: 'yesterday', publish_time: undefined, messageId: 7, message_id: undefined })),
      ).errors.map((e) => e.path),
    ).toEqual(['message.messageId', 'message.publishTime', 'message.data']);
    expect(left(decodePushDelivery({ subscription: 'projects/acme/subscriptions/s' })).errors).toEqual([
      { path: 'message', message: 'missing: a push delivery carries a message' },
    ]);
    expect(
      left(decodePushDelivery(push(JSON.stringify({ conversation, type: 'NEW_MESSAGE', newMessagePayload: { createTime: 'now' } }))))
        .errors[0]?.path,
    ).toBe('message.data.newMessagePayload.createTime');
    expect(left(decodePushDelivery(push(googleBytes({ type: 'NEW_MESSAGE' })))).errors[0]?.path).toBe('message.data.conversation');
    expect(left(decodePushDelivery(push('{"conversation": '))).errors[0]?.message).toMatch(/^neither JSON \(invalid JSON/);
    expect(left(decodePushDelivery(push(new Uint8Array([0x0a, 0xff])))).errors[0]).toMatchObject({
      path: 'message.data',
      message: expect.stringContaining('not a serialized ConversationEvent'),
    });
    expect(left(decodePushDelivery({ ...push('x'), message: { ...push('x').message, data: 'not base64!' } })).errors[0]?.path).toBe(
      'message.data',
    );
    expect(left(decodePushDelivery({ ...push('x'), subscription: 'dialogflow-push' })).errors[0]?.path).toBe('subscription');
    expect(left(decodePushDelivery({ ...push('x'), message: { ...push('x').message, attributes: { a: 1 } } })).errors[0]?.path).toBe(
      'message.attributes.a',
    );
    expect(left(decodeNotificationData('x' as unknown as Uint8Array)).errors[0]?.message).toContain('expected bytes');
  });

  it('no bytes and no push body, however malformed, make a decoder throw', () => {
    const valid = push(JSON.stringify(newMessage));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v))),
        ),
        (bytes) => {
          expect(() => decodeNotificationData(bytes)).not.toThrow();
          expect(() =>
            decodePushDelivery({ ...valid, message: { ...valid.message, data: Buffer.from(bytes).toString('base64') } }),
          ).not.toThrow();
        },
      ),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (u, v) => {
        expect(() => decodePushDelivery(u)).not.toThrow();
        expect(() => decodePushDelivery({ ...valid, message: { ...valid.message, attributes: u, publishTime: v } })).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('reads the optional Pub/Sub fields', () => {
    const n: Notification = event(
      decodePushDelivery({
        ...push(JSON.stringify({ conversation })),
        message: { ...push('').message, data: Buffer.from(JSON.stringify({ conversation })).toString('base64'), orderingKey: 'c-42' },
        deliveryAttempt: 3,
      }),
    );
    expect(n.delivery).toMatchObject({ orderingKey: 'c-42', deliveryAttempt: 3 });
  });
});

describe('decoding a message a pull subscriber received (@google-cloud/pubsub)', () => {
  /** The fields of the Node client's `Message` this library reads; `publishTime` a PreciseDate-like value. */
  const pulled = (data: Uint8Array, fields: Record<string, unknown> = {}) =>
    ({
      ackId: 'ack-1',
      id: '2070443601311543',
      data: Buffer.from(data),
      attributes: { origin: 'dialogflow' },
      orderingKey: '',
      deliveryAttempt: 0,
      // A PreciseDate: a Date whose toISOString() keeps the nanoseconds.
      publishTime: { toISOString: () => '2026-11-23T10:17:02.311207001Z' },
      received: 1_795_429_022_000,
      ...fields,
    }) as unknown as PulledMessage;

  it('gives the same notification and delivery as the push of the same message, in either format', () => {
    const json = { conversation, type: 'HUMAN_INTERVENTION_NEEDED' };
    for (const data of [new TextEncoder().encode(JSON.stringify(json)), googleBytes(json)]) {
      const n = event(decodePulledMessage(pulled(data)));
      expect(n).toEqual({
        kind: 'ConversationEvent',
        conversation,
        type: 'HUMAN_INTERVENTION_NEEDED',
        delivery: { messageId: '2070443601311543', publishTime: '2026-11-23T10:17:02.311207001Z', attributes: { origin: 'dialogflow' } },
      });
      const pushed = event(
        decodePushDelivery(
          push(data, {
            messageId: '2070443601311543',
            message_id: '2070443601311543',
            publishTime: '2026-11-23T10:17:02.311207001Z',
            publish_time: '2026-11-23T10:17:02.311207001Z',
          }),
        ),
      );
      expect(pushed.delivery?.subscription).toBe('projects/acme/subscriptions/dialogflow-push');
      expect(n).toEqual({ ...pushed, delivery: { ...pushed.delivery, subscription: undefined } });
    }
  });

  it('a REST pull’s received message decodes as a push without a subscription', () => {
    const data = new TextEncoder().encode(JSON.stringify({ conversation, type: 'CONVERSATION_FINISHED' }));
    const received = { ackId: 'ack-1', message: push(data).message, deliveryAttempt: 2 };
    const n = event(decodePushDelivery({ message: received.message, deliveryAttempt: received.deliveryAttempt }));
    expect(n.delivery).toEqual({
      messageId: '2070443601311540',
      publishTime: '2026-11-23T10:15:30.123Z',
      attributes: { origin: 'dialogflow' },
      deliveryAttempt: 2,
    });
  });

  it('takes a Date or an RFC 3339 string for the publish time, and keeps the ordering key and delivery attempt', () => {
    const data = new TextEncoder().encode(JSON.stringify({ conversation, type: 'CONVERSATION_FINISHED' }));
    expect(event(decodePulledMessage(pulled(data, { publishTime: new Date('2026-11-23T10:17:02.311Z') }))).delivery?.publishTime).toBe(
      '2026-11-23T10:17:02.311Z',
    );
    const n = event(
      decodePulledMessage(pulled(data, { publishTime: '2026-11-23T11:17:02+01:00', orderingKey: 'c-42', deliveryAttempt: 2 })),
    );
    expect(n.delivery).toEqual({
      messageId: '2070443601311543',
      publishTime: '2026-11-23T10:17:02Z',
      attributes: { origin: 'dialogflow' },
      orderingKey: 'c-42',
      deliveryAttempt: 2,
    });
  });

  it('reports what is wrong with the message, with paths into it, and never throws', () => {
    const data = new TextEncoder().encode(JSON.stringify({ conversation: 'c-42', type: 'NEW_MESSAGE' }));
    expect(
      left(decodePulledMessage(pulled(data, { id: '', publishTime: new Date(Number.NaN), attributes: { a: 1 }, deliveryAttempt: -1 })))
        .errors,
    ).toEqual([
      { path: 'id', message: 'expected the message ID, got ""' },
      { path: 'publishTime', message: expect.stringMatching(/^expected a PreciseDate, a valid Date or an RFC 3339 string, got /) },
      { path: 'attributes.a', message: 'expected a string, got 1' },
      { path: 'deliveryAttempt', message: 'expected a whole number ≥ 0, got -1' },
    ]);
    expect(left(decodePulledMessage(pulled(data))).errors).toEqual([
      { path: 'data.conversation', message: expect.stringMatching(/^expected a conversation name like /) },
    ]);
    expect(left(decodePulledMessage(pulled(data, { data: 'e30=' }))).errors[0]).toEqual({
      path: 'data',
      message: 'expected the message data as bytes, got "e30="',
    });
    const throwing = {
      toISOString: () => {
        throw new Error('boom');
      },
    };
    expect(left(decodePulledMessage(pulled(data, { publishTime: throwing }))).errors[0]?.path).toBe('publishTime');
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (u, v) => {
        expect(() => decodePulledMessage(u as PulledMessage)).not.toThrow();
        expect(() => decodePulledMessage(pulled(data, { publishTime: u, data: v }))).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
