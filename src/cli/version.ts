import { readFileSync } from 'node:fs';

/**
 * The package's version, from its package.json: two folders up from the sources (`src/cli`), three
 * from the build (`dist/src/cli`).
 */
export const packageVersion = (): string => {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const json = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (json.name === 'dialogflow-conversation' && typeof json.version === 'string') return json.version;
    } catch {
      // not this one
    }
  }
  return 'unknown';
};
