import { allStates, type ChartState, type ChartTransition, transitionLabel } from './structure.js';

/**
 * The chart as a Mermaid `stateDiagram-v2`, which GitHub and many Markdown viewers draw. Regions of
 * a parallel state are separated by `--`; eventless transitions are labelled with their guard, and
 * the fallback after guarded ones with `[else]`. Deterministic: the machine's own order throughout.
 */
export const chartToMermaid = (root: ChartState): string => {
  const names = mermaidNames(root);
  const lines = ['stateDiagram-v2'];
  const name = (id: string): string => names.get(id) ?? id;

  const transitionLines = (state: ChartState, indent: string): string[] =>
    state.transitions.flatMap((t: ChartTransition) =>
      t.targets.map((target) => {
        const label = transitionLabel(t);
        return `${indent}${name(state.id)} --> ${name(target)}${label === '' ? '' : `: ${label}`}`;
      }),
    );

  const body = (state: ChartState, indent: string): string[] => {
    const out: string[] = [];
    if (state.type === 'parallel') {
      state.children.forEach((region, i) => {
        if (i > 0) out.push(`${indent}--`);
        out.push(...block(region, indent));
      });
      return out;
    }
    for (const initial of state.initial) out.push(`${indent}[*] --> ${name(initial)}`);
    for (const child of state.children) {
      if (child.children.length > 0) out.push(...block(child, indent));
      else if (child.type === 'final') out.push(`${indent}${name(child.id)} --> [*]`);
    }
    for (const child of state.children) out.push(...transitionLines(child, indent));
    return out;
  };

  const block = (state: ChartState, indent: string): string[] => {
    const declared = names.get(state.id) === state.key ? state.key : `"${state.key}" as ${name(state.id)}`;
    return [`${indent}state ${declared} {`, ...body(state, `${indent}  `), `${indent}}`];
  };

  lines.push(...block(root, '  '));
  lines.push(...transitionLines(root, '  '));
  return `${lines.join('\n')}\n`;
};

/** Mermaid state names must be unique in the whole diagram: a state's own key where it is, its full id otherwise. */
const mermaidNames = (root: ChartState): Map<string, string> => {
  const states = allStates(root);
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s.key, (counts.get(s.key) ?? 0) + 1);
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_');
  return new Map(states.map((s) => [s.id, counts.get(s.key) === 1 && safe(s.key) === s.key ? s.key : safe(s.id)]));
};
