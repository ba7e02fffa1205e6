import type * as t from 'io-ts';
import { Int32Codec, readInt32 } from './int32.js';
import { type IssueSink, type Path, stepInto } from './issue.js';
import type { JsonValue } from './json-value.js';
import { keepUnknownField, readMessageObject, readString, type UnknownFields, writeUnknownFields } from './message.js';
import { codecFromReader, INVALID, type Invalid } from './reader.js';

/** `ConversationPhoneNumber`: how to reach a conversation over telephony. Both fields output only. */
export interface ConversationPhoneNumber {
  /** The country calling code (added in 2025; older payloads lack it). */
  readonly countryCode?: number | undefined;
  /** The phone number to call to join the conversation. */
  readonly phoneNumber?: string | undefined;
  /** Fields of this message that the library does not model, kept verbatim. */
  readonly unknownFields?: UnknownFields | undefined;
}

/** `ConversationPhoneNumber` as canonical ProtoJSON. */
export interface ConversationPhoneNumberJson {
  readonly countryCode?: number;
  readonly phoneNumber?: string;
  readonly [unknownField: string]: JsonValue | undefined;
}

/** @internal Reader used by the Conversation decoder. */
export const readPhoneNumber = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
  owned: boolean,
): ConversationPhoneNumber | Invalid => {
  const source = readMessageObject('ConversationPhoneNumber', value, issues, parent, key, depth);
  if (source === INVALID) return INVALID;
  const before = issues.length;
  const here = stepInto(parent, key);
  let countryCode: number | Invalid | undefined;
  let phoneNumber: string | Invalid | undefined;
  let unknownFields: Record<string, JsonValue> | undefined;
  const keys = Object.keys(source);
  for (let n = 0; n < keys.length; n++) {
    const k = keys[n] as string;
    const item = source[k];
    switch (k) {
      case 'countryCode':
      case 'country_code':
        countryCode = item === null ? undefined : readInt32(item, issues, here, k);
        break;
      case 'phoneNumber':
      case 'phone_number':
        phoneNumber = item === null ? undefined : readString(item, issues, here, k);
        break;
      default:
        unknownFields = keepUnknownField(unknownFields, k, item, issues, here, depth, owned);
    }
  }
  if (issues.length !== before) return INVALID;
  return Object.freeze({
    // Defaults (0, "") are the same as absent in proto3.
    countryCode: countryCode === 0 ? undefined : (countryCode as number | undefined),
    phoneNumber: phoneNumber === '' ? undefined : (phoneNumber as string | undefined),
    unknownFields: unknownFields === undefined ? undefined : Object.freeze(unknownFields),
  });
};

/** @internal Canonical ProtoJSON of a phone number: field order, defaults left out, kept fields last. */
export const writePhoneNumber = (p: ConversationPhoneNumber): ConversationPhoneNumberJson => {
  const out: Record<string, JsonValue> = {};
  if (p.countryCode !== undefined && p.countryCode !== 0) out.countryCode = p.countryCode;
  if (p.phoneNumber !== undefined && p.phoneNumber !== '') out.phoneNumber = p.phoneNumber;
  writeUnknownFields(out, p.unknownFields);
  return out;
};

/** @internal Whether two phone numbers are the same (as their canonical ProtoJSON). */
export const samePhoneNumber = (a: ConversationPhoneNumber, b: ConversationPhoneNumber): boolean =>
  a === b || JSON.stringify(writePhoneNumber(a)) === JSON.stringify(writePhoneNumber(b));

const isPhoneNumber = (u: unknown): u is ConversationPhoneNumber => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
  const p = u as ConversationPhoneNumber;
  return (
    (p.countryCode === undefined || Int32Codec.is(p.countryCode)) && (p.phoneNumber === undefined || typeof p.phoneNumber === 'string')
  );
};

export interface ConversationPhoneNumberCodec extends t.Type<ConversationPhoneNumber, ConversationPhoneNumberJson, unknown> {}

/**
 * io-ts codec for `ConversationPhoneNumber`. `countryCode` follows the int32 rules (a number or a
 * numeric string); either spelling of each name is accepted; unknown fields are kept.
 *
 * @example
 * ```ts
 * ConversationPhoneNumberCodec.decode({ phone_number: '+1 650-253-0000', countryCode: '1' });
 * // right({ countryCode: 1, phoneNumber: '+1 650-253-0000' })
 * ```
 */
export const ConversationPhoneNumberCodec: ConversationPhoneNumberCodec = codecFromReader<
  ConversationPhoneNumber,
  ConversationPhoneNumberJson
>(
  'ConversationPhoneNumber',
  isPhoneNumber,
  (value, issues, parent, key) => readPhoneNumber(value, issues, parent, key, 0, false),
  writePhoneNumber,
);
