import type { AnyStateMachine } from 'xstate';

/** One transition of a state chart, as a diagram draws it. */
export interface ChartTransition {
  /** The event that triggers it; `undefined` for an eventless (`always`) transition. */
  readonly event: string | undefined;
  /** The guard's name, when it has one. */
  readonly guard: string | undefined;
  /**
   * Whether it is the unguarded fallback that follows guarded alternatives for the same trigger
   * (drawn `[else]`), as `starting`'s last `always` branch is.
   */
  readonly otherwise: boolean;
  /** Target state ids; the source's own id for a targetless (internal) transition. */
  readonly targets: ReadonlyArray<string>;
  /** Action names, in order. */
  readonly actions: ReadonlyArray<string>;
}

/** One state of a state chart. */
export interface ChartState {
  /** The full id (`conversation.stage.starting`): unique, used for diagram node names. */
  readonly id: string;
  /** The state's own name (`starting`). */
  readonly key: string;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  readonly description: string | undefined;
  /** Ids of the initial child states (compound states only). */
  readonly initial: ReadonlyArray<string>;
  /** An atomic state left at once by eventless transitions: a choice, drawn as one. */
  readonly transient: boolean;
  readonly entry: ReadonlyArray<string>;
  readonly exit: ReadonlyArray<string>;
  readonly transitions: ReadonlyArray<ChartTransition>;
  readonly children: ReadonlyArray<ChartState>;
}

/**
 * The structure of an xstate machine, as plain data for diagrams: states, initial states, guards,
 * events, actions and eventless transitions. It is read from the machine's state nodes, not from
 * `machine.toJSON()` (which leaves out `always` transitions), so a choice such as `starting` shows.
 */
export const chartOf = (machine: AnyStateMachine): ChartState => stateOf(machine.root);

type AnyStateNode = AnyStateMachine['root'];
type AnyTransition = NonNullable<AnyStateNode['always']>[number];

const stateOf = (node: AnyStateNode): ChartState => {
  const always = node.always ?? [];
  const on = [...node.transitions.values()].flat();
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    description: node.description,
    initial: node.type === 'compound' ? node.initial.target.map((t) => t.id) : [],
    transient: node.type === 'atomic' && always.length > 0,
    entry: node.entry.map(actionName),
    exit: node.exit.map(actionName),
    transitions: [...transitionsOf(always, node.id), ...transitionsOf(on, node.id)],
    children: Object.values(node.states).map(stateOf),
  };
};

/** Transitions in the order xstate tries them; a trigger's last unguarded one after guarded ones is the fallback. */
const transitionsOf = (transitions: ReadonlyArray<AnyTransition>, source: string): ChartTransition[] =>
  transitions.map((t, i) => {
    const event = t.eventType === '' || t.eventType === undefined ? undefined : String(t.eventType);
    const sameTrigger = transitions.slice(0, i).filter((u) => u.eventType === t.eventType);
    return {
      event,
      guard: t.guard === undefined ? undefined : guardName(t.guard),
      otherwise: t.guard === undefined && sameTrigger.length > 0 && sameTrigger.every((u) => u.guard !== undefined),
      targets: t.target === undefined ? [source] : t.target.map((s) => s.id),
      actions: t.actions.map(actionName),
    };
  });

/** A readable name for a guard: its name in `setup`, its `type`, or the function's name. */
const guardName = (guard: unknown): string => {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name === '' ? 'inline guard' : guard.name;
  if (typeof guard === 'object' && guard !== null && 'type' in guard && typeof guard.type === 'string') return guard.type;
  return 'guard';
};

/** A readable name for an action: its name in `setup`, its `type` (xstate's built-ins), or the function's name. */
const actionName = (action: unknown): string => {
  if (typeof action === 'string') return action;
  if ((typeof action === 'object' || typeof action === 'function') && action !== null) {
    if ('type' in action && typeof action.type === 'string') return action.type;
    if (typeof action === 'function' && action.name !== '') return action.name;
  }
  return 'inline action';
};

/** The label of a transition: `event [guard] / action, action`. */
export const transitionLabel = (t: ChartTransition): string => {
  const parts: string[] = [];
  if (t.event !== undefined) parts.push(t.event);
  if (t.guard !== undefined) parts.push(`[${t.guard}]`);
  else if (t.otherwise) parts.push('[else]');
  if (t.actions.length > 0) parts.push(`/ ${t.actions.join(', ')}`);
  return parts.join(' ');
};

/** Every state of the chart, depth first, the root first. */
export const allStates = (root: ChartState): ChartState[] => [root, ...root.children.flatMap(allStates)];
