import { createServer } from 'node:net';
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import WebSocket from 'ws';

/** A port that was free a moment ago, on loopback. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/** A WebSocket client of an inspector server, as the browser page is: it records what arrives. */
export interface Receiver {
  readonly events: StatelyInspectionEvent[];
  /** Resolves once an event satisfies `done`. */
  readonly until: (done: (events: ReadonlyArray<StatelyInspectionEvent>) => boolean, timeoutMs?: number) => Promise<void>;
  readonly close: () => Promise<void>;
}

export const connectReceiver = async (port: number): Promise<Receiver> => {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`);
  const events: StatelyInspectionEvent[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    events.push(JSON.parse(data.toString()) as StatelyInspectionEvent);
    for (const wake of waiters) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    events,
    until: (done, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        if (done(events)) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`inspection events did not arrive in time; got ${events.map((e) => e.type).join(', ')}`));
        }, timeoutMs);
        const check = (): void => {
          if (!done(events)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
};

/** What a machine snapshot in an inspection record holds (the inspector types it as any actor's snapshot). */
export interface InspectedMachineSnapshot {
  readonly status?: string;
  readonly value?: unknown;
  readonly context?: unknown;
}

/** The snapshot an actor or snapshot record carries. */
export const inspected = (event: StatelyInspectionEvent | undefined): InspectedMachineSnapshot =>
  event !== undefined && 'snapshot' in event ? (event.snapshot as InspectedMachineSnapshot) : {};

/** Connects as the browser page does, once the inspector server (started a moment ago) listens. */
export const connectReceiverWhenListening = async (port: number): Promise<Receiver> => {
  for (let i = 0; i < 100; i++) {
    const receiver = await connectReceiver(port).catch(() => undefined);
    if (receiver !== undefined) return receiver;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the inspector server did not listen on ${port}`);
};
