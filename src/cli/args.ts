import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What `parseArgs` found: option values by name, and the positional arguments. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: ReadonlyArray<string>;
}

/**
 * Parses a command's arguments strictly (Node's `util.parseArgs`): an unknown option, a missing
 * value or a stray argument is a {@link UsageError} that names the problem and points at `--help`.
 */
export const parseCommandArgs = (command: string, args: ReadonlyArray<string>, options: Options, positionals: boolean): ParsedArgs => {
  const help = `see dialogflow-conversation ${command} --help`;
  try {
    const { values, positionals: rest } = parseArgs({ args: [...args], options, allowPositionals: positionals, strict: true });
    return { values: values as ParsedArgs['values'], positionals: rest };
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    const message = cause instanceof Error ? cause.message : String(cause);
    const option = /'(-[^']*)'/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`${command}: unknown option ${option}: ${help}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`${command} takes no file or argument here: ${help}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${command}: ${oneLine(message)}: ${help}`);
    throw new UsageError(`${command}: ${oneLine(message)}: ${help}`);
  }
};

const oneLine = (s: string): string => s.split('\n')[0]?.replace(/\.$/, '') ?? s;

/** A `--port`-style option: a whole number in a range, or a {@link UsageError}. */
export const wholeNumberOption = (
  command: string,
  name: string,
  value: string | boolean | undefined,
  fallback: number,
  max: number,
): number => {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > max) {
    throw new UsageError(`${command}: --${name} takes a whole number from 0 to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
};

/** A choice option (`--format svg`): one of `choices`, or a {@link UsageError} listing them. */
export const choiceOption = <C extends string>(
  command: string,
  name: string,
  value: string | boolean | undefined,
  choices: ReadonlyArray<C>,
  fallback: C,
): C => {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as ReadonlyArray<string>).includes(value)) return value as C;
  throw new UsageError(`${command}: --${name} takes ${choices.join(', ')}; got ${JSON.stringify(value)}`);
};
