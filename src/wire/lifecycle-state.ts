import type * as t from 'io-ts';
import { enumPlan } from './descriptor.js';
import { describe, type IssueSink, type Path } from './issue.js';
import { lazyEnum, protoEnumCodec } from './proto-enum.js';
import { INVALID, type Invalid, pathAt } from './reader.js';

/**
 * Whether a conversation is still going on (`Conversation.lifecycle_state`): the lifecycle states
 * a created conversation can be in.
 */
export type LifecycleState = 'IN_PROGRESS' | 'COMPLETED';

/** Whether a value is a {@link LifecycleState}. */
export const isLifecycleState = (u: unknown): u is LifecycleState => u === 'IN_PROGRESS' || u === 'COMPLETED';

/** @internal The wire enum: the states and the default, `LIFECYCLE_STATE_UNSPECIFIED`. */
export type LifecycleStateEnum = 'LIFECYCLE_STATE_UNSPECIFIED' | LifecycleState;

/** @internal The enum's names and numbers, from the descriptor. */
export const lifecycleStateEnum = lazyEnum<LifecycleStateEnum>(() => enumPlan('google.cloud.dialogflow.v2.Conversation.LifecycleState'));

/** @internal Reads a lifecycle state, refusing the default (a state no conversation is in). */
export const readLifecycleState = (
  value: unknown,
  issues: IssueSink,
  parent: Path,
  key: string | number | undefined,
): LifecycleState | Invalid => {
  const before = issues.length;
  const read = lifecycleStateEnum().read(value, issues, parent, key);
  if (read === INVALID || read !== 'LIFECYCLE_STATE_UNSPECIFIED') return read;
  if (issues.length === before) {
    issues.push({ path: pathAt(parent, key), message: `expected IN_PROGRESS or COMPLETED, got ${describe(value)}` });
  }
  return INVALID;
};

export interface LifecycleStateCodec extends t.Type<LifecycleState, LifecycleState, unknown> {}

/**
 * io-ts codec for a {@link LifecycleState}: names or numbers in (`"COMPLETED"`, `2`), names out.
 * `LIFECYCLE_STATE_UNSPECIFIED` is refused: it is not a state.
 *
 * @example
 * ```ts
 * LifecycleStateCodec.decode(2); // right('COMPLETED')
 * ```
 */
export const LifecycleStateCodec: LifecycleStateCodec = protoEnumCodec('LifecycleState', isLifecycleState, readLifecycleState);
