import { createConnection, createServer } from 'node:net';
import { parseCommandArgs, wholeNumberOption } from '../args.js';
import type { Command } from '../command.js';
import { builtInScenario } from '../inspect/scenario.js';
import type { InspectSession } from '../inspect/session.js';
import { type CliIo, EXIT, UsageError } from '../io.js';
import { importOptional } from '../optional.js';

type InspectModule = typeof import('@statelyai/inspect');
type InspectServerModule = typeof import('@statelyai/inspect/server');

const DEFAULT_PORT = 8080;

const help = `Usage: dialogflow-conversation inspect [--port PORT] [--open]

Plays a conversation as a live actor of the conversation machine, connected to the Stately
inspector, and keeps serving it until Ctrl-C. Open the address it prints in a browser to see the
statechart (states, guards, events) and every snapshot.

For now it plays a built-in scenario: a conversation created on a profile with a virtual agent,
handed off to a human agent, completed. (Replaying a log FILE comes with the replay command.)

It runs @statelyai/inspect's inspector server on PORT (all interfaces): http://localhost:PORT is
a page that embeds the Stately inspector (loaded by your browser from stately.ai), and
ws://localhost:PORT carries the inspection events. Needs the optional package @statelyai/inspect.

Options:
  --port PORT   the server's port (default ${DEFAULT_PORT})
  --open        open the page in the default browser
  -h, --help    print this help

See docs/inspector.md for watching a backend's own conversations.
`;

/**
 * Where a session comes from. Replay logs need the notification decoding of issue 3; once it is
 * in, reading FILE plugs in here and `inspect FILE` works like `replay FILE`, live.
 */
const sessionFor = (file: string | undefined): InspectSession => {
  if (file === undefined) return builtInScenario;
  throw new UsageError(
    `inspect ${file}: replaying a log into the inspector is not supported yet; run dialogflow-conversation inspect for the built-in scenario`,
  );
};

/** `inspect [--port PORT] [--open]`: a live actor in the Stately inspector. */
export const inspect: Command = {
  name: 'inspect',
  summary: 'play a conversation as a live actor in the Stately inspector, and say where to look',
  help,
  run: async (args, io) => {
    const { values, positionals } = parseCommandArgs(
      'inspect',
      args,
      { port: { type: 'string', short: 'p' }, open: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      true,
    );
    if (values.help === true) {
      io.stdout.write(help);
      return EXIT.ok;
    }
    if (positionals.length > 1) throw new UsageError('inspect takes at most one FILE: see dialogflow-conversation inspect --help');
    const session = sessionFor(positionals[0]);
    const port = wholeNumberOption('inspect', 'port', values.port, DEFAULT_PORT, 65535);
    if (port === 0) throw new UsageError('inspect: --port needs a fixed port (the page it serves names it): choose one from 1 to 65535');
    const { createWebSocketInspector } = await importOptional<InspectModule>('@statelyai/inspect', 'inspect');
    const { createInspectorServer } = await importOptional<InspectServerModule>('@statelyai/inspect/server', 'inspect');
    await ensurePortFree(port);

    const server = createInspectorServer({ port, autoOpen: values.open === true });
    await waitForPort(port);
    const inspector = createWebSocketInspector({ url: `ws://localhost:${port}` });
    const log = (line: string): void => void io.stdout.write(`${line}\n`);
    log(`Inspector: open http://localhost:${port} in a browser (inspection events: ws://localhost:${port}).`);
    log(`Playing ${session.title}:`);
    try {
      await session.play(inspector.inspect, (line) => log(`  ${line}`));
      log('Played. The inspector keeps it until you stop with Ctrl-C.');
      await aborted(io);
    } finally {
      inspector.stop();
      server.stop();
    }
    return EXIT.ok;
  },
};

const aborted = (io: CliIo): Promise<void> =>
  new Promise((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });

/** The inspector server does not report a busy port (it would crash the process): check first. */
const ensurePortFree = (port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (cause: NodeJS.ErrnoException) =>
      reject(
        cause.code === 'EADDRINUSE'
          ? new UsageError(`inspect: port ${port} is in use: choose another with --port`)
          : new UsageError(`inspect: cannot listen on port ${port} (${cause.code ?? cause.message}): choose another with --port`),
      ),
    );
    probe.listen(port, () => probe.close(() => resolve()));
  });

/** Resolves once the server accepts connections, so the inspector's first connection does not fail and wait to retry. */
const waitForPort = async (port: number): Promise<void> => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: 'localhost' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
