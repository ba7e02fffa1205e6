import { left, right } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { conversationMachine } from '../machines/conversation.machine.js';
import { conversationDiagram } from '../src/cli/commands/diagram.js';
import { importOptional } from '../src/cli/optional.js';
import * as diagrams from '../src/machine/diagram.js';
import { chartToDot as toDot } from '../src/machine/dot.js';
import { chartToMermaid as toMermaid } from '../src/machine/mermaid.js';
import { allStates, chartOf } from '../src/machine/structure.js';
import { runCli } from './cli-helpers.js';
import { expectGeneratedFile, expectGeneratedSection } from './golden.js';

const chart = chartOf(conversationMachine);

/** Every state key, event, guard and action of the machine, read from its config, not through chartOf. */
const machineNames = (): { states: string[]; events: string[]; guards: string[]; actions: string[] } => {
  const states: string[] = [];
  const visit = (config: { states?: Record<string, unknown> }): void => {
    for (const [key, child] of Object.entries(config.states ?? {})) {
      states.push(key);
      visit(child as { states?: Record<string, unknown> });
    }
  };
  visit(conversationMachine.config as { states?: Record<string, unknown> });
  return {
    states,
    events: [...conversationMachine.events],
    guards: Object.keys(conversationMachine.implementations.guards),
    actions: Object.keys(conversationMachine.implementations.actions),
  };
};

describe('the state diagram, generated from the machine', () => {
  it('has every state, event, guard and action of the machine, in mermaid and in dot', () => {
    const names = machineNames();
    expect(names.states.length).toBeGreaterThan(5);
    for (const text of [toMermaid(chart), toDot(chart)]) {
      for (const name of [...names.states, ...names.events, ...names.guards, ...names.actions]) expect(text).toContain(name);
    }
  });

  it('shows the eventless `starting` choice that machine.toJSON() leaves out, its guards in order, then [else]', () => {
    const starting = allStates(chart).find((s) => s.key === 'starting');
    expect(starting?.transient).toBe(true);
    expect(toMermaid(chart)).toContain(
      [
        '      starting --> HUMAN_ASSIST_STAGE: [humanAssistStageRequested]',
        '      starting --> VIRTUAL_AGENT_STAGE: [virtualAgentConfigured]',
        '      starting --> HUMAN_ASSIST_STAGE: [else]',
      ].join('\n'),
    );
    expect(toDot(chart)).toMatch(/"conversation\.stage\.starting" \[label="starting", shape=diamond/);
  });

  it('draws the two regions of the parallel machine apart, each with its initial state', () => {
    const mermaid = toMermaid(chart);
    expect(mermaid).toMatch(/state lifecycle \{\n\s+\[\*\] --> IN_PROGRESS[\s\S]*\}\n\s+--\n\s+state stage \{\n\s+\[\*\] --> starting/);
    expect(toDot(chart)).toContain('label="conversation (parallel)"');
  });

  it('draws any machine: nested states, a final state, entry and exit actions, inline guards, targetless transitions, repeated names', () => {
    const machine = setup({ actions: { greet: () => {} }, guards: { ready: () => true } }).createMachine({
      id: 'call',
      initial: 'ringing',
      states: {
        ringing: { entry: 'greet', on: { answer: 'talking', tick: { actions: assign({}) } } },
        talking: {
          initial: 'idle',
          exit: 'greet',
          states: { idle: { on: { hold: { guard: ({ event }) => event.type === 'hold', target: 'held' } } }, held: {} },
          on: { hangUp: { guard: 'ready', target: 'done' } },
        },
        idle: { always: { target: 'done' } },
        done: { type: 'final' },
      },
    });
    const c = chartOf(machine);
    const mermaid = toMermaid(c);
    // `idle` is both call.idle and call.talking.idle: Mermaid gets unique names.
    expect(mermaid).toContain('state talking {');
    expect(mermaid).toContain('call_talking_idle --> held: hold [guard]');
    expect(mermaid).toContain('ringing --> ringing: tick / xstate.assign');
    expect(mermaid).toContain('done --> [*]');
    expect(mermaid).toContain('call_idle --> done');
    const dot = toDot(c);
    expect(dot).toContain('label="ringing\\nentry / greet"');
    expect(dot).toContain('peripheries=2');
    expect(dot).toContain('"call.ringing" -> "call.talking.idle" [label="answer", lhead="cluster_call.talking"]');
    expect(dot).toContain('"call.talking.idle" -> "call.done" [label="hangUp [ready]", ltail="cluster_call.talking"]');
  });

  it('is deterministic', async () => {
    expect(toMermaid(chartOf(conversationMachine))).toBe(toMermaid(chart));
    expect(await conversationDiagram('svg')).toBe(await conversationDiagram('svg'));
  });

  it('is in docs/: the SVG picture, and the Mermaid chart in docs/model.md (npm run docs regenerates them)', async () => {
    expectGeneratedFile('docs/images/conversation-machine.svg', await conversationDiagram('svg'));
    expectGeneratedSection('docs/model.md', 'diagram', `\`\`\`mermaid\n${toMermaid(chart)}\`\`\`\n`);
  });
});

describe('the exported diagram functions', () => {
  it('draw the conversation machine by default, or any machine given, as Either', async () => {
    const other = setup({}).createMachine({ id: 'door', initial: 'shut', states: { shut: { on: { open: 'open' } }, open: {} } });
    expect(diagrams.toMermaid()).toEqual(right(toMermaid(chart)));
    expect(diagrams.toDot()).toEqual(right(toDot(chart)));
    expect(diagrams.toMermaid(other)).toEqual(right(toMermaid(chartOf(other))));
    const svg = await diagrams.toSvg();
    expect(svg._tag === 'Right' && svg.right.includes('<svg')).toBe(true);
  });

  it('say what is wrong with what is not a machine, never throwing', async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    for (const machine of [hostile, {}, 5]) {
      for (const drawn of [
        diagrams.toMermaid(machine as never),
        diagrams.toDot(machine as never),
        await diagrams.toSvg(machine as never),
      ]) {
        expect(drawn).toEqual(left({ type: 'DiagramError', message: expect.stringMatching(/^cannot read the machine: /) }));
      }
    }
  });
});

describe('the diagram command', () => {
  it('prints Mermaid by default', async () => {
    expect(await runCli(['diagram'])).toEqual({ code: 0, stdout: toMermaid(chart), stderr: '' });
  });

  it('prints DOT and SVG, rendered offline', async () => {
    expect((await runCli(['diagram', '--format', 'dot'])).stdout).toBe(toDot(chart));
    const svg = await runCli(['diagram', '--format=svg']);
    expect(svg.code).toBe(0);
    expect(svg.stdout).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*HUMAN_ASSIST_STAGE[\s\S]*<\/svg>\n?$/);
  });

  it.each([
    [['diagram', '--format', 'png'], 'dialogflow-conversation: diagram: --format takes mermaid, dot, svg; got "png"'],
    [['diagram', 'extra'], 'dialogflow-conversation: diagram takes no file or argument here: see dialogflow-conversation diagram --help'],
  ])('refuses %j with exit 2 and one line', async (argv, message) => {
    expect(await runCli(argv)).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  it('says how to install an optional package a command needs, in one line', async () => {
    await expect(importOptional('@example/not-installed', 'diagram --format svg', 'or use --format mermaid|dot')).rejects.toThrow(
      'diagram --format svg needs the optional package @example/not-installed: run npm install @example/not-installed, or use --format mermaid|dot',
    );
  });
});
