import { stringifyConversation } from '../../conversation/codec.js';
import { OUTPUT_OPTIONS, parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { checkReadable, openInput, STDIN } from '../input.js';
import { type CliIo, EXIT, UsageError } from '../io.js';
import { BatchedOutput } from '../output.js';
import { formatFinal, TIMELINE_HEADER, Timeline } from '../replay/format.js';
import { Replayer, type ReplayStep } from '../replay/replayer.js';
import { InputScanner } from '../validate/scanner.js';

const help = `Usage: dialogflow-conversation replay [options] [FILE]

Plays a log of Dialogflow notifications and fetched conversations (NDJSON: one JSON value per
line) through the aggregate, and prints the timeline, one line per input line (the time, the line,
what arrived, the conversation, its state after it, the domain events it caused), then each
conversation's final state. Reads standard input when no FILE is given, or for FILE "-".

What each line is, by its keys, in this order:
  "message"                         a Pub/Sub push body (its data in JSON or protobuf)
  "conversations", "nextPageToken"  a ListConversations page: each item is a fetched conversation
  "conversation" or "type"          a ConversationEvent in JSON
  anything else                     a fetched Conversation (a GetConversation body)

One aggregate per conversation (projects/P/conversations/C and
projects/P/locations/global/conversations/C are one), started from its first fetched resource.
Notifications that come before it are held back and applied when it comes: applying them is
order-independent, so this gives what any order would. Later resources are observed: forward
moves become events; one that is behind the conversation is an error, and the conversation is
kept. Bad lines (not JSON, invalid, a regression, a notification about a conversation never
fetched) are reported with their line number and paths, and the rest plays on.

Options:
  --canonical   print each final state as canonical ProtoJSON on stdout, one per line (what
                validate reads), and the timeline and problems on stderr
  -q, --quiet   leave the timeline out: print only the problems and the final states
  -h, --help    print this help

Exit status: 0 when every line played, 1 when any was bad, 2 on a usage error.

Examples:
  dialogflow-conversation replay docs/examples/replay.ndjson
  cat pushes.ndjson fetched.ndjson | dialogflow-conversation replay --quiet
  dialogflow-conversation replay --canonical log.ndjson 2>/dev/null | dialogflow-conversation validate
`;

/** `replay [FILE]`: plays a log of notifications and fetched resources through the aggregate. */
export const replay: Command = {
  name: 'replay',
  summary: 'play a log of notifications and fetched conversations; print the timeline and final states',
  help,
  run: async (args, io) => {
    const { values, positionals } = parseCommandArgs('replay', args, OUTPUT_OPTIONS, true);
    if (values.help === true) {
      io.stdout.write(help);
      return EXIT.ok;
    }
    if (positionals.length > 1) {
      throw new UsageError(
        'replay takes one FILE (a log is one file; concatenate several with cat): see dialogflow-conversation replay --help',
      );
    }
    const file = positionals[0] ?? STDIN;
    await checkReadable(io, 'replay', file);
    return run(file, { canonical: values.canonical === true, quiet: values.quiet === true }, io);
  },
};

interface ReplayOptions {
  readonly canonical: boolean;
  readonly quiet: boolean;
}

const run = async (file: string, options: ReplayOptions, io: CliIo): Promise<number> => {
  const out = new BatchedOutput(io.stdout);
  // With --canonical, stdout stays NDJSON: the timeline goes to stderr.
  const timeline = options.canonical ? new BatchedOutput(io.stderr) : out;
  const flush = async (all: boolean): Promise<void> => {
    if (all || out.full) await out.flush();
    if (timeline !== out && (all || timeline.full)) await timeline.flush();
  };
  const show = (step: ReplayStep): boolean => !options.quiet || step.type === 'invalid' || step.type === 'unfetched';
  const steps = new Timeline();
  const replayer = new Replayer((step) => {
    if (show(step)) timeline.write(steps.format(step));
  });
  if (!options.quiet) timeline.write(TIMELINE_HEADER);
  const scanner = new InputScanner({ text: replayer.line, problem: replayer.problem }, 'ndjson');
  const { stream } = openInput(io, 'replay', file);
  for await (const chunk of stream) {
    scanner.push(chunk as string);
    await flush(false);
    if (io.signal.aborted) {
      stream.destroy();
      await flush(true);
      return EXIT.interrupted;
    }
  }
  scanner.end();
  replayer.finish();
  const conversations = replayer.conversations();
  if (options.canonical) {
    for (const c of conversations) out.write(`${stringifyConversation(c)}\n`);
  } else {
    out.write(`${options.quiet ? '' : '\n'}${formatFinal(conversations)}`);
  }
  await flush(true);
  const unfetched = replayer.unfetched();
  io.stderr.write(
    `replay: ${replayer.lines} line${replayer.lines === 1 ? '' : 's'}, ${replayer.badLines} bad; ` +
      `${conversations.length} conversation${conversations.length === 1 ? '' : 's'}` +
      `${unfetched === 0 ? '' : `, ${unfetched} never fetched`}\n`,
  );
  return replayer.badLines === 0 ? EXIT.ok : EXIT.invalid;
};
