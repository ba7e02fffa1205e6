import { OUTPUT_OPTIONS, parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { checkReadable, openInput, STDIN } from '../input.js';
import { type CliIo, EXIT } from '../io.js';
import { BatchedOutput } from '../output.js';
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
It is NDJSON when its first non-blank line is a whole JSON value; otherwise one JSON document.
A notification (a Pub/Sub push or a ConversationEvent) is an error that points to replay.

Output, one line per conversation (":LINE" for NDJSON, ":conversations[I]" for a page's items):
  FILE:LINE: ok NAME LIFECYCLE_STATE CONVERSATION_STAGE version=N
  FILE:LINE: error: PATH: MESSAGE          (one line per problem)
and a summary on stderr. Inputs are streamed: memory stays flat whatever their size, and a
progress line shows on a terminal for long ones.

Options:
  --canonical   print each valid conversation as canonical ProtoJSON, one per line, and the
                problems on stderr (so stdout stays NDJSON)
  -q, --quiet   print only the problems
  -h, --help    print this help

Exit status: 0 when every conversation is valid, 1 when any is not, 2 on a usage error.

Examples:
  dialogflow-conversation validate conversation.json
  gcloud ... | dialogflow-conversation validate --quiet
  dialogflow-conversation validate --canonical export.ndjson > canonical.ndjson
`;

/** `validate [FILE...]`: checks conversations and pages, streamed. */
export const validate: Command = {
  name: 'validate',
  summary: 'check conversations, ListConversations pages or NDJSON of either; print states or errors',
  help,
  run: async (args, io) => {
    const { values, positionals } = parseCommandArgs('validate', args, OUTPUT_OPTIONS, true);
    if (values.help === true) {
      io.stdout.write(help);
      return EXIT.ok;
    }
    const files = positionals.length === 0 ? [STDIN] : positionals;
    await Promise.all(files.map((file) => checkReadable(io, 'validate', file)));
    const options: CheckOptions = { canonical: values.canonical === true, quiet: values.quiet === true };
    return run(files, options, io);
  },
};

const run = async (files: ReadonlyArray<string>, options: CheckOptions, io: CliIo): Promise<number> => {
  const out = new BatchedOutput(io.stdout);
  const problems = new BatchedOutput(io.stderr);
  const progress = new Progress(io.stderr, io.stderrIsTTY, io.now);
  const tally: Tally = { valid: 0, invalid: 0 };
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
    const { stream, source } = openInput(io, 'validate', file);
    const scanner = new InputScanner(new Checker(source, out, problems, options, tally));
    for await (const chunk of stream) {
      scanner.push(chunk as string);
      await flush(false);
      if (io.signal.aborted) {
        stream.destroy();
        await flush(true);
        progress.clear();
        return EXIT.interrupted;
      }
      progress.update(source, tally);
    }
    scanner.end();
    await flush(false);
  }
  await flush(true);
  progress.clear();
  const checked = tally.valid + tally.invalid;
  io.stderr.write(`validate: ${checked} checked: ${tally.valid} valid, ${tally.invalid} invalid\n`);
  return tally.invalid === 0 ? EXIT.ok : EXIT.invalid;
};
