import type { Conversation, ConversationError, DecodeIssue } from './core.js';

/** The names of gRPC's status codes, by number (`UNAVAILABLE` is 14). */
export const GRPC_CODE_NAMES = Object.freeze([
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const);

/** A gRPC status code's name. */
export type GrpcCodeName = (typeof GRPC_CODE_NAMES)[number];

/**
 * The codes worth retrying (with backoff): `CANCELLED` (1), `DEADLINE_EXCEEDED` (4),
 * `RESOURCE_EXHAUSTED` (8), `ABORTED` (10), `INTERNAL` (13), `UNAVAILABLE` (14). Any other code is
 * permanent: the same call gets the same answer.
 *
 * `CANCELLED` is here although it usually means that the caller gave up: the gateway never
 * cancels a call of its own, so a `CANCELLED` it sees was cut by the other side, a server shutting
 * down (grpc-js's `forceShutdown` answers the calls in flight `CANCELLED`) or a proxy resetting the
 * stream. The same call made again, to a server that is back, answers; Pub/Sub redelivers a push
 * that got it. A call that was cut may have been carried out: retry a create with its
 * `conversationId`, as for `DEADLINE_EXCEEDED` and `UNAVAILABLE`.
 */
export const TRANSIENT_GRPC_CODES: ReadonlyArray<number> = Object.freeze([1, 4, 8, 10, 13, 14]);

/** Whether a gRPC status code is worth retrying (see {@link TRANSIENT_GRPC_CODES}). */
export const isTransientCode = (code: number): boolean => typeof code === 'number' && TRANSIENT_GRPC_CODES.includes(code);

/** The Conversations RPCs the gateway makes. */
export type GatewayRpc = 'CreateConversation' | 'GetConversation' | 'CompleteConversation' | 'ListConversations';

/** The gateway's operations. */
export type GatewayOperation = 'create' | 'complete' | 'refresh' | 'get' | 'list' | 'sweep';

interface GatewayErrorFields {
  /** Where and what: the operation, its target, the RPC, the code, what the server said, and whether to retry. */
  readonly message: string;
  /** The gRPC status code (a number from 1 to 16). */
  readonly code: number;
  readonly codeName: GrpcCodeName;
  /** Whether retrying the same call later may succeed (see {@link TRANSIENT_GRPC_CODES}). */
  readonly transient: boolean;
  readonly operation: GatewayOperation;
  readonly rpc: GatewayRpc;
  /** The conversation, parent or name the operation was about. */
  readonly target: string;
}

/** Dialogflow (or the client, or the network) answered the RPC with an error status. */
export interface RpcFailed extends GatewayErrorFields {
  readonly type: 'RpcFailed';
  /** What the server said, as it said it. */
  readonly details: string;
}

/** The gateway refused the arguments before calling anything (`INVALID_ARGUMENT`, permanent). */
export interface InvalidRequest extends GatewayErrorFields {
  readonly type: 'InvalidRequest';
  readonly errors: ReadonlyArray<DecodeIssue>;
}

/**
 * The client returned something that is not a valid conversation or page (`UNKNOWN`, permanent):
 * each problem with its path (`startTime.nanos`).
 */
export interface InvalidResponse extends GatewayErrorFields {
  readonly type: 'InvalidResponse';
  readonly errors: ReadonlyArray<DecodeIssue>;
}

/**
 * A create with a `conversationId` found a conversation with that ID made by another request (another
 * profile): `ALREADY_EXISTS`, permanent. Choose another ID.
 */
export interface CreateConflict extends GatewayErrorFields {
  readonly type: 'Conflict';
  /** The conversation that has the ID. */
  readonly existing: Conversation;
}

/**
 * What Dialogflow returned is behind the local conversation or contradicts it (`observe` refused
 * it, `FAILED_PRECONDITION`, permanent for this read): usually a stale read; `cause` names each field.
 * The local conversation is untouched.
 */
export interface Diverged extends GatewayErrorFields {
  readonly type: 'Diverged';
  readonly cause: ConversationError;
}

/** Why a gateway operation failed. `transient` says whether to retry; `type` what happened. */
export type GatewayError = RpcFailed | InvalidRequest | InvalidResponse | CreateConflict | Diverged;

/** The name of a gRPC code, `UNKNOWN` for a number that is not one. */
export const grpcCodeName = (code: number): GrpcCodeName => (typeof code === 'number' ? GRPC_CODE_NAMES[code] : undefined) ?? 'UNKNOWN';

/** @internal The fields every gateway error has, its message ending with what to do about it. */
export const errorFields = (
  operation: GatewayOperation,
  rpc: GatewayRpc,
  target: string,
  code: number,
  what: string,
): GatewayErrorFields => {
  const transient = isTransientCode(code);
  const name = grpcCodeName(code);
  return {
    message: `${operation} ${target}: ${what} [${name} (${code}), ${transient ? 'transient: retry later' : 'permanent: do not retry'}]`,
    code,
    codeName: name,
    transient,
    operation,
    rpc,
    target,
  };
};

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null;

/**
 * @internal An error the client threw or rejected with, as an {@link RpcFailed}: its gRPC `code`
 * (Google's client sets it on every error), `UNKNOWN` when it has none.
 */
export const rpcFailed = (operation: GatewayOperation, rpc: GatewayRpc, target: string, cause: unknown): RpcFailed => {
  const raw = isObject(cause) ? cause.code : undefined;
  const code = typeof raw === 'number' && Number.isInteger(raw) && raw > 0 && raw <= 16 ? raw : 2;
  let details: string;
  if (isObject(cause) && typeof cause.details === 'string' && cause.details !== '') details = cause.details;
  else if (cause instanceof Error) details = cause.message;
  else details = String(cause);
  return Object.freeze({ type: 'RpcFailed' as const, ...errorFields(operation, rpc, target, code, `${rpc} failed: ${details}`), details });
};

/** @internal The code of a failed RPC, when it is one. */
export const grpcCodeOf = (cause: unknown): number | undefined => {
  const raw = isObject(cause) ? cause.code : undefined;
  return typeof raw === 'number' ? raw : undefined;
};

const freezeIssues = (errors: ReadonlyArray<DecodeIssue>): ReadonlyArray<DecodeIssue> =>
  Object.freeze(errors.map((e) => Object.freeze({ path: e.path, message: e.message })));

const issuesText = (errors: ReadonlyArray<DecodeIssue>): string =>
  errors.map((e) => (e.path === '' ? e.message : `${e.path}: ${e.message}`)).join('; ');

/** @internal */
export const invalidRequestError = (
  operation: GatewayOperation,
  rpc: GatewayRpc,
  target: string,
  errors: ReadonlyArray<DecodeIssue>,
): InvalidRequest =>
  Object.freeze({
    type: 'InvalidRequest' as const,
    ...errorFields(operation, rpc, target, 3, `not sent: ${issuesText(errors)}`),
    errors: freezeIssues(errors),
  });

/** @internal */
export const invalidResponseError = (
  operation: GatewayOperation,
  rpc: GatewayRpc,
  target: string,
  errors: ReadonlyArray<DecodeIssue>,
): InvalidResponse =>
  Object.freeze({
    type: 'InvalidResponse' as const,
    ...errorFields(operation, rpc, target, 2, `${rpc} returned what is not a valid response: ${issuesText(errors)}`),
    errors: freezeIssues(errors),
  });

/** @internal */
export const divergedError = (operation: GatewayOperation, rpc: GatewayRpc, target: string, cause: ConversationError): Diverged =>
  Object.freeze({
    type: 'Diverged' as const,
    ...errorFields(operation, rpc, target, 9, `what ${rpc} returned does not fit the local conversation: ${cause.message}`),
    cause,
  });

/** @internal */
export const conflictError = (target: string, existing: Conversation, requestedProfile: string): CreateConflict =>
  Object.freeze({
    type: 'Conflict' as const,
    ...errorFields(
      'create',
      'CreateConversation',
      target,
      6,
      `a conversation with this ID already exists, made with profile ${existing.conversationProfile}, not ${requestedProfile}: choose another conversationId`,
    ),
    existing,
  });
