import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/cli/commands/index.js';
import { Collect, ROOT, runCli } from './cli-helpers.js';
import { expectGeneratedFile, expectGeneratedSection, repoPath, UPDATING } from './golden.js';
import { freePort } from './inspector-helpers.js';
import { exampleReplayLog } from './replay-log.js';

const run = promisify(execFile);

const filesUnder = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
};

/** V8's JSON.parse messages differ between Node versions: the docs show this Node's, the test compares the rest. */
const maskJsonDetail = (text: string): string => text.replace(/invalid JSON: .*/g, 'invalid JSON: …');

/** A command's output as the docs show it: the command, then what it prints on stdout and stderr. */
const transcript = async (argv: ReadonlyArray<string>): Promise<string> => {
  const { code, stdout, stderr } = await runCli(argv);
  return `\`\`\`console\n$ dialogflow-conversation ${argv.join(' ')}\n${stdout}${stderr}$ echo $?\n${code}\n\`\`\`\n`;
};

/**
 * What `inspect --delay 0 FILE` prints until it has played FILE, then Ctrl-C. It runs on a free
 * port; the docs show the default one, which is all that differs.
 */
const inspectTranscript = async (file: string): Promise<string> => {
  const port = await freePort();
  const controller = new AbortController();
  const stdout = new Collect();
  const run = runCli(['inspect', '--port', String(port), '--delay', '0', file], { signal: controller.signal, stdout });
  for (let i = 0; i < 500 && !stdout.text.includes('Played.'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  controller.abort();
  const { code, stderr } = await run;
  const text = `${stdout.text}^C\n${stderr}`.replaceAll(`127.0.0.1:${port}`, '127.0.0.1:8080');
  return `\`\`\`console\n$ dialogflow-conversation inspect --delay 0 ${file}\n${text}$ echo $?\n${code}\n\`\`\`\n`;
};

/** The generated sections of a page show what the commands print (written by npm run docs). */
const expectSections = async (path: string, sections: ReadonlyArray<[string, string]>): Promise<void> => {
  if (UPDATING) {
    for (const [name, content] of sections) expectGeneratedSection(path, name, content);
    return;
  }
  const text = await readFile(repoPath(path), 'utf8');
  for (const [name, content] of sections) {
    const start = `<!-- ${name}:start -->\n`;
    const section = text.split(start)[1]?.split(`<!-- ${name}:end -->`)[0];
    expect(section, `${path} has no section ${start.trim()}: add it, then run npm run docs`).toBeDefined();
    expect(maskJsonDetail(section ?? ''), `${path} section ${name} is out of date: run npm run docs`).toBe(maskJsonDetail(content));
  }
};

describe('the docs', () => {
  it('docs/api is the API reference TypeDoc generates from the TSDoc (npm run docs regenerates it)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'dialogflow-conversation-api-'));
    try {
      await run(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--out', out, '--logLevel', 'Warn'], { cwd: ROOT });
      const generated = await filesUnder(out);
      expect(generated).toContain('README.md');
      if (UPDATING) {
        await rm(repoPath('docs/api'), { recursive: true, force: true });
        await cp(out, repoPath('docs/api'), { recursive: true });
      }
      expect(await filesUnder(repoPath('docs/api')), 'docs/api has other files than TypeDoc makes: run npm run docs').toEqual(generated);
      for (const file of generated) expectGeneratedFile(`docs/api/${file}`, await readFile(join(out, file), 'utf8'));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("docs/examples/replay.ndjson is the log test/replay-log.ts builds (protobuf data by Google's own code)", () => {
    expectGeneratedFile('docs/examples/replay.ndjson', exampleReplayLog());
  });

  it('docs/cli.md shows what the commands really print', async () => {
    const page = 'docs/examples/list-conversations-page.json';
    const ndjson = 'docs/examples/conversations.ndjson';
    const sections: Array<[string, string]> = [
      ['validate-page', await transcript(['validate', page])],
      ['validate-ndjson', await transcript(['validate', ndjson])],
      ['validate-canonical', await transcript(['validate', '--canonical', '--quiet', page])],
      ['replay-example', await transcript(['replay', 'docs/examples/replay.ndjson'])],
      ['inspect-replay', await inspectTranscript('docs/examples/replay.ndjson')],
      ...(await Promise.all(
        commands.map(
          async (c): Promise<[string, string]> => [`help-${c.name}`, `\`\`\`text\n${(await runCli([c.name, '--help'])).stdout}\`\`\`\n`],
        ),
      )),
      ['help', `\`\`\`text\n${(await runCli(['--help'])).stdout}\`\`\`\n`],
    ];
    await expectSections('docs/cli.md', sections);
    // The README shows the first one.
    await expectSections('README.md', sections.slice(0, 1));
  });

  it('links only to files that exist', async () => {
    const pages = [
      'README.md',
      ...(await filesUnder(repoPath('docs'))).filter((f) => f.endsWith('.md') && !f.startsWith('api/')).map((f) => `docs/${f}`),
    ];
    const broken: string[] = [];
    for (const page of pages) {
      const text = await readFile(repoPath(page), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (target === undefined || /^[a-z]+:/.test(target) || target.startsWith('#')) continue;
        const file = target.split('#')[0] ?? '';
        try {
          await readFile(join(repoPath(dirname(page)), file));
        } catch (cause) {
          if ((cause as { code?: string }).code === 'EISDIR') continue;
          broken.push(`${page} → ${target}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
