import { UsageError } from './io.js';

/**
 * Imports an optional peer dependency of the command line, or throws a {@link UsageError} that
 * says how to install it. The library itself never needs these: only `diagram --format svg`
 * (`@viz-js/viz`) and `inspect` (`@statelyai/inspect`) do.
 */
export const importOptional = async <M>(name: string, what: string, otherwise?: string): Promise<M> => {
  try {
    return (await import(name)) as M;
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw cause;
    throw new UsageError(
      `${what} needs the optional package ${name}: run npm install ${name}${otherwise === undefined ? '' : `, ${otherwise}`}`,
    );
  }
};
