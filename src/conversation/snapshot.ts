import * as E from 'fp-ts/lib/Either.js';
import type { SnapshotFrom } from 'xstate';
import { type ConversationMachineContext, conversationMachine } from '../../machines/conversation.machine.js';
import { modelledFieldNames } from '../wire/conversation-resource.js';
import { type ConversationStage, isConversationStage } from '../wire/conversation-stage.js';
import { type DecodeError, decodeError, nestDecodeError, unreadableInput, versionProblem } from '../wire/decode-error.js';
import { causeText, type DecodeIssue, describe, joinPath } from '../wire/issue.js';
import type { JsonObject } from '../wire/json-value.js';
import { INVALID } from '../wire/reader.js';
import { decodeWith } from './codec.js';
import { type Conversation, makeConversation } from './conversation.js';
import { readUnrecoverableErrors } from './unrecoverable-errors.js';

/** A snapshot of the conversation machine, as actors hold them. */
export type ConversationSnapshot = SnapshotFrom<typeof conversationMachine>;

/** The machine context of a conversation: its data as canonical ProtoJSON values, and its version. */
const contextOf = (c: Conversation): ConversationMachineContext => ({
  version: c.version,
  ...(c.name === undefined ? {} : { name: c.name }),
  conversationProfile: c.conversationProfile,
  startTime: c.startTime,
  ...(c.endTime === undefined ? {} : { endTime: c.endTime }),
  ...(c.phoneNumber === undefined ? {} : { phoneNumber: c.phoneNumber }),
  ...(c.unknownFields === undefined ? {} : { unknownFields: c.unknownFields }),
  ...(c.unrecoverableErrors === undefined ? {} : { unrecoverableErrors: c.unrecoverableErrors }),
  ...(c.conversationStageInferred === undefined ? {} : { conversationStageInferred: c.conversationStageInferred }),
  ...(c.virtualAgent === undefined ? {} : { virtualAgent: c.virtualAgent }),
  ...(c.requestedConversationStage === undefined ? {} : { requestedConversationStage: c.requestedConversationStage }),
});

/**
 * The conversation as a snapshot of {@link conversationMachine}, to run it as an actor:
 * `createActor(conversationMachine, { snapshot: toMachineSnapshot(c) }).start()`. Never throws:
 * given what is not a conversation and cannot be read as one (possible only through a cast or from
 * JavaScript), it returns `undefined`.
 *
 * @example
 * ```ts
 * const actor = createActor(conversationMachine, { snapshot: toMachineSnapshot(conversation) }).start();
 * actor.send({ type: 'handOff' });
 * ```
 */
export const toMachineSnapshot = (conversation: Conversation): ConversationSnapshot => {
  if (typeof conversation !== 'object' || conversation === null) return undefined as unknown as ConversationSnapshot;
  try {
    return conversationMachine.resolveState({
      value: { lifecycle: conversation.lifecycleState, stage: conversation.conversationStage },
      context: contextOf(conversation),
    });
  } catch {
    return undefined as unknown as ConversationSnapshot;
  }
};

/** Names (either spelling) of the fields the aggregate models; kept fields cannot use them. */
let modelled: ReadonlySet<string> | undefined;

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * The conversation a machine snapshot holds: a live snapshot (`actor.getSnapshot()`) or a
 * persisted one (`actor.getPersistedSnapshot()`, parsed back from your store). Everything is
 * checked with the wire format's rules, so a damaged snapshot gives a `DecodeError`, never a
 * wrong conversation.
 *
 * @example
 * ```ts
 * const conversation = fromMachineSnapshot(actor.getPersistedSnapshot());
 * ```
 */
export const fromMachineSnapshot = (snapshot: unknown): E.Either<DecodeError, Conversation> => {
  try {
    return readMachineSnapshot(snapshot);
  } catch (cause) {
    // Only hostile inputs get here (a getter or proxy that throws): report it, never rethrow.
    return E.left(decodeError([unreadableInput(cause)]));
  }
};

