import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as E from 'fp-ts/lib/Either.js';
import protobuf from 'protobufjs/light.js';

type Grpc = typeof import('@grpc/grpc-js');

/** The optional packages the emulator runs on, loaded. */
export interface EmulatorModules {
  readonly grpc: Grpc;
  /** The protobufjs root of `@google-cloud/dialogflow`'s own protos (its `build/protos/protos.json`). */
  readonly root: protobuf.Root;
}

/** Why the emulator cannot start: optional packages missing, or unreadable. */
export interface MissingModule {
  /** The packages to install (empty when one is installed but cannot be read). */
  readonly packageNames: ReadonlyArray<string>;
  readonly message: string;
}

const PROTOS = '@google-cloud/dialogflow/build/protos/protos.json';

const isNotFound = (cause: unknown): boolean => {
  const code = (cause as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
};

const text = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

const readProtos = async (): Promise<protobuf.Root> => {
  const require = createRequire(import.meta.url);
  const json: unknown = JSON.parse(await readFile(require.resolve(PROTOS), 'utf8'));
  const root = protobuf.Root.fromJSON(json as protobuf.INamespace);
  root.lookupService('google.cloud.dialogflow.v2.Conversations');
  return root;
};

let loaded: Promise<E.Either<MissingModule, EmulatorModules>> | undefined;

/**
 * Loads `@grpc/grpc-js` (the server) and the protos `@google-cloud/dialogflow` ships (the service and
 * its messages), once. Both are optional peers: only the emulator needs them, so they are loaded
 * here, when it starts, and never by the library's entry points.
 */
export const loadEmulatorModules = (): Promise<E.Either<MissingModule, EmulatorModules>> => {
  loaded ??= (async (): Promise<E.Either<MissingModule, EmulatorModules>> => {
    const [grpc, root] = await Promise.allSettled([import('@grpc/grpc-js'), readProtos()]);
    if (grpc.status === 'fulfilled' && root.status === 'fulfilled') return E.right({ grpc: grpc.value, root: root.value });
    const missing = [
      grpc.status === 'rejected' && isNotFound(grpc.reason) ? '@grpc/grpc-js' : undefined,
      root.status === 'rejected' && isNotFound(root.reason) ? '@google-cloud/dialogflow' : undefined,
    ].filter((n): n is string => n !== undefined);
    if (missing.length > 0) {
      return E.left({
        packageNames: missing,
        message: `needs the optional package${missing.length > 1 ? 's' : ''} ${missing.join(' and ')}: run npm install ${missing.join(' ')}`,
      });
    }
    const cause =
      grpc.status === 'rejected'
        ? `@grpc/grpc-js: ${text(grpc.reason)}`
        : root.status === 'rejected'
          ? `${PROTOS}: ${text(root.reason)}`
          : '';
    return E.left({ packageNames: [], message: `could not load ${cause}` });
  })();
  return loaded;
};
