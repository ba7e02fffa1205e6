import { type ConversationName, conversationNameKind, sameConversation } from '../wire/conversation-name.js';
import { type ConversationProfileName, conversationProfileNameKind, sameConversationProfile } from '../wire/conversation-profile-name.js';
import { type ConversationStage, isConversationStage } from '../wire/conversation-stage.js';
import { readJsonObject } from '../wire/json-value.js';
import type { UnknownFields } from '../wire/message.js';
import { type ConversationPhoneNumber, isPhoneNumberJson } from '../wire/phone-number.js';
import { INVALID } from '../wire/reader.js';
import { compareTimestamps, isTimestamp, type Timestamp } from '../wire/well-known-types.js';
import type { RegressedField } from './errors.js';

/**
 * What a fetched resource (GetConversation, a ListConversations item) reports of a conversation's
 * data besides its states: each field present only when reported. Absent means "not reported",
 * never "erased".
 */
export interface ObservedConversationData {
  readonly name?: ConversationName | undefined;
  readonly conversationProfile?: ConversationProfileName | undefined;
  readonly startTime?: Timestamp | undefined;
  readonly endTime?: Timestamp | undefined;
  readonly phoneNumber?: ConversationPhoneNumber | undefined;
  readonly unknownFields?: UnknownFields | undefined;
  /** The stage the resource reported (not left out): it makes a stage inferred here known. */
  readonly conversationStage?: ConversationStage | undefined;
}

/** The data a conversation holds that observed data is joined into. */
export interface ObservableFields {
  readonly name?: ConversationName | undefined;
  readonly conversationProfile: ConversationProfileName;
  readonly startTime: Timestamp;
  readonly endTime?: Timestamp | undefined;
  readonly phoneNumber?: ConversationPhoneNumber | undefined;
  readonly unknownFields?: UnknownFields | undefined;
  readonly conversationStageInferred?: true | undefined;
}

/** The fields observed data changes: each present only when it changes. */
export interface ObservedChanges {
  name?: ConversationName;
  startTime?: Timestamp;
  endTime?: Timestamp;
  phoneNumber?: ConversationPhoneNumber;
  unknownFields?: UnknownFields;
  /** Present (and `undefined`) when a reported stage makes the inferred one known. */
  conversationStageInferred?: undefined;
}

/** Deep equality of JSON values, key order included (it decides the output). */
const sameJson = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * What observed data contradicts in the conversation: another conversation's name, another
 * profile (a profile can never change), or an end time earlier than the one known (an end time
 * only moves later). A resource that contradicts is stale or about another conversation; its
 * data is not taken.
 */
export const observedDataContradictions = (current: ObservableFields, observed: ObservedConversationData): RegressedField[] => {
  const found: RegressedField[] = [];
  if (current.name !== undefined && observed.name !== undefined && !sameConversation(current.name, observed.name)) {
    found.push({ field: 'name', local: current.name, remote: observed.name });
  }
  if (observed.conversationProfile !== undefined && !sameConversationProfile(current.conversationProfile, observed.conversationProfile)) {
    found.push({ field: 'conversationProfile', local: current.conversationProfile, remote: observed.conversationProfile });
  }
  if (current.endTime !== undefined && observed.endTime !== undefined && compareTimestamps(observed.endTime, current.endTime) < 0) {
    found.push({ field: 'endTime', local: current.endTime, remote: observed.endTime });
  }
  return found;
};

/**
 * The fields observed data changes, or `undefined` when it brings nothing new:
 * - `name` is taken when the conversation has none yet (it is named once);
 * - `startTime`, `phoneNumber` and the kept fields are the server's: its value is taken;
 * - `endTime` is taken when none is known, or when it is later;
 * - a reported stage makes a stage inferred here known (it is then emitted).
 */
export const observedDataChanges = (current: ObservableFields, observed: ObservedConversationData): ObservedChanges | undefined => {
  const changed: ObservedChanges = {};
  let any = false;
  if (observed.name !== undefined && current.name === undefined) {
    changed.name = observed.name;
    any = true;
  }
  if (observed.startTime !== undefined && observed.startTime !== current.startTime) {
    changed.startTime = observed.startTime;
    any = true;
  }
  if (observed.endTime !== undefined && (current.endTime === undefined || compareTimestamps(observed.endTime, current.endTime) > 0)) {
    changed.endTime = observed.endTime;
    any = true;
  }
  if (observed.phoneNumber !== undefined && !sameJson(current.phoneNumber, observed.phoneNumber)) {
    changed.phoneNumber = observed.phoneNumber;
    any = true;
  }
  if (observed.unknownFields !== undefined && !sameJson(current.unknownFields, observed.unknownFields)) {
    changed.unknownFields = observed.unknownFields;
    any = true;
  }
  if (observed.conversationStage !== undefined && current.conversationStageInferred === true) {
    changed.conversationStageInferred = undefined;
    any = true;
  }
  return any ? changed : undefined;
};

const isJsonObject = (u: unknown): boolean => readJsonObject(u, [], '', undefined, 1, false) !== INVALID;

const OBSERVED_FIELDS: Readonly<Record<string, (value: unknown) => boolean>> = {
  name: conversationNameKind.is,
  conversationProfile: conversationProfileNameKind.is,
  startTime: isTimestamp,
  endTime: isTimestamp,
  phoneNumber: isPhoneNumberJson,
  unknownFields: isJsonObject,
  conversationStage: isConversationStage,
};

/**
 * Whether a value is observed data in the form the machine takes (what `toMachineEvent` gives): an
 * object of own fields, each undefined or of its type (a conversation name, a profile name,
 * canonical timestamps, a canonical `ConversationPhoneNumber`, a JSON object of kept fields), and
 * nothing else. The machine's context never holds what the wire format would reject.
 */
export const isObservedData = (u: unknown): u is ObservedConversationData => {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) return false;
  for (const key of Object.keys(u)) {
    const value = (u as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const check = Object.hasOwn(OBSERVED_FIELDS, key) ? OBSERVED_FIELDS[key] : undefined;
    if (check === undefined || !check(value)) return false;
  }
  return true;
};
