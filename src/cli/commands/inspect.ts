import { isLeft } from 'fp-ts/lib/Either.js';
import { type ConversationName, ConversationNameCodec } from '../../wire/conversation-name.js';
import { type ParsedArgs, parseCommandArgs, wholeNumberOption } from '../args.js';
import type { Command } from '../command.js';
import { checkReadable, openInput } from '../input.js';
import { replaySession } from '../inspect/replay-session.js';
import { builtInScenario } from '../inspect/scenario.js';
import { ListenError, openInBrowser, startInspectorServer } from '../inspect/server.js';
import type { InspectSession } from '../inspect/session.js';
import { type CliIo, EXIT, UsageError } from '../io.js';
import { importOptional } from '../optional.js';
import { printLine } from '../output.js';

type InspectModule = typeof import('@statelyai/inspect');

/** This machine only: the conversations shown may hold customers' data (phone numbers, SIP headers). */
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 8080;
const DEFAULT_DELAY_MS = 500;
const MAX_DELAY_MS = 60_000;

const help = `Usage: dialogflow-conversation inspect [options] [FILE]

Plays conversations as live actors of the conversation machine, connected to the Stately
inspector, and keeps serving them until Ctrl-C. Open the address it prints in a browser to see
the statechart (states, guards, events) and every snapshot.

With FILE (or "-" for standard input), it plays a replay log, as the replay command reads it:
each conversation becomes an actor, started from its first fetched resource and sent the machine
event of every domain event the log causes, one step every --delay milliseconds, and prints the
timeline as it goes. Without FILE, it plays a built-in scenario: a conversation created on a
profile with a virtual agent, handed off to a human agent, completed.

It serves, on HOST:PORT, a page that embeds the Stately inspector (loaded by your browser from
stately.ai), and the WebSocket that carries the inspection events, as @statelyai/inspect's own
server does. HOST is ${DEFAULT_HOST} unless --host says otherwise: only this machine sees the
conversations (they may hold customers' data). Needs the optional package @statelyai/inspect.

Options:
  --host HOST          the address to listen on (default ${DEFAULT_HOST}; 0.0.0.0 for every
                       interface, so that other machines can open the page)
  --port PORT          the server's port (default ${DEFAULT_PORT})
  --open               open the page in the default browser
  --delay MS           with FILE: milliseconds between two steps (default ${DEFAULT_DELAY_MS}; 0 for none)
  --conversation NAME  with FILE: play only this conversation (all of them by default)
  -h, --help           print this help

Exit status, once stopped: 0, or 1 when FILE had bad lines; 2 on a usage error.

Examples:
  dialogflow-conversation inspect --open
  dialogflow-conversation inspect docs/examples/replay.ndjson
  dialogflow-conversation inspect --delay 2000 --conversation projects/p/conversations/c log.ndjson

See docs/inspector.md for watching a backend's own conversations, and replaying stored ones.
`;

/**
 * The built-in scenario without FILE; the replay log FILE with it. The arguments and the file are
 * checked now, before anything starts; the file is opened when the session is made, once the
 * inspector is up.
 */
const sessionFor = async (io: CliIo, file: string | undefined, values: ParsedArgs['values']): Promise<() => InspectSession> => {
  if (file === undefined) {
    for (const option of ['delay', 'conversation']) {
      if (values[option] !== undefined) {
        throw new UsageError(`inspect: --${option} is for a replay log: give a FILE, or leave --${option} out for the built-in scenario`);
      }
    }
    return () => builtInScenario;
  }
  const delayMs = wholeNumberOption('inspect', 'delay', values.delay, DEFAULT_DELAY_MS, MAX_DELAY_MS);
  let conversation: ConversationName | undefined;
  if (values.conversation !== undefined) {
    const decoded = ConversationNameCodec.decode(values.conversation);
    if (isLeft(decoded)) {
      throw new UsageError(
        `inspect: --conversation takes a conversation name like projects/P/conversations/C, got ${JSON.stringify(values.conversation)}`,
      );
    }
    conversation = decoded.right;
  }
  await checkReadable(io, 'inspect', file);
  return () => {
    return replaySession({ input: openInput(io, 'inspect', file), delayMs, conversation, signal: io.signal });
  };
};

/** `inspect [options] [FILE]`: live actors in the Stately inspector, from a replay log or a built-in scenario. */
export const inspect: Command = {
  name: 'inspect',
  summary: 'play a replay log (or a built-in scenario) as live actors in the Stately inspector',
  help,
  run: async (args, io) => {
    const { values, positionals } = parseCommandArgs(
      'inspect',
      args,
      {
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
        open: { type: 'boolean' },
        delay: { type: 'string' },
        conversation: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help === true) {
      io.stdout.write(help);
      return EXIT.ok;
    }
    if (positionals.length > 1) throw new UsageError('inspect takes at most one FILE: see dialogflow-conversation inspect --help');
    const makeSession = await sessionFor(io, positionals[0], values);
    const port = wholeNumberOption('inspect', 'port', values.port, DEFAULT_PORT, 65535);
    if (port === 0) throw new UsageError('inspect: --port needs a fixed port (the page it serves names it): choose one from 1 to 65535');
    const host = typeof values.host === 'string' ? values.host : DEFAULT_HOST;
    if (host === '')
      throw new UsageError(
        'inspect: --host takes an address (127.0.0.1, 0.0.0.0, ::1) or a host name: see dialogflow-conversation inspect --help',
      );
    const { createWebSocketInspector } = await importOptional<InspectModule>('@statelyai/inspect', 'inspect');
    let server: Awaited<ReturnType<typeof startInspectorServer>>;
    try {
      server = await startInspectorServer({ host, port });
    } catch (cause) {
      if (cause instanceof ListenError) throw new UsageError(`inspect: ${cause.message}`);
      throw cause;
    }
    const log = (line: string): void => printLine(io.stdout, line);
    let badLines = 0;
    let inspector: ReturnType<typeof createWebSocketInspector> | undefined;
    try {
      inspector = createWebSocketInspector({ url: server.eventsUrl });
      const session = makeSession();
      log(`Inspector: open ${server.pageUrl} in a browser (inspection events: ${server.eventsUrl}).`);
      if (values.open === true) {
        const failed = await openInBrowser(server.pageUrl);
        if (failed !== undefined) printLine(io.stderr, `inspect: could not open a browser (${failed}): open ${server.pageUrl} yourself`);
      }
      log(`Playing ${session.title}:`);
      ({ badLines } = await session.play(inspector.inspect, (line) => log(`  ${line}`)));
      if (!io.signal.aborted) log('Played. The actors stay in the inspector until you stop with Ctrl-C.');
      await aborted(io);
    } finally {
      inspector?.stop();
      server.stop();
    }
    return badLines === 0 ? EXIT.ok : EXIT.invalid;
  },
};

const aborted = (io: CliIo): Promise<void> =>
  new Promise((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
