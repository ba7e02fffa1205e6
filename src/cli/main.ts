import type { Command } from './command.js';
import { commands } from './commands/index.js';
import { type CliIo, EXIT, UsageError } from './io.js';
import { printLine } from './output.js';
import { describeSystemError } from './system-error.js';
import { packageVersion } from './version.js';

const PROGRAM = 'dialogflow-conversation';

const width = Math.max(...commands.map((c) => c.name.length));

/** The top-level help. */
export const topHelp = (): string => `Usage: ${PROGRAM} <command> [options]

The Dialogflow V2 Conversation resource, from the command line.

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help     print this help (or: ${PROGRAM} <command> --help)
  -V, --version  print the version

Exit status: 0 on success, 1 when an input is invalid or empty (or output cannot be written),
2 on a usage error (or a file that cannot be read).
`;

/**
 * Runs the command line: `argv` without node and the script, the streams in `io`. Returns the exit
 * status; never exits the process itself, so tests call it directly.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2), processIo());
 * ```
 */
export const main = async (argv: ReadonlyArray<string>, io: CliIo): Promise<number> => {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) {
      io.stderr.write(topHelp());
      return EXIT.usage;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      const command = first === 'help' && rest[0] !== undefined ? find(rest[0]) : undefined;
      io.stdout.write(command?.help ?? topHelp());
      return EXIT.ok;
    }
    if (first === '--version' || first === '-V') {
      io.stdout.write(`${packageVersion()}\n`);
      return EXIT.ok;
    }
    if (first.startsWith('-')) throw new UsageError(`unknown option ${first}: see ${PROGRAM} --help`);
    return await find(first).run(rest, io);
  } catch (cause) {
    // Messages name files and quote arguments: printLine escapes what they hold.
    if (cause instanceof UsageError) {
      printLine(io.stderr, `${PROGRAM}: ${cause.message}`);
      return EXIT.usage;
    }
    // Not meant to happen: one line all the same, never a stack trace.
    printLine(io.stderr, `${PROGRAM}: ${first ?? ''} failed: ${describeSystemError(cause)}`);
    return EXIT.usage;
  }
};

const find = (name: string): Command => {
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    throw new UsageError(`unknown command ${name}: the commands are ${commands.map((c) => c.name).join(', ')}; see ${PROGRAM} --help`);
  }
  return command;
};
