import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/**
 * Generated files kept in the repository (the diagram, the API reference, example outputs in the
 * docs) are checked against a fresh generation: a test fails when they are stale. `npm run docs`
 * runs the same tests with DOCS_UPDATE=1, which writes them instead.
 */
export const UPDATING = process.env.DOCS_UPDATE === '1';

export const repoPath = (relative: string): string => fileURLToPath(new URL(`../${relative}`, import.meta.url));

const read = (relative: string): string | undefined => {
  try {
    return readFileSync(repoPath(relative), 'utf8');
  } catch {
    return undefined;
  }
};

/** `relative` holds exactly `expected` (or is written with it, when updating). */
export const expectGeneratedFile = (relative: string, expected: string): void => {
  if (UPDATING) {
    mkdirSync(dirname(repoPath(relative)), { recursive: true });
    if (read(relative) !== expected) writeFileSync(repoPath(relative), expected);
    return;
  }
  const actual = read(relative);
  if (actual !== expected) {
    // Show where they part, not two whole files.
    let at = 0;
    while (actual !== undefined && at < actual.length && actual[at] === expected[at]) at++;
    expect.fail(
      `${relative} is out of date (first difference at character ${at}: ${JSON.stringify(actual?.slice(at, at + 60))} ` +
        `instead of ${JSON.stringify(expected.slice(at, at + 60))}): run npm run docs, then review and commit it`,
    );
  }
};

/**
 * The text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in a Markdown file is `content`
 * (or is replaced with it, when updating).
 */
export const expectGeneratedSection = (relative: string, name: string, content: string): void => {
  const text = read(relative) ?? '';
  const start = `<!-- ${name}:start -->\n`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  if (from === -1 || to === -1) expect.fail(`${relative} has no section ${start.trim()} … ${end}: add the two markers`);
  expectGeneratedFile(relative, `${text.slice(0, from + start.length)}${content}${text.slice(to)}`);
};
