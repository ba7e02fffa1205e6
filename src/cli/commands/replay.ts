import { stringifyConversation } from '../../conversation/codec.js';
import { parseCommandArgs, wholeNumberOption } from '../args.js';
import type { Command } from '../command.js';
import { cannotRead, checkReadable, openInput, STDIN } from '../input.js';
import { type CliIo, EXIT, UsageError } from '../io.js';
import { BatchedOutput, printLine } from '../output.js';
import { finalLines, TIMELINE_HEADER, Timeline } from '../replay/format.js';
import { DEFAULT_MAX_HELD, Replayer, type ReplayStep } from '../replay/replayer.js';
import { errorCode } from '../system-error.js';
import { InputScanner } from '../validate/scanner.js';

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

const help = `Usage: dialogflow-conversation replay [options] [FILE]

Plays a log of Dialogflow notifications and fetched conversations (NDJSON: one JSON value per
line) through the aggregate, and prints the timeline, one line per input line (the time, the line,
what arrived, the state after it, the conversation, what happened: the domain events it caused),
then each conversation's final state. Reads standard input when no FILE is given, or for FILE "-".

What each line is, by its keys, in this order:
  "message"                         a Pub/Sub push body (its data in JSON or protobuf)
  "conversations", "nextPageToken"  a ListConversations page: each item is a fetched conversation
  "conversation" or "type"          a ConversationEvent in JSON
  anything else                     a fetched Conversation (a GetConversation body)

One aggregate per conversation (projects/P/conversations/C and
projects/P/locations/global/conversations/C are one), started from its first fetched resource.
Notifications that come before it are held back and applied when it comes: applying them is
order-independent, so this gives what any order would. One that changes nothing whatever the
conversation (CONVERSATION_STARTED, NEW_MESSAGE) is not held. At most --max-held lines are held
back at once: past that, the conversation that has waited longest is dropped, its lines reported
and not applied (put the fetched conversations first in the log, and nothing waits). Later
resources are observed: forward moves become events; one that is behind the conversation is an
error, and the conversation is kept. Bad lines (not JSON, not UTF-8, invalid, a regression, a
notification about a conversation never fetched, or dropped) are reported with their line number
and paths, and the rest plays on.

Options:
  --canonical     print each final state as canonical ProtoJSON on stdout, one per line (what
                  validate reads), and the timeline and problems on stderr
  --max-held N    hold back at most N lines at once (default ${DEFAULT_MAX_HELD}): memory stays bounded
                  however many conversations are never fetched
  -q, --quiet     leave the timeline out: print only the problems and the final states
  -h, --help      print this help

Exit status: 0 when every line played, 1 when any was bad (or the log is empty, or output cannot
be written), 2 on a usage error or a file that cannot be read.

Examples:
  dialogflow-conversation replay docs/examples/replay.ndjson
  cat fetched.ndjson pushes.ndjson | dialogflow-conversation replay --quiet
  dialogflow-conversation replay --canonical log.ndjson 2>/dev/null | dialogflow-conversation validate
`;

/** `replay [FILE]`: plays a log of notifications and fetched resources through the aggregate. */
export const replay: Command = {
  name: 'replay',
  summary: 'play a log of notifications and fetched conversations; print the timeline and final states',
  help,
  run: async (args, io) => {
    const { values, positionals } = parseCommandArgs(
      'replay',
      args,
      {
        canonical: { type: 'boolean' },
        'max-held': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help === true) {
      io.stdout.write(help);
      return EXIT.ok;
    }
    if (positionals.length > 1) {
      throw new UsageError(
        'replay takes one FILE (a log is one file; concatenate several with cat): see dialogflow-conversation replay --help',
      );
    }
    const maxHeld = wholeNumberOption('replay', 'max-held', values['max-held'], DEFAULT_MAX_HELD, 1_000_000_000);
    const file = positionals[0] ?? STDIN;
    await checkReadable(io, 'replay', file);
    return run(file, { canonical: values.canonical === true, quiet: values.quiet === true, maxHeld }, io);
  },
};

interface ReplayOptions {
  readonly canonical: boolean;
  readonly quiet: boolean;
  readonly maxHeld: number;
}

const run = async (file: string, options: ReplayOptions, io: CliIo): Promise<number> => {
  const out = new BatchedOutput(io.stdout);
  // With --canonical, stdout stays NDJSON: the timeline goes to stderr.
  const timeline = options.canonical ? new BatchedOutput(io.stderr) : out;
  const flush = async (all: boolean): Promise<void> => {
    if (all || out.full) await out.flush();
    if (timeline !== out && (all || timeline.full)) await timeline.flush();
  };
  const show = (step: ReplayStep): boolean =>
    !options.quiet || step.type === 'invalid' || step.type === 'unfetched' || step.type === 'dropped';
  const steps = new Timeline();
  // The header comes with the first line shown: an empty log prints none.
  let header = options.quiet;
  const replayer = new Replayer(
    (step) => {
      if (!show(step)) return;
      if (!header) {
        header = true;
        timeline.line(TIMELINE_HEADER);
      }
      for (const line of steps.format(step)) timeline.line(line);
    },
    { maxHeld: options.maxHeld },
  );
  const scanner = new InputScanner({ text: replayer.line, problem: replayer.problem }, 'ndjson');
  const { source, chunks, bytes } = openInput(io, 'replay', file);
  try {
    for await (const chunk of chunks) {
      scanner.push(chunk);
      await flush(false);
      if (io.signal.aborted) {
        await flush(true);
        return EXIT.interrupted;
      }
    }
  } catch (cause) {
    // The file went away, or a disk failed, while being read: what was read is reported.
    if (errorCode(cause) === undefined) throw cause;
    await flush(true);
    printLine(io.stderr, cannotRead('replay', source, cause));
    return EXIT.usage;
  }
  scanner.end();
  if (scanner.empty) {
    await flush(true);
    printLine(io.stderr, `replay: no input: ${source} ${bytes() === 0 ? 'is empty' : 'has nothing but whitespace'}`);
    return EXIT.invalid;
  }
  replayer.finish();
  const conversations = replayer.conversations();
  if (options.canonical) {
    for (const c of conversations) {
      out.line(stringifyConversation(c));
      await flush(false);
    }
  } else {
    if (!options.quiet) out.line('');
    for (const line of finalLines(conversations)) {
      out.line(line);
      await flush(false);
    }
  }
  await flush(true);
  const unfetched = replayer.unfetched();
  const { dropped } = replayer;
  printLine(
    io.stderr,
    `replay: ${count(replayer.lines, 'line')}, ${replayer.badLines} bad; ${count(conversations.length, 'conversation')}` +
      `${unfetched === 0 ? '' : `, ${unfetched} never fetched`}` +
      `${dropped.lines === 0 ? '' : `; ${count(dropped.lines, 'held-back line')} dropped, about ${count(dropped.conversations, 'conversation')} (more than --max-held ${options.maxHeld} waiting)`}`,
  );
  return replayer.badLines === 0 ? EXIT.ok : EXIT.invalid;
};
