import { describe, expect, it } from 'vitest';
import { SCENARIO_INPUT } from '../src/cli/inspect/scenario.js';
import { runCli } from './cli-helpers.js';
import { connectReceiverWhenListening, freePort, inspected } from './inspector-helpers.js';

describe('the inspect command', () => {
  it('plays the built-in scenario into the inspector server, says where to look, and stops on Ctrl-C', async () => {
    const port = await freePort();
    const controller = new AbortController();
    const run = runCli(['inspect', '--port', String(port)], { signal: controller.signal });
    // Connect as the browser page does; the server replays what it has buffered.
    const receiver = await connectReceiverWhenListening(port);
    try {
      await receiver.until((events) => events.filter((e) => e.type === '@xstate.snapshot').length >= 3);
      const kinds = receiver.events.map((e) =>
        e.type === '@xstate.snapshot' ? `${e.type} ${JSON.stringify(inspected(e).value)}` : e.type,
      );
      expect(kinds).toEqual([
        '@xstate.actor',
        '@xstate.event',
        '@xstate.snapshot {"lifecycle":"IN_PROGRESS","stage":"VIRTUAL_AGENT_STAGE"}',
        '@xstate.event',
        '@xstate.snapshot {"lifecycle":"IN_PROGRESS","stage":"HUMAN_ASSIST_STAGE"}',
        '@xstate.event',
        '@xstate.snapshot {"lifecycle":"COMPLETED","stage":"HUMAN_ASSIST_STAGE"}',
      ]);
      const actor = receiver.events[0];
      expect(actor?.type === '@xstate.actor' && actor.name).toBe('conversation');
    } finally {
      await receiver.close();
    }
    controller.abort();
    const { code, stdout, stderr } = await run;
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain(`open http://127.0.0.1:${port} in a browser`);
    expect(stdout).toContain(SCENARIO_INPUT.name);
    expect(stdout).toContain('complete  COMPLETED HUMAN_ASSIST_STAGE version=3');
  });

  it.each([
    [['inspect', '--port', 'http'], 'dialogflow-conversation: inspect: --port takes a whole number from 0 to 65535, got "http"'],
    [
      ['inspect', '--port', '0'],
      'dialogflow-conversation: inspect: --port needs a fixed port (the page it serves names it): choose one from 1 to 65535',
    ],
    [['inspect', '--verbose'], 'dialogflow-conversation: inspect: unknown option --verbose: see dialogflow-conversation inspect --help'],
  ])('refuses %j with exit 2 and one line', async (argv, message) => {
    expect(await runCli(argv)).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it('says when its port is taken', async () => {
    const { createServer } = await import('node:net');
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const address = busy.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      expect(await runCli(['inspect', '--port', String(port)])).toEqual({
        code: 2,
        stdout: '',
        stderr: `dialogflow-conversation: inspect: port ${port} is in use: choose another with --port\n`,
      });
    } finally {
      busy.close();
    }
  });
});
