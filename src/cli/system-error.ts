/** What the system errors a command can meet mean, in the words of `strerror`, shorter. */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EBADF: 'bad file descriptor',
  EPIPE: 'the reader went away',
  EAGAIN: 'resource temporarily unavailable',
  EADDRINUSE: 'address in use',
  EADDRNOTAVAIL: 'no such address on this machine',
  ENOTFOUND: 'no such host',
};

/** The `code` of a Node.js system error (`ENOSPC`), if it has one. */
export const errorCode = (cause: unknown): string | undefined => {
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
};

/**
 * A system error in a few words, with its code: `no space left on device (ENOSPC)`. An error
 * without a known code is its message's first line, never its stack.
 */
export const describeSystemError = (cause: unknown): string => {
  const code = errorCode(cause);
  const reason = code === undefined ? undefined : REASONS[code];
  if (reason !== undefined) return `${reason} (${code})`;
  const message = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0] ?? '';
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
};
