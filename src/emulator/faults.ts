import * as E from 'fp-ts/lib/Either.js';
import { grpcCodeName } from '../dialogflow/gateway-error.js';
import type { Timestamp } from './core.js';

/** The RPCs the emulator serves; the others of the service answer `UNIMPLEMENTED`. */
export const EMULATED_RPCS = ['CreateConversation', 'GetConversation', 'ListConversations', 'CompleteConversation'] as const;

export type EmulatedRpc = (typeof EMULATED_RPCS)[number];

/** The name of a gRPC status code (`UNAVAILABLE` for 14), from the gateway's one table of them. */
export const statusName = (code: number): string => (code === 0 ? 'OK' : grpcCodeName(code));

/** The longest delay a fault may ask for: 10 minutes, beyond any deadline worth testing. */
export const MAX_DELAY_MS = 600_000;

/**
 * A fault to inject: the next `times` calls of `rpc` (or every call, until the faults are cleared,
 * with `times: 'always'`) wait `delayMs`, then fail with `code`. Without `code` they are answered as
 * usual once the delay is over; without `delayMs` they fail at once.
 */
export interface Fault {
  readonly rpc: EmulatedRpc;
  /** The gRPC status code the calls fail with (1 to 16). */
  readonly code?: number | undefined;
  /** How long each call waits before it is answered, in milliseconds (1 to 600 000). */
  readonly delayMs?: number | undefined;
  /** How many calls it takes (still to come, in a list of faults), or `'always'`: every call, until cleared. */
  readonly times: number | 'always';
  /** The failed calls' details (with `code` only); by default, how many more are to come. */
  readonly message?: string | undefined;
}

/** A fault as you give it: `times` is 1 unless said. */
export type FaultInput = Omit<Fault, 'times'> & { readonly times?: number | 'always' | undefined };

const shown = (u: unknown): string => (u === undefined ? 'nothing' : (JSON.stringify(u) ?? String(u)));

/** A fault from JSON (`POST /faults`) or from a program (`addFault`), checked: every problem, each with its field. */
export const readFault = (input: unknown): E.Either<string, Fault> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return E.left(`expected a fault, {"rpc", "code", "delayMs", "times"}, got ${shown(input)}`);
  const body = input as Record<string, unknown>;
  const rpc = EMULATED_RPCS.find((r) => r === body.rpc);
  const problems: string[] = [];
  if (rpc === undefined) problems.push(`rpc: expected one of ${EMULATED_RPCS.join(', ')}, got ${shown(body.rpc)}`);
  const { code, delayMs, times = 1, message } = body;
  if (code !== undefined && (typeof code !== 'number' || !Number.isInteger(code) || code < 1 || code > 16)) {
    problems.push(`code: expected a gRPC status code from 1 to 16 (14 UNAVAILABLE, 5 NOT_FOUND, ...), got ${shown(code)}`);
  }
  if (delayMs !== undefined && (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 1 || delayMs > MAX_DELAY_MS)) {
    problems.push(`delayMs: expected a whole number of milliseconds from 1 to ${MAX_DELAY_MS}, got ${shown(delayMs)}`);
  }
  if (code === undefined && delayMs === undefined) {
    problems.push('code: expected a gRPC status code to fail with, a delayMs to wait, or both');
  }
  if (times !== 'always' && (typeof times !== 'number' || !Number.isInteger(times) || times < 1 || times > 1000)) {
    problems.push(`times: expected a whole number from 1 to 1000, or "always", got ${shown(times)}`);
  }
  if (message !== undefined && typeof message !== 'string') problems.push('message: expected a string');
  else if (message !== undefined && code === undefined) problems.push('message: the details of a failed call: give a code too');
  if (problems.length > 0 || rpc === undefined) return E.left(problems.join('; '));
  return E.right(
    Object.freeze({
      rpc,
      ...(code === undefined ? {} : { code: code as number }),
      ...(delayMs === undefined ? {} : { delayMs: delayMs as number }),
      times: times as number | 'always',
      ...(message === undefined ? {} : { message: message as string }),
    }),
  );
};

/** What a fault does, in words: `fail with UNAVAILABLE (14)`, `wait 5000 ms`, `wait 5000 ms, then fail with ...`. */
export const faultEffect = (fault: Fault): string => {
  const failing = fault.code === undefined ? undefined : `fail with ${statusName(fault.code)} (${fault.code})`;
  const waiting = fault.delayMs === undefined ? undefined : `wait ${fault.delayMs} ms`;
  return [waiting, failing].filter((s) => s !== undefined).join(', then ');
};

/** The faults waiting to be injected, in the order they were added. */
export class Faults {
  private readonly queue: Array<{ fault: Fault; left: number | 'always' }> = [];

  add(fault: Fault): void {
    this.queue.push({ fault, left: fault.times });
  }

  /** The fault the next call of `rpc` gets, if any (counted down), and how many calls it has left. */
  take(rpc: EmulatedRpc): { readonly fault: Fault; readonly left: number | 'always' } | undefined {
    const entry = this.queue.find((e) => e.fault.rpc === rpc && e.left !== 0);
    if (entry === undefined) return undefined;
    if (entry.left !== 'always') {
      entry.left--;
      if (entry.left === 0) this.queue.splice(this.queue.indexOf(entry), 1);
    }
    return { fault: entry.fault, left: entry.left };
  }

  list(): ReadonlyArray<Fault> {
    return Object.freeze(this.queue.map((e) => Object.freeze({ ...e.fault, times: e.left })));
  }

  clear(): void {
    this.queue.length = 0;
  }
}

/** One call the emulator received. */
export interface RpcCall {
  /** When it arrived, on the emulated clock. */
  readonly at: Timestamp;
  readonly rpc: EmulatedRpc;
  /** The conversation's name, or the parent, as the request gave it (empty when it gave neither). */
  readonly target: string;
  /** What it was answered: 0 (OK) or the gRPC status code; absent while it waits (a fault's delay). */
  readonly code?: number | undefined;
  /** Whether a fault delayed it or decided its answer. */
  readonly faulted: boolean;
}

/** The most calls the log keeps: beyond, the oldest go. */
export const MAX_CALLS = 100_000;

/** Every call received, in the order they arrived (the last {@link MAX_CALLS}). */
export class CallLog {
  private entries: Array<{ at: Timestamp; rpc: EmulatedRpc; target: string; code?: number; faulted: boolean }> = [];

  /** Records a call as it arrives; the function returned records its answer. */
  arrived(rpc: EmulatedRpc, target: string, at: Timestamp, faulted: boolean): (code: number) => void {
    const entry: { at: Timestamp; rpc: EmulatedRpc; target: string; code?: number; faulted: boolean } = { at, rpc, target, faulted };
    this.entries.push(entry);
    // Dropped in batches, so that a full log does not shift the array on every call.
    if (this.entries.length > MAX_CALLS + 1000) this.entries = this.entries.slice(this.entries.length - MAX_CALLS);
    return (code) => {
      entry.code = code;
    };
  }

  list(): ReadonlyArray<RpcCall> {
    const from = Math.max(0, this.entries.length - MAX_CALLS);
    return Object.freeze(
      this.entries
        .slice(from)
        .map((e) =>
          Object.freeze({ at: e.at, rpc: e.rpc, target: e.target, ...(e.code === undefined ? {} : { code: e.code }), faulted: e.faulted }),
        ),
    );
  }

  clear(): void {
    this.entries = [];
  }
}
