/**
 * A minimal Dialogflow Conversations gRPC server for tests: GetConversation only, on the .proto
 * files that ship in @google-cloud/dialogflow, answering from a map. Kept small and apart: the
 * emulator of the Conversations API replaces it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { isLeft } from 'fp-ts/lib/Either.js';
import { toGoogleConversation } from '../../src/google/index.js';
import type { Conversation } from '../../src/index.js';
import { conversationKey } from '../../src/index.js';

const require = createRequire(import.meta.url);

const protoDirs = (): string[] => {
  const dialogflow = join(dirname(require.resolve('@google-cloud/dialogflow/package.json')), 'build', 'protos');
  let gax = dirname(require.resolve('google-gax'));
  while (!gax.endsWith('google-gax')) gax = dirname(gax);
  return [dialogflow, join(gax, 'build', 'protos')];
};

export interface FakeDialogflow {
  /** `HOST:PORT` for `--dialogflow-endpoint`. */
  readonly endpoint: string;
  /** The conversations it has, by key; delete one to have it purged. */
  readonly conversations: Map<string, Conversation>;
  /** GetConversation calls, by conversation key. */
  readonly calls: Map<string, number>;
  /** While set, every call fails with this gRPC status code. */
  failWith: number | undefined;
  /** How long each call takes to answer. */
  delayMs: number;
  stop(): Promise<void>;
}

/** Starts the server on 127.0.0.1 and a free port. */
export const startFakeDialogflow = async (conversations: Iterable<Conversation> = []): Promise<FakeDialogflow> => {
  const definition = protoLoader.loadSync('google/cloud/dialogflow/v2/conversation.proto', {
    includeDirs: protoDirs(),
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: { cloud: { dialogflow: { v2: { Conversations: { service: grpc.ServiceDefinition } } } } };
  };
  const byKey = new Map<string, Conversation>();
  for (const c of conversations) byKey.set(conversationKey(c.name ?? '') ?? '', c);
  const calls = new Map<string, number>();
  const server = new grpc.Server();
  const fake: FakeDialogflow = {
    endpoint: '',
    conversations: byKey,
    calls,
    failWith: undefined,
    delayMs: 0,
    stop: () =>
      new Promise((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
  server.addService(loaded.google.cloud.dialogflow.v2.Conversations.service, {
    getConversation: async (call: grpc.ServerUnaryCall<{ name: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const name = call.request.name;
      // Counted when it arrives: a test waits for the call to be in flight, then acts while it is delayed.
      const key = conversationKey(name) ?? name;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      if (fake.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.delayMs));
      if (fake.failWith !== undefined) {
        callback({ code: fake.failWith, details: `failing on purpose with ${fake.failWith}` });
        return;
      }
      const conversation = byKey.get(key);
      if (conversation === undefined) {
        callback({ code: grpc.status.NOT_FOUND, details: `conversation ${name} not found` });
        return;
      }
      const message = toGoogleConversation(conversation);
      if (isLeft(message)) callback({ code: grpc.status.INTERNAL, details: message.left.message });
      else callback(null, message.right);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return Object.assign(fake, { endpoint: `127.0.0.1:${port}` });
};
