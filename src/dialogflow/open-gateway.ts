import { createRequire } from 'node:module';
import * as E from 'fp-ts/lib/Either.js';
import { causeText } from './core.js';
import { parseEndpoint } from './endpoint.js';
import { type ConversationsClientLike, type DialogflowGateway, dialogflowGateway, type GatewayOptions } from './gateway.js';

/** Options of {@link openDialogflowGateway}: where the client connects, and the gateway's own options. */
export interface OpenGatewayOptions extends GatewayOptions {
  /**
   * `HOST:PORT` of the Conversations API (an IPv6 host in brackets). Default: Google's,
   * `dialogflow.googleapis.com:443`, with Application Default Credentials.
   */
  readonly endpoint?: string | undefined;
  /** Plain-text gRPC without credentials, for an emulator: needs `endpoint`. */
  readonly insecure?: boolean | undefined;
  /**
   * More options for the `ConversationsClient` (`keyFilename`, `projectId`, ...); `endpoint` and
   * `insecure` set theirs over these.
   */
  readonly clientOptions?: Readonly<Record<string, unknown>> | undefined;
}

/** A gateway over a client {@link openDialogflowGateway} made, and the way to close that client. */
export interface ClosableDialogflowGateway extends DialogflowGateway {
  /** Closes the client's channel. Resolves, never rejects; the gateway's calls fail afterwards. */
  close(): Promise<void>;
}

/** Why {@link openDialogflowGateway} could not open a gateway. */
export interface GatewaySetupError {
  readonly type: 'GatewaySetupFailed';
  /**
   * `invalid-option`: an option is wrong (the message says which); `missing-package`:
   * `@google-cloud/dialogflow` is not installed; `client-failed`: it is, but could not be loaded or
   * could not make a client.
   */
  readonly kind: 'invalid-option' | 'missing-package' | 'client-failed';
  readonly message: string;
  /** The package to install, for `missing-package`. */
  readonly packageName?: string | undefined;
}

type ClientConstructor = new (options: Record<string, unknown>) => ConversationsClientLike & { close(): Promise<void> };

const PACKAGE = '@google-cloud/dialogflow';

const setupError = (kind: GatewaySetupError['kind'], message: string, packageName?: string): GatewaySetupError =>
  Object.freeze({ type: 'GatewaySetupFailed' as const, kind, message, ...(packageName === undefined ? {} : { packageName }) });

/** The first line of what a thrown value says. */
const firstLine = (cause: unknown): string => {
  const text = causeText(cause);
  return text.split('\n')[0] ?? text;
};

const isMissingModule = (cause: unknown): boolean => {
  const code = (cause as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
};

/**
 * The gateway over a client of Google's own (`@google-cloud/dialogflow`'s `v2.ConversationsClient`,
 * an optional peer, loaded now and only now): on Google's endpoint with Application Default
 * Credentials, or on `endpoint`, in plain text with `insecure` (an emulator). One client, so one
 * channel, for every RPC; `close()` closes it. Resolves, never rejects: a `Left` says which option
 * is wrong or which package to install.
 *
 * @example
 * ```ts
 * const opened = await openDialogflowGateway({ endpoint: emulator.grpcAddress, insecure: true, callOptions: { timeout: 10_000 } });
 * if (isLeft(opened)) throw new Error(opened.left.message);
 * const gateway = opened.right;
 * const got = await gateway.get('projects/acme/conversations/c-1'); // right({ found: true, conversation })
 * await gateway.close();
 * ```
 */
export const openDialogflowGateway = async (
  options: OpenGatewayOptions = {},
): Promise<E.Either<GatewaySetupError, ClosableDialogflowGateway>> => {
  try {
    return await open(options ?? {});
  } catch (cause) {
    // Options that throw when read (a hostile getter, a revoked proxy): nothing was opened.
    return E.left(setupError('invalid-option', `options: could not be read: ${firstLine(cause)}`));
  }
};

const open = async (options: OpenGatewayOptions): Promise<E.Either<GatewaySetupError, ClosableDialogflowGateway>> => {
  if (typeof options !== 'object') return E.left(setupError('invalid-option', 'options: expected an object of options'));
  let address: { readonly host: string; readonly port: number } | undefined;
  if (options.endpoint !== undefined) {
    const parsed = parseEndpoint(options.endpoint);
    if (E.isLeft(parsed)) return E.left(setupError('invalid-option', `the Dialogflow endpoint: ${parsed.left}`));
    address = parsed.right;
  }
  if (options.insecure === true && address === undefined) {
    return E.left(setupError('invalid-option', 'an insecure connection needs an endpoint (HOST:PORT of an emulator)'));
  }
  if (options.clientOptions !== undefined && (typeof options.clientOptions !== 'object' || options.clientOptions === null)) {
    return E.left(setupError('invalid-option', 'clientOptions: expected the options of a ConversationsClient, an object'));
  }
  let entry: string;
  let loaded: { v2?: { ConversationsClient?: ClientConstructor }; ConversationsClient?: ClientConstructor };
  try {
    entry = import.meta.resolve('@google-cloud/dialogflow');
    loaded = (await import('@google-cloud/dialogflow')) as unknown as typeof loaded;
  } catch (cause) {
    if (isMissingModule(cause)) {
      return E.left(
        setupError('missing-package', `the Dialogflow gateway needs the optional package ${PACKAGE}: run npm install ${PACKAGE}`, PACKAGE),
      );
    }
    return E.left(setupError('client-failed', `could not load ${PACKAGE}: ${firstLine(cause)}`));
  }
  const Client = loaded.v2?.ConversationsClient ?? loaded.ConversationsClient;
  if (typeof Client !== 'function') return E.left(setupError('client-failed', `${PACKAGE} has no v2.ConversationsClient`));
  const settings: Record<string, unknown> = { ...options.clientOptions };
  if (address !== undefined) {
    settings.apiEndpoint = address.host;
    settings.port = address.port;
  }
  if (options.insecure === true) {
    try {
      // The credentials must come from the very grpc-js the client uses (it checks with instanceof):
      // the one google-gax, its dependency, resolves to.
      const gax = createRequire(new URL(entry))('google-gax') as { grpc: { credentials: { createInsecure(): unknown } } };
      settings.sslCreds = gax.grpc.credentials.createInsecure();
      // Said explicitly, so that the client does not ask a GCE metadata server which universe it is in.
      settings.universeDomain = 'googleapis.com';
    } catch (cause) {
      return E.left(setupError('client-failed', `could not load google-gax beside ${PACKAGE}: ${firstLine(cause)}`));
    }
  }
  let client: ConversationsClientLike & { close(): Promise<void> };
  try {
    client = new Client(settings);
  } catch (cause) {
    return E.left(setupError('client-failed', `could not make a ConversationsClient: ${firstLine(cause)}`));
  }
  const gateway = dialogflowGateway(client, options);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await client.close();
      } catch {
        // Closing a channel that never opened: nothing to release.
      }
    })();
    return closing;
  };
  return E.right(Object.freeze({ ...gateway, close }));
};
