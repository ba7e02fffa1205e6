import { allStates, type ChartState, transitionLabel } from './structure.js';

/** A DOT string literal. */
const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

const FONT = 'Helvetica,Arial,sans-serif';

/**
 * The chart as a Graphviz DOT graph: compound and parallel states as clusters (a parallel state's
 * regions dashed), initial states marked by a dot, a transient state (one left at once by
 * eventless transitions, like `starting`) drawn as a choice diamond, final states doubled, state
 * descriptions as tooltips. Deterministic: the machine's own order throughout.
 */
export const chartToDot = (root: ChartState): string => {
  const out: string[] = [
    `digraph ${quote(root.id)} {`,
    `  graph [rankdir=LR, compound=true, fontname=${quote(FONT)}, fontsize=12, nodesep=0.35, ranksep=0.5, pad=0.2];`,
    `  node [shape=box, style="rounded,filled", fillcolor="#f5f7fa", color="#4a5568", fontname=${quote(FONT)}, fontsize=11];`,
    `  edge [color="#4a5568", fontname=${quote(FONT)}, fontsize=10];`,
  ];
  const edges: string[] = [];
  const byId = new Map(allStates(root).map((s) => [s.id, s]));
  /** Graphviz draws edges between nodes: a cluster is reached through one of its leaves, clipped at its border. */
  const anchor = (id: string): { node: string; cluster: string | undefined } => {
    let state = byId.get(id);
    const cluster = state !== undefined && state.children.length > 0 ? `cluster_${id}` : undefined;
    while (state !== undefined && state.children.length > 0) state = byId.get(state.initial[0] ?? state.children[0]?.id ?? '');
    return { node: state?.id ?? id, cluster };
  };
  const edge = (from: string, to: string, label: string): string => {
    const a = anchor(from);
    const b = anchor(to);
    const attributes = [
      ...(label === '' ? [] : [`label=${quote(label)}`]),
      ...(a.cluster === undefined ? [] : [`ltail=${quote(a.cluster)}`]),
      ...(b.cluster === undefined ? [] : [`lhead=${quote(b.cluster)}`]),
    ];
    return `  ${quote(a.node)} -> ${quote(b.node)}${attributes.length === 0 ? '' : ` [${attributes.join(', ')}]`};`;
  };

  const visit = (state: ChartState, indent: string, inParallel: boolean): void => {
    if (state.children.length === 0) {
      out.push(`${indent}${quote(state.id)} [${nodeAttributes(state).join(', ')}];`);
    } else {
      out.push(`${indent}subgraph ${quote(`cluster_${state.id}`)} {`);
      const label = state.type === 'parallel' ? `${state.key} (parallel)` : state.key;
      out.push(
        `${indent}  label=${quote(label)}; labeljust=l; style=${quote(inParallel ? 'rounded,dashed' : 'rounded')}; color="#718096";`,
      );
      if (state.description !== undefined) out.push(`${indent}  tooltip=${quote(state.description)};`);
      for (const initial of state.initial) {
        const dot = `${state.id}.[*]`;
        out.push(`${indent}  ${quote(dot)} [shape=point, width=0.12, label="", fillcolor="#1a202c", color="#1a202c"];`);
        edges.push(edge(dot, initial, ''));
      }
      for (const child of state.children) visit(child, `${indent}  `, state.type === 'parallel');
      out.push(`${indent}}`);
    }
    for (const t of state.transitions) {
      for (const target of t.targets) edges.push(edge(state.id, target, transitionLabel(t)));
    }
  };

  visit(root, '  ', false);
  out.push(...edges, '}');
  return `${out.join('\n')}\n`;
};

const nodeAttributes = (state: ChartState): string[] => {
  const lines = [state.key, ...state.entry.map((a) => `entry / ${a}`), ...state.exit.map((a) => `exit / ${a}`)];
  const attributes = [`label=${quote(lines.join('\n'))}`];
  if (state.transient) attributes.push('shape=diamond', 'style=filled', 'fillcolor="#fefcbf"');
  if (state.type === 'final') attributes.push('peripheries=2');
  if (state.description !== undefined) attributes.push(`tooltip=${quote(state.description)}`);
  return attributes;
};
