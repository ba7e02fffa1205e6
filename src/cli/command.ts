import type { CliIo } from './io.js';

/**
 * One command of the command line. Each lives in its own module under `commands/` and is listed
 * in `commands/index.ts`; the dispatcher knows nothing else about it.
 */
export interface Command {
  /** The word that selects it: `validate`. */
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** The full text of `dialogflow-conversation NAME --help`. */
  readonly help: string;
  /**
   * Runs the command with the arguments after its name and returns the exit status. Throws a
   * `UsageError` for a mistake in the arguments (the dispatcher prints it and exits with 2).
   */
  readonly run: (args: ReadonlyArray<string>, io: CliIo) => Promise<number>;
}
