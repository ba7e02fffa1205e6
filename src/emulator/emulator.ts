import * as E from 'fp-ts/lib/Either.js';
import { EmulatedClock } from './clock.js';
import { startControl } from './control.js';
import { ConversationProfileNameCodec, isSegment, type Timestamp } from './core.js';
import { Faults, startGrpcServer } from './grpc-server.js';
import { loadEmulatorModules } from './modules.js';
import { type ChaosOptions, PushPublisher, type PushRetryOptions, type PushStats } from './push.js';
import { SeededRandom } from './random.js';
import { EmulatedConversations, type EmulatorEvent } from './service.js';

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
  /** Stops serving, and drops the pushes still pending. */
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

const isPort = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535;

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
 * aggregate, so the machine's rules are the emulator's. Rejects with an {@link EmulatorError} when it
 * cannot start (a bad option, a missing optional package, a busy port); nothing else rejects.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ push: 'http://127.0.0.1:3000/push', virtualAgentProfiles: ['support'] });
 * const client = new v2.ConversationsClient({ ...emulator.clientOptions, sslCreds: grpc.credentials.createInsecure() });
 * // ... your tests ...
 * await emulator.close();
 * ```
 */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<RunningEmulator> => {
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
  const clock = new EmulatedClock();
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
  const faults = new Faults();
  const now = (): Timestamp => clock.now();
  const grpcServer = await startGrpcServer({ modules: modules.right, service, faults, host, port: options.port ?? 0, log, now });
  if (E.isLeft(grpcServer)) throw new EmulatorError('START_FAILED', `emulator: ${grpcServer.left}`);
  const control = await startControl({ service, faults, publisher, host, port: options.controlPort ?? 0, log, now });
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
