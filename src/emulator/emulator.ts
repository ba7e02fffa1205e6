import * as E from 'fp-ts/lib/Either.js';
import { EmulatedClock, nanosOfTimestamp } from './clock.js';
import { startControl } from './control.js';
import { type Conversation, ConversationProfileNameCodec, causeText, isSegment, type Timestamp, TimestampCodec } from './core.js';
import { CallLog, type Fault, type FaultInput, Faults, type RpcCall, readFault } from './faults.js';
import { startGrpcServer } from './grpc-server.js';
import { loadEmulatorModules } from './modules.js';
import { type ChaosOptions, PushPublisher, type PushRetryOptions, type PushStats } from './push.js';
import { SeededRandom } from './random.js';
import { EmulatedConversations, type EmulatorEvent, type RpcStatus } from './service.js';

/** How to run the emulator. */
export interface EmulatorOptions {
  /** The interface to listen on (default `127.0.0.1`). */
  readonly host?: string | undefined;
  /** The gRPC port (default 0: a free port, see `grpcPort`). */
  readonly port?: number | undefined;
  /** The control API's port (default 0: a free port, see `controlPort`). */
  readonly controlPort?: number | undefined;
  /** Where to push notifications, as a Pub/Sub push subscription would; none: no pushes. */
  readonly push?: string | undefined;
  /** The notifications' format (default `PROTO`, as Dialogflow's). */
  readonly format?: 'PROTO' | 'JSON' | 'proto' | 'json' | undefined;
  /**
   * The conversation profiles that have a virtual agent (their conversations start in
   * `VIRTUAL_AGENT_STAGE`): full names, or profile IDs that match in any project and location.
   * Every other profile has none.
   */
  readonly virtualAgentProfiles?: ReadonlyArray<string> | undefined;
  /** Seeds conversation IDs, message IDs and chaos (default: a random seed, in `seed`). */
  readonly seed?: number | undefined;
  /** Duplicate and reorder deliveries, as Pub/Sub may (`true` for the defaults). */
  readonly chaos?: boolean | ChaosOptions | undefined;
  /** How unacknowledged pushes are retried. */
  readonly pushRetry?: PushRetryOptions | undefined;
  /** Told of everything that happens: RPCs, faults, lifecycle changes, notifications, pushes. */
  readonly log?: ((event: EmulatorEvent) => void) | undefined;
  /**
   * The emulated time to start at (an RFC 3339 string or a `Date`, from 1970 to 9998); it runs on
   * in real time from there. Default: the real time. With it, times are the same on every run,
   * and `conversations` of a fixed date fit.
   */
  readonly now?: string | Date | undefined;
  /**
   * Conversations that exist when it starts, as Dialogflow would have them at `now` (see
   * `addConversation`): found by GetConversation and ListConversations, not notified.
   */
  readonly conversations?: ReadonlyArray<Conversation> | undefined;
}

/** The emulator, running. */
export interface RunningEmulator {
  readonly host: string;
  readonly grpcPort: number;
  readonly controlPort: number;
  /** `host:port` of the gRPC service. */
  readonly grpcAddress: string;
  /** The control API's base URL: `http://host:port`. */
  readonly controlUrl: string;
  /**
   * Options for Google's client, but for the credentials: `new v2.ConversationsClient({
   * ...emulator.clientOptions, sslCreds: grpc.credentials.createInsecure() })`. `universeDomain` is set
   * so that the client does not look for Google credentials (it would probe the metadata server).
   */
  readonly clientOptions: { readonly apiEndpoint: string; readonly port: number; readonly universeDomain: string };
  readonly seed: number;
  /** The emulated time. */
  now(): Timestamp;
  /** Resolves once every push has been acknowledged or given up. */
  idle(): Promise<void>;
  pushStats(): PushStats;
  /**
   * Adds a conversation that exists already (made before the emulator started, by another client,
   * on a phone call), as Dialogflow would have it at the emulated time: kept as it is given, found
   * by GetConversation and ListConversations, moved by time and the control API like one created
   * here. Nothing is notified. `POST /conversations` does the same over HTTP.
   *
   * The `Left` (its `code` a gRPC status code): `INVALID_ARGUMENT` (3) when it is not a
   * conversation Dialogflow can have now (no name; a start or an end after the emulated time; in
   * progress 24 hours after its start, when Dialogflow completes it; ended 30 days before, when
   * Dialogflow purges it), `ALREADY_EXISTS` (6) when its ID is taken in its project.
   */
  addConversation(conversation: Conversation): E.Either<RpcStatus, Conversation>;
  /**
   * Injects a fault (as `POST /faults`): the next `times` calls of `rpc` (1 unless said; `'always'`:
   * every call until the faults are cleared) wait `delayMs`, then fail with `code`; without `code`
   * they are answered as usual after the delay. Returns the faults still to come, or a `Left`
   * (`INVALID_ARGUMENT`) naming each field that is wrong.
   */
  addFault(fault: FaultInput): E.Either<RpcStatus, ReadonlyArray<Fault>>;
  /** The faults still to come, in the order they apply. */
  faults(): ReadonlyArray<Fault>;
  /** Clears the faults (a call waiting out a delay is still answered). */
  clearFaults(): void;
  /**
   * Every call received, in the order they arrived (the last 100 000), with what each was answered
   * (as `GET /calls`): how many GetConversation calls your backend made for a conversation, say.
   */
  calls(): ReadonlyArray<RpcCall>;
  /** Forgets the calls received so far. */
  clearCalls(): void;
  /** Stops serving, and drops the pushes still pending; calls a fault is delaying are cut (`CANCELLED`). */
  close(): Promise<void>;
}

