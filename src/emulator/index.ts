/**
 * `dialogflow-conversation/emulator`: a local server of Dialogflow's v2 Conversations service
 * (gRPC, on the protos `@google-cloud/dialogflow` ships), driven by this module's machine, with
 * Pub/Sub pushes of its notifications and a control API for what only Dialogflow's agent does.
 * For tests of a backend, offline. Needs the optional packages `@grpc/grpc-js` and
 * `@google-cloud/dialogflow`, loaded when it starts.
 *
 * @packageDocumentation
 */
export { EmulatorError, type EmulatorOptions, type RunningEmulator, startEmulator } from './emulator.js';
export { EMULATED_RPCS, type EmulatedRpc, type Fault, type FaultInput, MAX_CALLS, MAX_DELAY_MS, type RpcCall } from './faults.js';
export type { ChaosOptions, PushRetryOptions, PushStats } from './push.js';
export type { EmulatorEvent, ErrorStatus, RpcStatus } from './service.js';
