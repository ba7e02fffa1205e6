import { type FileHandle, open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { cannotRead, checkReadable, type Input, openInput, STDIN } from '../input.js';
import { type CliIo, EXIT, UsageError } from '../io.js';
import { BatchedOutput, printLine, writeAndWait } from '../output.js';
import { errorCode } from '../system-error.js';
import { Checker, type CheckOptions, type Tally } from '../validate/check.js';
import { checkFile, type FileOutcome, WorkerPool } from '../validate/parallel.js';
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
  /** Writes text that worker threads made (escaped already), in order. */
  const write = async (to: 'out' | 'problems', text: string): Promise<void> => {
    progress.clear();
    await writeAndWait(to === 'out' ? io.stdout : io.stderr, text);
  };
  // Large files are checked in worker threads, started when first needed.
  const threads = io.threads;
  const paths = threads === undefined || threads.workers === 0 ? [] : await largeFiles(files, io, threads.minBytes);
  let started: WorkerPool | undefined;
  const pool = (): WorkerPool => {
    started ??= new WorkerPool(threads?.workers ?? 0, options, threads?.workerHeapMb);
    return started;
  };

  try {
    for (const file of files) {
      const path = threads !== undefined && paths.includes(file) ? resolve(io.cwd, file) : undefined;
      const input = path === undefined ? openInput(io, 'validate', file) : undefined;
      const source = input?.source ?? file;
      const checker = new Checker(source, out, problems, options, tally);
      let outcome: FileOutcome;
      try {
        outcome =
          input !== undefined || path === undefined || threads === undefined
            ? await checkStream(input ?? openInput(io, 'validate', file), checker, io, progress, tally, flush)
            : await checkOpened(path, (handle) =>
                checkFile({ handle, source, checker, tally, progress, signal: io.signal, threads, pool, options, flush, write }),
              );
      } catch (cause) {
        // The file went away, or a disk failed, while being read: what was read is reported.
        if (errorCode(cause) === undefined) throw cause;
        await flush(true);
        progress.clear();
        printLine(io.stderr, cannotRead('validate', source, cause));
        return EXIT.usage;
      }
      if (outcome === 'interrupted') {
        await flush(true);
        progress.clear();
        return EXIT.interrupted;
      }
      if (outcome.empty) {
        empty++;
        const message = `no input: ${source} ${outcome.bytes === 0 ? 'is empty' : 'has nothing but whitespace'}`;
        checker.noInput(message);
        await flush(true);
        progress.clear();
        printLine(io.stderr, `validate: ${message}`);
      }
      await flush(false);
    }
  } finally {
    await started?.close();
  }
  await flush(true);
  progress.clear();
  const checked = tally.valid + tally.invalid;
  if (checked > 0 || empty < files.length) {
    printLine(io.stderr, `validate: ${checked} checked: ${tally.valid} valid, ${tally.invalid} invalid`);
  }
  return tally.invalid === 0 && empty === 0 ? EXIT.ok : EXIT.invalid;
};

/** Reads and checks one input in this thread, chunk by chunk as it is read. */
const checkStream = async (
  input: Input,
  checker: Checker,
  io: CliIo,
  progress: Progress,
  tally: Tally,
  flush: (all: boolean) => Promise<void>,
): Promise<FileOutcome> => {
  const scanner = new InputScanner(checker);
  for await (const chunk of input.chunks) {
    scanner.push(chunk);
    await flush(false);
    if (io.signal.aborted) return 'interrupted';
    progress.update(input.source, tally);
  }
  scanner.end();
  return { empty: scanner.empty, bytes: input.bytes() };
};

/** Opens a file, reads it with `read`, closes it. */
const checkOpened = async <A>(path: string, read: (handle: FileHandle) => Promise<A>): Promise<A> => {
  const handle = await open(path, 'r');
  try {
    return await read(handle);
  } finally {
    await handle.close();
  }
};

/** Which of `files` are regular files of at least `minBytes` bytes (standard input, FIFOs and devices are not). */
const largeFiles = async (files: ReadonlyArray<string>, io: CliIo, minBytes: number): Promise<string[]> => {
  const large: string[] = [];
  for (const file of files) {
    if (file === STDIN || large.includes(file)) continue;
    const info = await stat(resolve(io.cwd, file)).catch(() => undefined);
    if (info?.isFile() === true && info.size >= minBytes) large.push(file);
  }
  return large;
};