/** Why the emulator could not start. */
export class EmulatorError extends Error {
  override readonly name = 'EmulatorError';

  constructor(
    /** `INVALID_OPTION`, `MISSING_PACKAGE` (an optional peer is not installed) or `START_FAILED` (a busy port, say). */
    readonly code: 'INVALID_OPTION' | 'MISSING_PACKAGE' | 'START_FAILED',
    message: string,
    /** The packages to install, for `MISSING_PACKAGE`. */
    readonly packageNames: ReadonlyArray<string> = [],
  ) {
    super(message);
  }
}

/** An `INVALID_ARGUMENT` of the handle's methods. */
const refusal = (message: string): RpcStatus => Object.freeze({ code: 3, message });

const isPort = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535;

const EARLIEST_START = '1970-01-01T00:00:00Z';
const LATEST_START = '9999-01-01T00:00:00Z';

/** The `now` option in nanoseconds since the epoch, when it is a time the clock can start at. */
const startNanos = (now: unknown): bigint | undefined => {
  let ns: bigint;
  if (now instanceof Date) {
    const ms = now.getTime();
    if (!Number.isFinite(ms)) return undefined;
    ns = BigInt(ms) * 1_000_000n;
  } else {
    const decoded = TimestampCodec.decode(now);
    if (E.isLeft(decoded)) return undefined;
    ns = nanosOfTimestamp(decoded.right);
  }
  // Time runs on and advances from the start: leave it room before the last Timestamp.
  const earliest = nanosOfTimestamp(EARLIEST_START as Timestamp);
  const latest = nanosOfTimestamp(LATEST_START as Timestamp);
  return ns >= earliest && ns < latest ? ns : undefined;
};

const checkOptions = (options: EmulatorOptions): string[] => {
  const problems: string[] = [];
  if (options.port !== undefined && !isPort(options.port)) problems.push(`port: expected 0 to 65535, got ${String(options.port)}`);
  if (options.controlPort !== undefined && !isPort(options.controlPort))
    problems.push(`controlPort: expected 0 to 65535, got ${String(options.controlPort)}`);
  if (options.host !== undefined && (typeof options.host !== 'string' || options.host === ''))
    problems.push('host: expected a host name or address');
  if (options.push !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(options.push);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      problems.push(`push: expected an http(s) URL, got ${JSON.stringify(options.push)}`);
  }
  if (options.format !== undefined && !['PROTO', 'JSON', 'proto', 'json'].includes(options.format)) {
    problems.push(`format: expected PROTO or JSON, got ${JSON.stringify(options.format)}`);
  }
  if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0 && options.seed < 2 ** 32))
    problems.push(`seed: expected a whole number from 0 to 4294967295, got ${String(options.seed)}`);
  if (options.now !== undefined && startNanos(options.now) === undefined) {
    problems.push(
      `now: expected an RFC 3339 time or a Date from ${EARLIEST_START} to ${LATEST_START}, got ${options.now instanceof Date ? String(options.now) : JSON.stringify(options.now)}`,
    );
  }
  if (options.conversations !== undefined && !Array.isArray(options.conversations))
    problems.push('conversations: expected an array of conversations');
  for (const profile of options.virtualAgentProfiles ?? []) {
    if (typeof profile !== 'string' || !(ConversationProfileNameCodec.is(profile) || isSegment(profile))) {
      problems.push(
        `virtualAgentProfiles: expected a profile name (projects/{p}/conversationProfiles/{id}) or a profile ID, got ${JSON.stringify(profile)}`,
      );
    }
  }
  return problems;
};

/**
 * Starts the emulator of Dialogflow's v2 Conversations service: gRPC on `port` (Google's own
 * `ConversationsClient` works against it unchanged), the control API over HTTP on `controlPort`,
 * and, with `push`, Pub/Sub pushes of every notification. Each conversation is this module's
 * aggregate, so the machine's rules are the emulator's. Resolves to a `Left` of an
 * {@link EmulatorError} when it cannot start (a bad option, a missing optional package, a busy
 * port); never rejects.
 *
 * @example
 * ```ts
 * const started = await startEmulator({ push: 'http://127.0.0.1:3000/push', virtualAgentProfiles: ['support'] });
 * if (isLeft(started)) throw started.left; // code: INVALID_OPTION, MISSING_PACKAGE or START_FAILED
 * const emulator = started.right;
 * const client = new v2.ConversationsClient({ ...emulator.clientOptions, sslCreds: grpc.credentials.createInsecure() });
 * // ... your tests ...
 * await emulator.close();
 * ```
 */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<E.Either<EmulatorError, RunningEmulator>> => {
  try {
    return E.right(await start(options ?? {}));
  } catch (cause) {
    // What start throws is an EmulatorError; anything else is options it could not read (a getter or a proxy that throws).
    return E.left(
      cause instanceof EmulatorError
        ? cause
        : new EmulatorError('INVALID_OPTION', `emulator: could not read the options: ${causeText(cause)}`),
    );
  }
};

