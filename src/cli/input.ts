import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { type CliIo, UsageError } from './io.js';

/** The FILE that means standard input. */
export const STDIN = '-';
/** How standard input is named in reports. */
export const STDIN_NAME = '<stdin>';
/** Large reads: fewer chunks, less per-chunk work; memory stays bounded by a chunk and a line. */
const READ_SIZE = 64 * 1024;

/**
 * Finds an unreadable file before any output, so a typo costs nothing: a {@link UsageError} that
 * names the command, the file and what to do.
 */
export const checkReadable = async (io: CliIo, command: string, file: string): Promise<void> => {
  if (file === STDIN) return;
  try {
    const info = await stat(resolve(io.cwd, file));
    if (info.isDirectory()) throw new UsageError(`${command}: ${file} is a directory: give a JSON or NDJSON file`);
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    const code = (cause as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code ?? cause);
    throw new UsageError(`${command}: cannot read ${file}: ${why}; check the path (or use - for standard input)`);
  }
};

/**
 * The text of FILE (standard input for `-`), as a stream of strings read 64 KiB at a time, and the
 * name to report it by. On a terminal, standard input gets a one-line hint first.
 */
export const openInput = (io: CliIo, command: string, file: string): { readonly stream: Readable; readonly source: string } => {
  const stream: Readable = file === STDIN ? io.stdin : createReadStream(resolve(io.cwd, file), { highWaterMark: READ_SIZE });
  if (file === STDIN && (io.stdin as { isTTY?: boolean }).isTTY === true) {
    io.stderr.write(`${command}: reading standard input (end it with Ctrl-D); see ${command} --help\n`);
  }
  stream.setEncoding('utf8');
  return { stream, source: file === STDIN ? STDIN_NAME : file };
};
