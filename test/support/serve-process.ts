/**
 * `dialogflow-conversation serve` as a process for tests, and an endpoint for `--events-to` that
 * keeps what it receives.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnBin } from '../cli-helpers.js';

export interface ServeProcess {
  /** `http://HOST:PORT`, from the line it prints when ready. */
  readonly url: string;
  readonly output: { stdout: string; stderr: string };
  readonly closed: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

const running = new Set<{ kill(signal: NodeJS.Signals): unknown }>();

/** Kills every `serve` this process started that still runs. */
export const killAll = (): void => {
  for (const child of running) child.kill('SIGKILL');
};

/** Starts `serve ARGS` and resolves once it prints `listening on HOST:PORT`; rejects if it exits first. */
export const startServe = (args: ReadonlyArray<string>, timeoutMs = 60_000): Promise<ServeProcess> => {
  const { child, output, closed } = spawnBin(['serve', ...args]);
  running.add(child);
  void closed.then(() => running.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start in ${timeoutMs} ms: ${output.stderr}`));
    }, timeoutMs);
    const check = () => {
      const line = output.stdout.split('\n').find((l) => l.startsWith('listening on '));
      if (line === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve({ url: `http://${line.slice('listening on '.length).trim()}`, output, closed, kill: (signal) => child.kill(signal) });
    };
    child.stdout.on('data', check);
    void closed.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening: ${output.stderr}`));
    });
  });
};

export interface ReceivedEvent {
  readonly id: string;
  readonly conversation: string;
  readonly version: number;
  readonly type: string;
  readonly data: unknown;
}

export interface EventSink {
  readonly url: string;
  /** Every event of every batch it acknowledged, in the order they came. */
  readonly received: ReceivedEvent[];
  /** Batches it answered with 500, on purpose. */
  refused: number;
  close(): Promise<void>;
}

/** An `--events-to` endpoint on 127.0.0.1: `failing()` says, per batch, whether to answer 500 instead. */
export const startEventSink = async (failing: () => boolean = () => false): Promise<EventSink> => {
  const received: ReceivedEvent[] = [];
  const sink = { url: '', received, refused: 0, close: async () => undefined } as EventSink;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      if (failing()) {
        sink.refused++;
        response.writeHead(500).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: ReceivedEvent[] };
      received.push(...body.events);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(sink, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
};
