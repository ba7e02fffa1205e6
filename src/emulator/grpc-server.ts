import * as E from 'fp-ts/lib/Either.js';
import type protobuf from 'protobufjs/light.js';
import { type Conversation, type Timestamp, toGoogleConversation } from './core.js';
import { type CallLog, EMULATED_RPCS, type EmulatedRpc, type Faults, faultEffect, statusName } from './faults.js';
import type { EmulatorModules } from './modules.js';
import type { EmulatedConversations, EmulatorEvent, RpcStatus } from './service.js';

export interface GrpcServerOptions {
  readonly modules: EmulatorModules;
  readonly service: EmulatedConversations;
  readonly faults: Faults;
  readonly calls: CallLog;
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
 * The API versions served. v2beta1's Conversations service has the same four RPCs, and its
 * Conversation the same fields under the same numbers (its kept messages are supersets of v2's):
 * Agent Assist backends often speak it, so both are served, on one set of conversations.
 */
const VERSIONS = ['v2', 'v2beta1'] as const;

/**
 * The `google.cloud.dialogflow.v2.Conversations` service (and v2beta1's) over gRPC, on the service
 * and message definitions `@google-cloud/dialogflow` ships, so that Google's own clients talk to it
 * unchanged.
 */
export const startGrpcServer = async (options: GrpcServerOptions): Promise<E.Either<string, RunningGrpcServer>> => {
  const { grpc } = options.modules;
  /** A delayed call's timers, shared by both versions, cleared on close (the calls are cut then). */
  const waiting = new Set<NodeJS.Timeout>();
  const server = new grpc.Server();
  for (const version of VERSIONS) {
    const service = serviceOf(options, version, waiting);
    server.addService(service.definition, service.implementation);
  }
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
        // A delayed call is never answered: it is cut with the rest (the client sees CANCELLED).
        for (const timer of waiting) clearTimeout(timer);
        waiting.clear();
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

type Definition = Record<string, import('@grpc/grpc-js').MethodDefinition<protobuf.Message, protobuf.Message>>;
type Implementation = Record<string, import('@grpc/grpc-js').UntypedHandleCall>;

/** One version's Conversations service: its methods' definitions, and the emulated ones' handlers. */
const serviceOf = (
  options: GrpcServerOptions,
  version: (typeof VERSIONS)[number],
  waiting: Set<NodeJS.Timeout>,
): { readonly definition: Definition; readonly implementation: Implementation } => {
  const { root } = options.modules;
  const serviceType = root.lookupService(`google.cloud.dialogflow.${version}.Conversations`);
  const conversationType = root.lookupType(`google.cloud.dialogflow.${version}.Conversation`);
  const listResponseType = root.lookupType(`google.cloud.dialogflow.${version}.ListConversationsResponse`);

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

  const definition: Definition = {};
  const implementation: Implementation = {};
  for (const method of serviceType.methodsArray) {
    method.resolve();
    const requestType = method.resolvedRequestType as protobuf.Type;
    const responseType = method.resolvedResponseType as protobuf.Type;
    definition[method.name] = {
      path: `/google.cloud.dialogflow.${version}.Conversations/${method.name}`,
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
      const conversation = request.name as string | undefined;
      const injected = options.faults.take(rpc);
      const answered = options.calls.arrived(rpc, target, options.now(), injected !== undefined);
      const answer = (): void => {
        const code = injected?.fault.code;
        if (injected !== undefined && code !== undefined) {
          const { fault, left } = injected;
          const details =
            fault.message ?? `emulated fault (${left === 'always' ? 'until the faults are cleared' : `${left} more to come`})`;
          options.log({
            at: options.now(),
            kind: 'fault',
            conversation,
            message: `${rpc} ${target}: injected ${statusName(code)} (${code}): ${details}`,
          });
          answered(code);
          callback({ code, details });
          return;
        }
        let result: E.Either<RpcStatus, protobuf.Message>;
        try {
          result = handle(request);
        } catch (cause) {
          result = E.left({ code: 13, message: `emulator: ${cause instanceof Error ? cause.message : String(cause)}` });
        }
        const outcome = E.isLeft(result) ? `${statusName(result.left.code)}: ${result.left.message}` : 'OK';
        options.log({ at: options.now(), kind: 'rpc', conversation, message: `${rpc} ${target} → ${outcome}` });
        answered(E.isLeft(result) ? result.left.code : 0);
        if (E.isLeft(result)) callback({ code: result.left.code, details: result.left.message });
        else callback(null, result.right);
      };
      const delayed = injected?.fault;
      if (delayed?.delayMs === undefined) {
        answer();
        return;
      }
      options.log({ at: options.now(), kind: 'fault', conversation, message: `${rpc} ${target}: injected: ${faultEffect(delayed)}` });
      const timer = setTimeout(() => {
        waiting.delete(timer);
        answer();
      }, delayed.delayMs);
      waiting.add(timer);
    };
  }
  return { definition, implementation };
};