const readMachineSnapshot = (snapshot: unknown): E.Either<DecodeError, Conversation> => {
  const problems: DecodeIssue[] = [];
  if (!isRecord(snapshot))
    return E.left(decodeError([{ path: '', message: `expected a conversation machine snapshot, got ${describe(snapshot)}` }]));
  if (snapshot.status === 'error') {
    const cause = snapshot.error instanceof Error ? causeText(snapshot.error) : describe(snapshot.error);
    return E.left(decodeError([{ path: 'status', message: `the snapshot is of a failed actor: ${cause}` }]));
  }
  const { value, context } = snapshot;
  if (!isRecord(value)) problems.push({ path: 'value', message: `expected { lifecycle, stage }, got ${describe(value)}` });
  if (!isRecord(context)) problems.push({ path: 'context', message: `expected the machine's context, got ${describe(context)}` });
  if (!isRecord(value) || !isRecord(context)) return E.left(decodeError(problems));
  const { version, unknownFields, unrecoverableErrors, conversationStageInferred, virtualAgent, requestedConversationStage, ...fields } =
    context;
  if (conversationStageInferred !== undefined && conversationStageInferred !== true) {
    problems.push({
      path: 'context.conversationStageInferred',
      message: `expected true when present, got ${describe(conversationStageInferred)}`,
    });
  }
  const errors = readUnrecoverableErrors(unrecoverableErrors, problems, 'context', 'unrecoverableErrors');
  if (virtualAgent !== undefined && typeof virtualAgent !== 'boolean') {
    problems.push({ path: 'context.virtualAgent', message: `expected a boolean, got ${describe(virtualAgent)}` });
  }
  if (requestedConversationStage !== undefined && !isConversationStage(requestedConversationStage)) {
    problems.push({
      path: 'context.requestedConversationStage',
      message: `expected VIRTUAL_AGENT_STAGE or HUMAN_ASSIST_STAGE, got ${describe(requestedConversationStage)}`,
    });
  }
  const badVersion = versionProblem(version);
  if (badVersion !== undefined) problems.push({ path: 'context.version', message: badVersion });
  const json: Record<string, unknown> = { ...fields, lifecycleState: value.lifecycle, conversationStage: value.stage };
  if (unknownFields !== undefined) {
    if (!isRecord(unknownFields)) {
      problems.push({ path: 'context.unknownFields', message: `expected an object, got ${describe(unknownFields)}` });
    } else {
      for (const key of Object.keys(unknownFields)) {
        modelled ??= modelledFieldNames();
        if (modelled.has(key)) {
          problems.push({
            path: joinPath('context.unknownFields', key),
            message: 'is a field the conversation models, not an unknown one',
          });
        } else if (Object.hasOwn(json, key)) {
          problems.push({ path: joinPath('context.unknownFields', key), message: 'repeats a field of the context' });
        } else {
          Object.defineProperty(json, key, { value: unknownFields[key], enumerable: true, writable: true, configurable: true });
        }
      }
    }
  }
  if (problems.length > 0) return E.left(decodeError(problems));
  const decoded = decodeWith(json, false, { version: version as number }, false);
  if (E.isRight(decoded)) {
    const c = decoded.right;
    return errors === undefined &&
      virtualAgent === undefined &&
      requestedConversationStage === undefined &&
      conversationStageInferred === undefined
      ? decoded
      : E.right(
          makeConversation(
            {
              ...c,
              unrecoverableErrors: errors === INVALID ? undefined : errors,
              conversationStageInferred: conversationStageInferred as true | undefined,
              virtualAgent: virtualAgent as boolean | undefined,
              requestedConversationStage: requestedConversationStage as ConversationStage | undefined,
            },
            c.version,
          ),
        );
  }
  // Point each problem at the snapshot's own layout: states in `value`, data in `context`.
  return E.left(
    decodeError(
      decoded.left.errors.map((e) => {
        if (e.path === '') return e;
        const head = e.path.split(/[.[]/)[0];
        const where =
          head === 'lifecycleState'
            ? e.path.replace('lifecycleState', 'value.lifecycle')
            : head === 'conversationStage'
              ? e.path.replace('conversationStage', 'value.stage')
              : `context.${e.path}`;
        return { path: where, message: e.message };
      }),
    ),
  );
};

/**
 * The layout of a stored conversation that {@link toPersistedSnapshot} writes today.
 *
 * - 1: what 0.1.0 stored, the bare persisted snapshot (`actor.getPersistedSnapshot()`), its context
 *   the conversation's data.
 * - 2: the snapshot inside `{ schemaVersion, snapshot }`, its context also holding what the machine
 *   knows beyond the resource (`virtualAgent`, `requestedConversationStage`,
 *   `conversationStageInferred`). A reader of layout 1 would have taken those for unknown fields of
 *   the conversation, which is why the layout has a new number and an envelope an old reader refuses.
 */
export const SNAPSHOT_SCHEMA_VERSION = 2;

/**
 * A conversation as stored: the machine's persisted snapshot (`actor.getPersistedSnapshot()`, plain
 * JSON) and, beside it, the schema version of its layout, as xstate advises, so a later version of
 * this library can read it and migrate it.
 */
export interface PersistedConversation {
  readonly schemaVersion: number;
  readonly snapshot: JsonObject;
}

/**
 * The conversation as JSON to store (see {@link PersistedConversation}); read it back with
 * {@link fromPersistedSnapshot}. Never throws: given what is not a conversation and cannot be read
 * as one (possible only through a cast or from JavaScript), it returns `undefined`.
 *
 * @example
 * ```ts
 * await db.query('insert into conversations (key, version, snapshot) values ($1, $2, $3)', [
 *   conversationKey(c.name), c.version, JSON.stringify(toPersistedSnapshot(c)),
 * ]);
 * ```
 */
export const toPersistedSnapshot = (conversation: Conversation): PersistedConversation => {
  const text = stringifyPersistedSnapshot(conversation);
  if (text === undefined) return undefined as unknown as PersistedConversation;
  try {
    return Object.freeze(JSON.parse(text) as PersistedConversation);
  } catch {
    return undefined as unknown as PersistedConversation;
  }
};

/** The machine's states, as the aggregate names them; a snapshot's frame is made for these only. */
const LIFECYCLES: ReadonlySet<unknown> = new Set(['IN_PROGRESS', 'COMPLETED']);
const STAGES: ReadonlySet<unknown> = new Set(['VIRTUAL_AGENT_STAGE', 'HUMAN_ASSIST_STAGE']);

/** What stands for the context while a frame is made: found again in the text by its (unique) JSON. */
const CONTEXT_MARK = { mark: '\u0001dialogflow-conversation context\u0001' };

/**
 * Per state, the text of a persisted snapshot around its context: what `JSON.stringify` of the
 * machine's resolved snapshot gives, before and after `"context":…`. Everything but the context
 * (status, value, children, history, tags) depends on the state alone; each frame is made once,
 * by the machine itself.
 */
const frames = new Map<string, readonly [string, string]>();

const frameOf = (lifecycle: string, stage: string): readonly [string, string] | undefined => {
  const key = `${lifecycle} ${stage}`;
  const known = frames.get(key);
  if (known !== undefined) return known;
  const resolved = conversationMachine.resolveState({
    value: { lifecycle, stage },
    context: CONTEXT_MARK as unknown as ConversationMachineContext,
  });
  const text = JSON.stringify(resolved);
  const mark = JSON.stringify(CONTEXT_MARK);
  const at = text.indexOf(mark);
  if (at < 0 || text.indexOf(mark, at + 1) >= 0) return undefined;
  const frame = [
    `{"schemaVersion":${SNAPSHOT_SCHEMA_VERSION},"snapshot":${text.slice(0, at)}`,
    `${text.slice(at + mark.length)}}`,
  ] as const;
  frames.set(key, frame);
  return frame;
};

/**
 * The conversation as the JSON text to store: `JSON.stringify(toPersistedSnapshot(conversation))`,
 * made directly (the frame of the conversation's state around its context's JSON, rather than a
 * machine snapshot resolved and encoded twice), for a store that writes a text or `jsonb` column
 * per change. Read it back with `fromPersistedSnapshot(JSON.parse(text))`. Never throws: given what
 * is not a conversation and cannot be read as one (possible only through a cast or from
 * JavaScript), it returns `undefined`.
 *
 * @example
 * ```ts
 * await db.query('update conversations set version = $2, snapshot = $3 where key = $1', [
 *   conversationKey(c.name), c.version, stringifyPersistedSnapshot(c),
 * ]);
 * ```
 */
export const stringifyPersistedSnapshot = (conversation: Conversation): string => {
  if (typeof conversation !== 'object' || conversation === null) return undefined as unknown as string;
  try {
    const { lifecycleState, conversationStage } = conversation;
    const frame = LIFECYCLES.has(lifecycleState) && STAGES.has(conversationStage) ? frameOf(lifecycleState, conversationStage) : undefined;
    if (frame === undefined) {
      // Not one of the machine's states (only a cast gets here): the machine says what it makes of it.
      const snapshot = toMachineSnapshot(conversation);
      return snapshot === undefined
        ? (undefined as unknown as string)
        : JSON.stringify({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, snapshot });
    }
    return `${frame[0]}${JSON.stringify(contextOf(conversation))}${frame[1]}`;
  } catch {
    return undefined as unknown as string;
  }
};

/**
 * Each older layout's step to the next one, by its schema version: a stored conversation is
 * brought up to date one step at a time, then read with today's rules.
 */
const MIGRATIONS: Readonly<Record<number, (snapshot: unknown) => unknown>> = {
  // Layout 2 only added optional context fields; without them (what a layout 1 snapshot has) the
  // machine knows no more than the resource: a reported stage, no virtual agent known, nothing
  // requested. So a layout 1 snapshot is a layout 2 one as it is.
  1: (snapshot) => snapshot,
};

/**
 * The conversation a stored {@link PersistedConversation} holds, whatever schema version of this
 * library wrote it (older layouts are migrated, see {@link SNAPSHOT_SCHEMA_VERSION}), checked with
 * the wire format's rules. A bare persisted snapshot, without the envelope, is layout 1: what
 * 0.1.0 stored. Never throws.
 *
 * @example
 * ```ts
 * const conversation = fromPersistedSnapshot(JSON.parse(row.snapshot));
 * ```
 */
export const fromPersistedSnapshot = (stored: unknown): E.Either<DecodeError, Conversation> => {
  try {
    if (!isRecord(stored) || !Object.hasOwn(stored, 'schemaVersion')) return migrated(1, stored, '');
    const { schemaVersion, snapshot } = stored;
    if (
      typeof schemaVersion !== 'number' ||
      !Number.isInteger(schemaVersion) ||
      schemaVersion < 1 ||
      schemaVersion > SNAPSHOT_SCHEMA_VERSION
    ) {
      return E.left(
        decodeError([
          {
            path: 'schemaVersion',
            message: `expected a schema version this library reads (1 to ${SNAPSHOT_SCHEMA_VERSION}), got ${describe(schemaVersion)}`,
          },
        ]),
      );
    }
    return migrated(schemaVersion, snapshot, 'snapshot');
  } catch (cause) {
    return E.left(decodeError([unreadableInput(cause)]));
  }
};

const migrated = (from: number, snapshot: unknown, at: string): E.Either<DecodeError, Conversation> => {
  let current = snapshot;
  for (let version = from; version < SNAPSHOT_SCHEMA_VERSION; version++)
    current = (MIGRATIONS[version] as (s: unknown) => unknown)(current);
  const read = fromMachineSnapshot(current);
  return E.isRight(read) || at === '' ? read : E.left(nestDecodeError(at, read.left));
};
