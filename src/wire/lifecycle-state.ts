import type * as t from 'io-ts';
import { protoEnum, protoEnumCodec } from './proto-enum.js';

/** `Conversation.LifecycleState`: whether a conversation is still going on. */
export type LifecycleState = 'LIFECYCLE_STATE_UNSPECIFIED' | 'IN_PROGRESS' | 'COMPLETED';

/** @internal The enum's names and numbers. */
export const lifecycleStateEnum = protoEnum<LifecycleState>('LifecycleState', ['LIFECYCLE_STATE_UNSPECIFIED', 'IN_PROGRESS', 'COMPLETED']);

export interface LifecycleStateC extends t.Type<LifecycleState, LifecycleState, unknown> {}

/**
 * io-ts codec for `LifecycleState`: names or numbers in, names out.
 *
 * @example
 * ```ts
 * LifecycleState.decode(2); // right('COMPLETED')
 * ```
 */
export const LifecycleState: LifecycleStateC = protoEnumCodec(lifecycleStateEnum);
