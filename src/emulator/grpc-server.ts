import * as E from 'fp-ts/lib/Either.js';
import type protobuf from 'protobufjs/light.js';
import { type Conversation, type Timestamp, toGoogleConversation } from './core.js';
import type { EmulatorModules } from './modules.js';
import type { EmulatedConversations, EmulatorEvent, RpcStatus } from './service.js';

/** The RPCs the emulator serves; the others of the service answer `UNIMPLEMENTED`. */
export const EMULATED_RPCS = ['CreateConversation', 'GetConversation', 'ListConversations', 'CompleteConversation'] as const;

export type EmulatedRpc = (typeof EMULATED_RPCS)[number];

/** A fault to inject: the next `times` calls of `rpc` fail with `code`. */
export interface Fault {
  readonly rpc: EmulatedRpc;
  readonly code: number;
  readonly times: number;
  readonly message?: string | undefined;
}

const CODE_NAMES = [
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
];

export const statusName = (code: number): string => CODE_NAMES[code] ?? String(code);

/** The faults waiting to be injected, in the order they were added. */
export class Faults {
  private readonly queue: Array<{ fault: Fault; left: number }> = [];

  add(fault: Fault): void {
    this.queue.push({ fault, left: fault.times });
  }

  /** The fault the next call of `rpc` gets, if any (counted down). */
  take(rpc: EmulatedRpc): { readonly fault: Fault; readonly left: number } | undefined {
    const entry = this.queue.find((e) => e.fault.rpc === rpc && e.left > 0);
    if (entry === undefined) return undefined;
    entry.left--;
    if (entry.left === 0) this.queue.splice(this.queue.indexOf(entry), 1);
    return { fault: entry.fault, left: entry.left };
  }

  list(): ReadonlyArray<Fault> {
    return this.queue.map((e) => Object.freeze({ ...e.fault, times: e.left }));
  }

  clear(): void {
    this.queue.length = 0;
  }
}

export interface GrpcServerOptions {
  readonly modules: EmulatorModules;
  readonly service: EmulatedConversations;
  readonly faults: Faults;
  readonly host: string;
  readonly port: number;
  readonly log: (event: EmulatorEvent) => void;
  readonly now: () => Timestamp;
}

export interface RunningGrpcServer {
  readonly port: number;
  close(): Promise<void>;
}

type Handler = (request: Record<string, unknown>) => E.Either<RpcStatus, protobuf.Message>;

/** `host:port` as gRPC binds it (an IPv6 address in brackets). */
const address = (host: string, port: number): string =>
  host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;

/**
 * The `google.cloud.dialogflow.v2.Conversations` service over gRPC, on the service and message
 * definitions `@google-cloud/dialogflow` ships, so that Google's own client talks to it unchanged.
 */
export const startGrpcServer = async (options: GrpcServerOptions): Promise<E.Either<string, RunningGrpcServer>> => {
  const { grpc, root } = options.modules;
  const serviceType = root.lookupService('google.cloud.dialogflow.v2.Conversations');
  const conversationType = root.lookupType('google.cloud.dialogflow.v2.Conversation');
  const listResponseType = root.lookupType('google.cloud.dialogflow.v2.ListConversationsResponse');

  const message = (conversation: Conversation): E.Either<RpcStatus, protobuf.Message> => {
    const google = toGoogleConversation(conversation);
    return E.isLeft(google)
      ? E.left({ code: 13, message: `emulator: could not encode ${conversation.name}: ${google.left.message}` })
      : E.right(conversationType.fromObject(google.right));
  };

  const handlers: Record<EmulatedRpc, Handler> = {
    CreateConversation: (request) => E.chain(message)(options.service.createConversation(request)),
    GetConversation: (request) => E.chain(message)(options.service.getConversation(request.name)),
    CompleteConversation: (request) => E.chain(message)(options.service.completeConversation(request.name)),
    ListConversations: (request) => {
      const listed = options.service.listConversations(request);
      if (E.isLeft(listed)) return listed;
      const conversations: object[] = [];
      for (const c of listed.right.conversations) {
        const one = toGoogleConversation(c);
        if (E.isLeft(one)) return E.left({ code: 13, message: `emulator: could not encode ${c.name}: ${one.left.message}` });
        conversations.push(one.right);
      }
      return E.right(listResponseType.fromObject({ conversations, nextPageToken: listed.right.nextPageToken }));
    },
  };

  const definition: Record<string, import('@grpc/grpc-js').MethodDefinition<protobuf.Message, protobuf.Message>> = {};
  const implementation: Record<string, import('@grpc/grpc-js').UntypedHandleCall> = {};
  for (const method of serviceType.methodsArray) {
    method.resolve();
    const requestType = method.resolvedRequestType as protobuf.Type;
    const responseType = method.resolvedResponseType as protobuf.Type;
    definition[method.name] = {
      path: `/google.cloud.dialogflow.v2.Conversations/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (value) => Buffer.from(requestType.encode(value).finish()),
      requestDeserialize: (bytes) => requestType.decode(bytes),
      responseSerialize: (value) => Buffer.from(responseType.encode(value).finish()),
      responseDeserialize: (bytes) => responseType.decode(bytes),
      originalName: method.name,
    };
    const rpc = EMULATED_RPCS.find((r) => r === method.name);
    if (rpc === undefined) continue;
    const handle = handlers[rpc];
    implementation[method.name] = (
      call: import('@grpc/grpc-js').ServerUnaryCall<protobuf.Message, protobuf.Message>,
      callback: import('@grpc/grpc-js').sendUnaryData<protobuf.Message>,
    ) => {
      const request = requestType.toObject(call.request, { enums: String, longs: Number, defaults: false }) as Record<string, unknown>;
      const target = String(request.name ?? request.parent ?? '');
      const injected = options.faults.take(rpc);
      if (injected !== undefined) {
        const { fault, left } = injected;
        const details = fault.message ?? `emulated fault (${left} more to come)`;
        options.log({
          at: options.now(),
          kind: 'fault',
          conversation: request.name as string | undefined,
          message: `${rpc} ${target}: injected ${statusName(fault.code)} (${fault.code}): ${details}`,
        });
        callback({ code: fault.code, details });
        return;
      }
      let result: E.Either<RpcStatus, protobuf.Message>;
      try {
        result = handle(request);
      } catch (cause) {
        result = E.left({ code: 13, message: `emulator: ${cause instanceof Error ? cause.message : String(cause)}` });
      }
      const outcome = E.isLeft(result) ? `${statusName(result.left.code)}: ${result.left.message}` : 'OK';
      options.log({
        at: options.now(),
        kind: 'rpc',
        conversation: request.name as string | undefined,
        message: `${rpc} ${target} → ${outcome}`,
      });
      if (E.isLeft(result)) callback({ code: result.left.code, details: result.left.message });
      else callback(null, result.right);
    };
  }

  const server = new grpc.Server();
  server.addService(definition, implementation);
  const bound = await new Promise<E.Either<string, number>>((resolve) =>
    server.bindAsync(address(options.host, options.port), grpc.ServerCredentials.createInsecure(), (error, port) =>
      resolve(error === null ? E.right(port) : E.left(`cannot serve gRPC on ${address(options.host, options.port)}: ${error.message}`)),
    ),
  );
  if (E.isLeft(bound)) {
    server.forceShutdown();
    return bound;
  }
  return E.right({
    port: bound.right,
    close: () =>
      new Promise<void>((resolve) => {
        // Calls in flight get half a second to finish; then the connections are cut.
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 500);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  });
};
