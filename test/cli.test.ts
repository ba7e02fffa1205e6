import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/cli/commands/index.js';
import { runBin, runCli } from './cli-helpers.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('the command line', () => {
  it('--help lists every command', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const { code, stdout } = await runCli(argv);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: dialogflow-conversation <command> \[options\]/);
      for (const command of commands) expect(stdout).toContain(`  ${command.name}`);
    }
  });

  it.each(commands.map((c) => c.name))('%s --help prints its usage and exits 0', async (name) => {
    for (const argv of [
      [name, '--help'],
      [name, '-h'],
      ['help', name],
    ]) {
      const { code, stdout, stderr } = await runCli(argv);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toMatch(new RegExp(`^Usage: dialogflow-conversation ${name} `));
    }
  });

  it('--version prints the package version', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect((await runCli(['-V'])).stdout).toBe(`${pkg.version}\n`);
  });

  it.each([
    [
      ['frob'],
      'dialogflow-conversation: unknown command frob: the commands are validate, replay, diagram, inspect, emulate, serve; see dialogflow-conversation --help',
    ],
    [['--frob'], 'dialogflow-conversation: unknown option --frob: see dialogflow-conversation --help'],
  ])('refuses %j with exit 2 and one line', async (argv, message) => {
    expect(await runCli(argv)).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it('prints the help on stderr and exits 2 when no command is given', async () => {
    const { code, stdout, stderr } = await runCli([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Usage: /);
  });

  it('runs as an executable: exit statuses, stdout and stderr', async () => {
    const ok = await runBin(['validate', 'docs/examples/conversation.json']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^docs\/examples\/conversation\.json: ok /);
    const invalid = await runBin(['validate', '-'], { input: '{"name":5}\n' });
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('<stdin>:1: error: name: ');
    const usage = await runBin(['validate', 'nope.json']);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split('\n')).toHaveLength(1);
  });
});