/** Starts the emulator, throwing an {@link EmulatorError} when it cannot (turned into a `Left` by `startEmulator`). */
const start = async (options: EmulatorOptions): Promise<RunningEmulator> => {
  if (typeof options !== 'object')
    throw new EmulatorError('INVALID_OPTION', `emulator: expected the options as an object, got a ${typeof options}`);
  const problems = checkOptions(options);
  if (problems.length > 0) throw new EmulatorError('INVALID_OPTION', `emulator: ${problems.join('; ')}`);
  const modules = await loadEmulatorModules();
  if (E.isLeft(modules)) {
    const { packageNames, message } = modules.left;
    throw new EmulatorError(packageNames.length > 0 ? 'MISSING_PACKAGE' : 'START_FAILED', `emulator: ${message}`, packageNames);
  }
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = new SeededRandom(seed);
  const clock = new EmulatedClock(startNanos(options.now));
  const log = (event: EmulatorEvent): void => {
    try {
      options.log?.(event);
    } catch {
      // A logger that throws must not break the emulator.
    }
  };
  const eventType = modules.right.root.lookupType('google.cloud.dialogflow.v2.ConversationEvent');
  const chaos = options.chaos === true ? {} : options.chaos === false ? undefined : options.chaos;
  const publisher = new PushPublisher({
    url: options.push,
    format: options.format === 'JSON' || options.format === 'json' ? 'JSON' : 'PROTO',
    random,
    chaos,
    retry: options.pushRetry,
    encodeProto: (json) => eventType.encode(eventType.fromObject(json)).finish(),
    log,
    now: () => clock.now(),
  });
  const service = new EmulatedConversations(clock, random, options.virtualAgentProfiles ?? [], (n) => publisher.publish(n), log);
  const refused = (options.conversations ?? []).flatMap((c, i) => {
    const added = service.addConversation(c);
    return E.isLeft(added) ? [`conversations[${i}]: ${added.left.message}`] : [];
  });
  if (refused.length > 0) {
    publisher.close();
    throw new EmulatorError('INVALID_OPTION', `emulator: ${refused.join('; ')}`);
  }
  const faults = new Faults();
  const calls = new CallLog();
  const now = (): Timestamp => clock.now();
  const grpcServer = await startGrpcServer({ modules: modules.right, service, faults, calls, host, port: options.port ?? 0, log, now });
  if (E.isLeft(grpcServer)) throw new EmulatorError('START_FAILED', `emulator: ${grpcServer.left}`);
  const control = await startControl({ service, faults, calls, publisher, host, port: options.controlPort ?? 0, log, now });
  if (E.isLeft(control)) {
    await grpcServer.right.close();
    throw new EmulatorError('START_FAILED', `emulator: ${control.left}`);
  }
  // Time passes for real too: a conversation left running reaches its 24 hours.
  const ticker = setInterval(() => service.tick(), 1000);
  ticker.unref();
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return Object.freeze({
    host,
    grpcPort: grpcServer.right.port,
    controlPort: control.right.port,
    grpcAddress: `${hostInUrl}:${grpcServer.right.port}`,
    controlUrl: `http://${hostInUrl}:${control.right.port}`,
    clientOptions: Object.freeze({ apiEndpoint: host, port: grpcServer.right.port, universeDomain: 'googleapis.com' }),
    seed,
    now,
    idle: () => publisher.idle(),
    pushStats: () => publisher.stats(),
    addConversation: (conversation: Conversation) => {
      try {
        return service.addConversation(conversation);
      } catch (cause) {
        return E.left(refusal(`addConversation: the conversation could not be read: ${causeText(cause)}`));
      }
    },
    addFault: (input: FaultInput) => {
      let fault: E.Either<string, Fault>;
      try {
        fault = readFault(input);
      } catch (cause) {
        fault = E.left(`the fault could not be read: ${causeText(cause)}`);
      }
      if (E.isLeft(fault)) return E.left(refusal(`addFault: ${fault.left}`));
      control.right.addFault(fault.right);
      return E.right(faults.list());
    },
    faults: () => faults.list(),
    clearFaults: () => faults.clear(),
    calls: () => calls.list(),
    clearCalls: () => calls.clear(),
    close: () => {
      closing ??= (async () => {
        clearInterval(ticker);
        publisher.close();
        await Promise.all([grpcServer.right.close(), control.right.close()]);
      })();
      return closing;
    },
  });
};
