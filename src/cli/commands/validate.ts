import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { cannotRead, checkReadable, openInput, STDIN } from '../input.js';
import { type CliIo, EXIT, UsageError } from '../io.js';
import { BatchedOutput, printLine } from '../output.js';
import { errorCode } from '../system-error.js';
import { Checker, type CheckOptions, type Tally } from '../validate/check.js';
import { Progress } from '../validate/progress.js';
import { InputScanner } from '../validate/scanner.js';

const help = `Usage: dialogflow-conversation validate [options] [FILE...]

Checks Dialogflow V2 conversations against the ProtoJSON rules and the resource's own, and prints,
for each conversation, its state or its problems. Reads standard input when no FILE is given, or
for FILE "-".

Each input is one of:
  - a Conversation (a GetConversation or CompleteConversation response body),
  - a ListConversations page ({"conversations": [...], "nextPageToken": "..."}),
  - NDJSON: one conversation or page per line.
It is NDJSON when its first non-blank line is a whole JSON value, or when two lines in a row are
(no JSON document has that: its first line was cut short). Otherwise it is one JSON document, or,
if that does not parse (or is longer than 16 MiB), NDJSON when lines after the first are whole
values (any of them; past 16 MiB, half of them). Input must be UTF-8: a line with a byte that is
not is an error, with the byte's offset. An input with nothing in it is an error too. A
notification (a Pub/Sub push or a ConversationEvent) is an error that points to replay.

Output, one line per conversation (":LINE" for NDJSON, ":conversations[I]" for a page's items):
  FILE:LINE: ok NAME LIFECYCLE_STATE CONVERSATION_STAGE version=N
  FILE:LINE: error: PATH: MESSAGE          (one line per problem)
and a summary on stderr. Control characters from the input are printed as escapes (\\u001b).
Inputs are streamed: memory stays flat whatever their size, and a progress line shows on a
terminal for long ones.

Options:
  --canonical   print each valid conversation as canonical ProtoJSON, one per line, and the
                problems on stderr (so stdout stays NDJSON)
  --json        print one JSON object per line, for programs: {"source", "line", "path", "ok":
                true, "name", "lifecycleState", "conversationStage", "version"} per conversation,
                {"source", "line", "path", "ok": false, "message"} per problem ("line" is null
                for a whole document; "path" is where in the line's JSON value)
  -q, --quiet   print only the problems
  -h, --help    print this help

Exit status: 0 when every conversation is valid, 1 when any is not (or an input is empty, or
output cannot be written), 2 on a usage error or a file that cannot be read.

Examples:
  dialogflow-conversation validate conversation.json
  gcloud ... | dialogflow-conversation validate --quiet
  dialogflow-conversation validate --canonical export.ndjson > canonical.ndjson
  dialogflow-conversation validate --json --quiet export.ndjson | jq -r .message
`;

/** `validate [FILE...]`: checks conversations and pages, streamed. */
export const validate: Command = {
  name: 'validate',
  summary: 'check conversations, ListConversations pages or NDJSON of either; print states or errors',
  help,
  run: async (args, io) => {
    const { values, positionals } = parseCommandArgs(
      'validate',
      args,
      {
        canonical: { type: 'boolean' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help === true) {
      io.stdout.write(help);
      return EXIT.ok;
    }
    if (values.json === true && values.canonical === true) {
      throw new UsageError('validate: --json and --canonical both say what stdout is: give one of them');
    }
    const files = positionals.length === 0 ? [STDIN] : positionals;
    // One at a time: a long list of files does not open them all at once.
    for (const file of files) await checkReadable(io, 'validate', file);
    const options: CheckOptions = { canonical: values.canonical === true, quiet: values.quiet === true, json: values.json === true };
    return run(files, options, io);
  },
};

const run = async (files: ReadonlyArray<string>, options: CheckOptions, io: CliIo): Promise<number> => {
  const out = new BatchedOutput(io.stdout);
  const problems = new BatchedOutput(io.stderr);
  const progress = new Progress(io.stderr, io.stderrIsTTY, io.now);
  const tally: Tally = { valid: 0, invalid: 0 };
  let empty = 0;
  /** Writes what is queued (a full batch only, unless `all`); the progress line is erased first, as output may share its terminal. */
  const flush = async (all: boolean): Promise<void> => {
    if (all ? !out.empty : out.full) {
      progress.clear();
      await out.flush();
    }
    if (!problems.empty) {
      progress.clear();
      await problems.flush();
    }
  };

  for (const file of files) {
    const { source, chunks, bytes } = openInput(io, 'validate', file);
    const checker = new Checker(source, out, problems, options, tally);
    const scanner = new InputScanner(checker);
    try {
      for await (const chunk of chunks) {
        scanner.push(chunk);
        await flush(false);
        if (io.signal.aborted) {
          await flush(true);
          progress.clear();
          return EXIT.interrupted;
        }
        progress.update(source, tally);
      }
    } catch (cause) {
      // The file went away, or a disk failed, while being read: what was read is reported.
      if (errorCode(cause) === undefined) throw cause;
      await flush(true);
      progress.clear();
      printLine(io.stderr, cannotRead('validate', source, cause));
      return EXIT.usage;
    }
    scanner.end();
    if (scanner.empty) {
      empty++;
      const message = `no input: ${source} ${bytes() === 0 ? 'is empty' : 'has nothing but whitespace'}`;
      checker.noInput(message);
      await flush(true);
      progress.clear();
      printLine(io.stderr, `validate: ${message}`);
    }
    await flush(false);
  }
  await flush(true);
  progress.clear();
  const checked = tally.valid + tally.invalid;
  if (checked > 0 || empty < files.length) {
    printLine(io.stderr, `validate: ${checked} checked: ${tally.valid} valid, ${tally.invalid} invalid`);
  }
  return tally.invalid === 0 && empty === 0 ? EXIT.ok : EXIT.invalid;
};
