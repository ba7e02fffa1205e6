import type * as t from 'io-ts';
import { readInt32 } from './int32.js';
import { type IssueSink, type Path, stepInto } from './issue.js';
import type { JsonValue } from './json-value.js';
import { keepUnknownField, readMessageObject, readString } from './message.js';
import { codecFromReader, INVALID, type Invalid, runReader } from './reader.js';

/**
 * `ConversationPhoneNumber`, how to reach a conversation over telephony, as canonical ProtoJSON:
 * `countryCode` (added in 2025; older payloads lack it) and `phoneNumber`, each absent at its
 * default, then any fields newer than this library, kept as they came. Both output only.
 */
export interface ConversationPhoneNumber {
  /** The country calling code. */
  readonly countryCode?: number;
  /** The phone number to call to join the conversation. */
  readonly phoneNumber?: string;
  /** Fields newer than this library, kept verbatim. */
  readonly [unknownField: string]: JsonValue | undefined;
}

/** @internal Reader used by the Conversation decoder: both spellings, `null` as absent, canonical out. */
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
  const out: Record<string, JsonValue> = {};
  // Defaults (0, "") are the same as absent in proto3.
  if (countryCode !== undefined && countryCode !== 0) out.countryCode = countryCode as number;
  if (phoneNumber !== undefined && phoneNumber !== '') out.phoneNumber = phoneNumber as string;
  if (unknownFields !== undefined) {
    for (const k of Object.keys(unknownFields))
      Object.defineProperty(out, k, { value: unknownFields[k], enumerable: true, writable: true, configurable: true });
  }
  return Object.freeze(out) as ConversationPhoneNumber;
};

/** @internal Whether a value is a phone number in canonical form (what the reader returns). */
export const isPhoneNumberJson = (u: unknown): u is ConversationPhoneNumber => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
  const { value, issues } = runReader((v, sink, parent, key) => readPhoneNumber(v, sink, parent, key, 1, false), u);
  return value !== INVALID && issues.length === 0 && JSON.stringify(value) === JSON.stringify(u);
};

export interface ConversationPhoneNumberCodec extends t.Type<ConversationPhoneNumber, ConversationPhoneNumber, unknown> {}

/**
 * io-ts codec for `ConversationPhoneNumber`. `countryCode` follows the int32 rules (a number or a
 * numeric string); either spelling of each name is accepted; unknown fields are kept; out comes
 * canonical ProtoJSON.
 *
 * @example
 * ```ts
 * ConversationPhoneNumberCodec.decode({ phone_number: '+1 650-253-0000', countryCode: '1' });
 * // right({ countryCode: 1, phoneNumber: '+1 650-253-0000' })
 * ```
 */
export const ConversationPhoneNumberCodec: ConversationPhoneNumberCodec = codecFromReader<ConversationPhoneNumber, ConversationPhoneNumber>(
  'ConversationPhoneNumber',
  isPhoneNumberJson,
  (value, issues, parent, key) => readPhoneNumber(value, issues, parent, key, 0, false),
  (p) => p,
);
