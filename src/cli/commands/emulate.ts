import * as E from 'fp-ts/lib/Either.js';
import { type EmulatorEvent, startEmulator } from '../../emulator/index.js';
import { ConversationProfileNameCodec } from '../../wire/index.js';
import { isSegment } from '../../wire/resource-name.js';
import { choiceOption, parseCommandArgs, wholeNumberOption } from '../args.js';
import type { Command } from '../command.js';
import { type CliIo, EXIT, UsageError } from '../io.js';

const DEFAULT_PORT = 8090;
const DEFAULT_CONTROL_PORT = 8091;

const help = `Usage: dialogflow-conversation emulate [options]

Runs a local emulator of Dialogflow's v2 Conversations service (gRPC, on the protos that
@google-cloud/dialogflow ships), driven by this module's machine, so that Google's own client
works against it unchanged:

  new v2.ConversationsClient({ apiEndpoint: '127.0.0.1', port: 8090,
    sslCreds: grpc.credentials.createInsecure() })

It serves CreateConversation, GetConversation, ListConversations and CompleteConversation (the
other RPCs of the service answer UNIMPLEMENTED: no participants, messages or suggestions). With
--push, every notification (CONVERSATION_STARTED, CONVERSATION_FINISHED, HUMAN_INTERVENTION_NEEDED,
UNRECOVERABLE_ERROR) is POSTed as a Pub/Sub push, retried with backoff until acknowledged.

When ready it prints "listening on HOST:PORT" on stdout; the control API's address, the seed and
everything that happens go to stderr. Ctrl-C (SIGINT) or SIGTERM stops it (exit 0).

Options:
  --host HOST               the interface to listen on (default 127.0.0.1)
  --port PORT               the gRPC port (default ${DEFAULT_PORT}; 0 for any free port)
  --control-port PORT       the control API's port (default ${DEFAULT_CONTROL_PORT}; 0 for any free port)
  --push URL                push notifications to URL, as a Pub/Sub push subscription does
  --format proto|json       the notifications' format (default proto, as Dialogflow's)
  --virtual-agent PROFILE   a conversation profile with a virtual agent (a name, or a profile ID for
                            any project); repeat for several. Other profiles have none
  --seed N                  seed conversation IDs, message IDs and chaos (default: random, printed)
  --chaos                   duplicate and reorder pushes, as Pub/Sub may
  -h, --help                print this help

The control API (HTTP, JSON; GET / lists it):
  POST /v2/{conversation}:handoff   the virtual agent hands off to a human agent
  POST /v2/{conversation}:error     an unrecoverable telephony error
  POST /clock:advance               {"seconds": N}: auto-completes at 24 h, purges 30 days after the end
  POST /faults                      {"rpc": "GetConversation", "code": 14, "times": 2}: inject errors;
                                    "delayMs": 5000 to answer late; "times": "always" until DELETE /faults
  POST /conversations               a Conversation (ProtoJSON) that exists already: GetConversation finds it
  GET  /calls                       every call received, with its answer

Examples:
  dialogflow-conversation emulate --virtual-agent support --push http://127.0.0.1:3000/push
  dialogflow-conversation emulate --port 0 --control-port 0 --seed 42 --chaos --push URL

See docs/testing-your-backend.md.
`;

const isHttpUrl = (text: string): boolean => {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

/** A profile name, or an ID: one segment of a resource name. */
const isProfile = (text: string): boolean => ConversationProfileNameCodec.is(text) || isSegment(text);

const line = (event: EmulatorEvent): string =>
  `${event.at}  ${event.kind.padEnd(12)}  ${event.conversation === undefined ? '' : `${event.conversation}  `}${event.message}\n`;

const aborted = (io: CliIo): Promise<void> =>
  new Promise((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });

/** `emulate [options]`: the Conversations service, emulated, until stopped. */
export const emulate: Command = {
  name: 'emulate',
  summary: "serve Dialogflow's Conversations API (gRPC) locally, with Pub/Sub pushes and a control API",
  help,
  run: async (args, io) => {
    const { values } = parseCommandArgs(
      'emulate',
      args,
      {
        host: { type: 'string' },
        port: { type: 'string', short: 'p' },
        'control-port': { type: 'string' },
        push: { type: 'string' },
        format: { type: 'string' },
        'virtual-agent': { type: 'string', multiple: true },
        seed: { type: 'string' },
        chaos: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      false,
    );
    if (values.help === true) {
      io.stdout.write(help);
      return EXIT.ok;
    }
    const port = wholeNumberOption('emulate', 'port', values.port, DEFAULT_PORT, 65535);
    const controlPort = wholeNumberOption('emulate', 'control-port', values['control-port'], DEFAULT_CONTROL_PORT, 65535);
    const format = choiceOption('emulate', 'format', values.format, ['proto', 'json'], 'proto');
    const seed = values.seed === undefined ? undefined : wholeNumberOption('emulate', 'seed', values.seed, 0, 2 ** 32 - 1);
    const profiles = values['virtual-agent'] as unknown;
    const virtualAgentProfiles = Array.isArray(profiles) ? (profiles as string[]) : typeof profiles === 'string' ? [profiles] : [];
    if (typeof values.push === 'string' && !isHttpUrl(values.push)) {
      throw new UsageError(`emulate: --push takes an http:// or https:// URL, got ${JSON.stringify(values.push)}`);
    }
    for (const profile of virtualAgentProfiles) {
      if (!isProfile(profile)) {
        throw new UsageError(
          `emulate: --virtual-agent takes a profile name (projects/P/conversationProfiles/ID) or a profile ID, got ${JSON.stringify(profile)}`,
        );
      }
    }
    if (port !== 0 && port === controlPort)
      throw new UsageError(`emulate: --port and --control-port are both ${port}: give them different ports`);
    const started = await startEmulator({
      host: typeof values.host === 'string' ? values.host : undefined,
      port,
      controlPort,
      push: typeof values.push === 'string' ? values.push : undefined,
      format,
      virtualAgentProfiles,
      seed,
      chaos: values.chaos === true,
      log: (event) => void io.stderr.write(line(event)),
    });
    if (E.isLeft(started)) {
      const cause = started.left;
      // One line that says what to do, as for the other commands' optional packages.
      const message = cause.message.startsWith('emulator: ') ? cause.message.slice('emulator: '.length) : cause.message;
      throw new UsageError(cause.code === 'MISSING_PACKAGE' ? `emulate ${message}` : `emulate: ${message}`);
    }
    const emulator = started.right;
    io.stderr.write(
      `emulate: control API on ${emulator.controlUrl}; seed ${emulator.seed}; ` +
        `${values.push === undefined ? 'no pushes (no --push)' : `pushes ${format.toUpperCase()} to ${String(values.push)}${values.chaos === true ? ', with chaos' : ''}`}; ` +
        `virtual agents: ${virtualAgentProfiles.length === 0 ? 'none' : virtualAgentProfiles.join(', ')}\n`,
    );
    // Last: a reader of stdout may start calling as soon as it sees this line.
    io.stdout.write(`listening on ${emulator.grpcAddress}\n`);
    await aborted(io);
    await emulator.close();
    io.stderr.write('emulate: stopped\n');
    return EXIT.ok;
  },
};
