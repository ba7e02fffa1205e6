import type * as t from 'io-ts';
import { type MessagePlan, messagePlan } from './descriptor.js';
import { isInt32 } from './int32.js';
import type { IssueSink, Path } from './issue.js';
import { type JsonValue, MAX_DEPTH } from './json-value.js';
import { readProtoJson } from './protojson.js';
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

let plan: MessagePlan | undefined;

/** @internal Reads a `ConversationPhoneNumber` with the engine: both spellings, `null` as absent, canonical ProtoJSON out, frozen. */
export const readPhoneNumberWithEngine = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
  owned: boolean,
): ConversationPhoneNumber | Invalid => {
  plan ??= messagePlan('google.cloud.dialogflow.v2.ConversationPhoneNumber');
  return readProtoJson(plan, value, issues, parent, key, depth, owned) as ConversationPhoneNumber | Invalid;
};

/** A country code the engine keeps as it is: an int32, not its default (zero is omitted). */
const isCountryCode = (u: unknown): u is number => isInt32(u) && u !== 0;

/**
 * The common shape of a phone number, canonical already: a plain object of `countryCode` (a
 * non-zero int32 number) then `phoneNumber` (a non-empty string), either alone. What the engine
 * returns for it is the same fields in the same order; owned, the object itself is that, frozen.
 * `undefined` for anything else, which takes the engine (`test/fast-paths.test.ts` checks they agree).
 */
const readCommonPhoneNumber = (value: unknown, owned: boolean): ConversationPhoneNumber | undefined => {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const keys = Object.keys(value);
  const source = value as Readonly<Record<string, unknown>>;
  if (keys.length === 2) {
    if (keys[0] !== 'countryCode' || keys[1] !== 'phoneNumber') return undefined;
    const countryCode = source.countryCode;
    const phoneNumber = source.phoneNumber;
    if (!isCountryCode(countryCode) || typeof phoneNumber !== 'string' || phoneNumber === '') return undefined;
    return Object.freeze(owned ? (source as ConversationPhoneNumber) : { countryCode, phoneNumber });
  }
  if (keys.length === 1) {
    if (keys[0] === 'phoneNumber') {
      const phoneNumber = source.phoneNumber;
      if (typeof phoneNumber !== 'string' || phoneNumber === '') return undefined;
      return Object.freeze(owned ? (source as ConversationPhoneNumber) : { phoneNumber });
    }
    if (keys[0] === 'countryCode') {
      const countryCode = source.countryCode;
      if (!isCountryCode(countryCode)) return undefined;
      return Object.freeze(owned ? (source as ConversationPhoneNumber) : { countryCode });
    }
  }
  return undefined;
};

/** @internal Reads a `ConversationPhoneNumber`: its common shape directly, anything else with the engine. */
export const readPhoneNumber = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
  depth: number,
  owned: boolean,
): ConversationPhoneNumber | Invalid =>
  (depth < MAX_DEPTH ? readCommonPhoneNumber(value, owned) : undefined) ??
  readPhoneNumberWithEngine(value, issues, parent, key, depth, owned);

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
