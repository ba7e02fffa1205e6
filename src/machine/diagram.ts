import * as E from 'fp-ts/lib/Either.js';
import type { AnyStateMachine } from 'xstate';
import { conversationMachine } from '../../machines/conversation.machine.js';
import { causeText } from '../wire/issue.js';
import { chartToDot } from './dot.js';
import { chartToMermaid } from './mermaid.js';
import { chartOf } from './structure.js';

/**
 * The conversation machine's state chart (or any xstate machine's) as a Mermaid
 * `stateDiagram-v2`, which GitHub and most Markdown viewers draw: both regions, the `starting`
 * choice with its guards, every event with its guard and actions. A `DiagramError` when what it
 * is given cannot be read as a machine.
 *
 * @example
 * ```ts
 * const mermaid = toMermaid(); // right('stateDiagram-v2\n...')
 * if (isRight(mermaid)) writeFileSync('machine.md', '```mermaid\n' + mermaid.right + '```\n');
 * ```
 */
export const toMermaid = (machine: AnyStateMachine = conversationMachine): E.Either<DiagramError, string> => drawn(machine, chartToMermaid);

/**
 * The state chart as a Graphviz DOT graph (`dot -Tpng`), with state descriptions as tooltips.
 *
 * @example
 * ```ts
 * toDot(); // right('digraph conversation { ... }')
 * ```
 */
export const toDot = (machine: AnyStateMachine = conversationMachine): E.Either<DiagramError, string> => drawn(machine, chartToDot);

const drawn = (machine: AnyStateMachine, draw: (chart: ReturnType<typeof chartOf>) => string): E.Either<DiagramError, string> => {
  try {
    return E.right(draw(chartOf(machine)));
  } catch (cause) {
    return E.left(diagramError(`cannot read the machine: ${causeText(cause)}`));
  }
};

/** Why a diagram could not be drawn. */
export interface DiagramError {
  readonly type: 'DiagramError';
  readonly message: string;
}

/**
 * The state chart as SVG, drawn offline by Graphviz compiled to WebAssembly. Needs the optional
 * peer dependency `@viz-js/viz`; without it, a `DiagramError` says so.
 *
 * @example
 * ```ts
 * const svg = await toSvg(); // right('<svg ...')
 * ```
 */
export const toSvg = async (machine: AnyStateMachine = conversationMachine): Promise<E.Either<DiagramError, string>> => {
  const drawnDot = toDot(machine);
  if (E.isLeft(drawnDot)) return drawnDot;
  const dot = drawnDot.right;
  let viz: typeof import('@viz-js/viz');
  try {
    viz = await import('@viz-js/viz');
  } catch (cause) {
    return E.left(diagramError(`toSvg needs the optional package @viz-js/viz (npm install @viz-js/viz): ${causeText(cause)}`));
  }
  try {
    const instance = await viz.instance();
    return E.right(instance.renderString(dot, { format: 'svg', engine: 'dot' }));
  } catch (cause) {
    return E.left(diagramError(`Graphviz could not draw the chart: ${causeText(cause)}`));
  }
};

const diagramError = (message: string): DiagramError => Object.freeze({ type: 'DiagramError' as const, message });
