import { matchesState } from 'xstate';
import { type ContextUpdate, type ConversationActionName, conversationActions } from '../../machines/conversation.actions.js';
import { conversationGuards, conversationStateGuards } from '../../machines/conversation.guards.js';
import {
  type ConversationMachineArgs,
  type ConversationMachineContext,
  type ConversationMachineEvent,
  conversationMachine,
} from '../../machines/conversation.machine.js';
import { type ChartState, type ChartTransition, chartOf } from '../machine/structure.js';
import type { ConversationStage } from '../wire/conversation-stage.js';
import type { LifecycleState } from '../wire/lifecycle-state.js';
import { type Conversation, makeConversation } from './conversation.js';
import { ERROR_RECORD, type ErrorRecord, type HoldsErrorRecord } from './unrecoverable-errors.js';

/**
 * The machine's rules as the aggregate runs them: its transitions, read once from the chart's
 * structure (the same reading the diagrams make), with each guard and action resolved by name to the
 * function the machine's `setup` holds. Nothing here states a rule; a transition, guard or action
 * added to the machine is followed here without a change, and one this module cannot run (a guard
 * or action that is not among the shared ones) stops the module from loading.
 *
 * A conversation takes an event as xstate does in a parallel machine: each region's state offers
 * its transitions for the event, then its ancestors' (the root's facts); the first whose guard
 * passes is taken; the root's, shared by both regions, is taken once; actions run in order, each
 * seeing the changes of the ones before.
 */

type Region = 'lifecycle' | 'stage';
type EventType = ConversationMachineEvent['type'];

/** One transition, resolved. */
interface Rule {
  readonly guard: ((args: ConversationMachineArgs, lifecycle: LifecycleState, stage: ConversationStage) => boolean) | undefined;
  /** The region and the state it moves to; `undefined` for the root's targetless facts. */
  readonly region: Region | undefined;
  readonly target: string | undefined;
  readonly actions: ReadonlyArray<(args: ConversationMachineArgs) => ContextUpdate>;
}

const isActionName = (name: string): name is ConversationActionName => Object.hasOwn(conversationActions, name);

const resolveGuard = (name: string | undefined): Rule['guard'] => {
  if (name === undefined) return undefined;
  if (Object.hasOwn(conversationGuards, name)) return conversationGuards[name as keyof typeof conversationGuards];
  if (Object.hasOwn(conversationStateGuards, name)) {
    // Asked of xstate once, for every pair of states an aggregate can be in.
    const required = conversationStateGuards[name as keyof typeof conversationStateGuards];
    const holds = new Set<string>();
    for (const lifecycle of LIFECYCLE_STATES) {
      for (const stage of STAGES) if (matchesState(required, { lifecycle, stage })) holds.add(`${lifecycle} ${stage}`);
    }
    const table: Readonly<Record<string, Readonly<Record<string, boolean>>>> = Object.fromEntries(
      LIFECYCLE_STATES.map((lifecycle) => [
        lifecycle,
        Object.fromEntries(STAGES.map((stage) => [stage, holds.has(`${lifecycle} ${stage}`)])),
      ]),
    );
    return (_args, lifecycle, stage) => table[lifecycle]?.[stage] === true;
  }
  throw new Error(`the machine's guard ${name} is not one the aggregate shares (machines/conversation.guards.ts)`);
};

const regionOf = new Map<string, { readonly region: Region; readonly key: string }>();

const resolve = (t: ChartTransition, sourceId: string): Rule => {
  const [target] = t.targets;
  const place = target === undefined || target === sourceId ? regionOf.get(sourceId) : regionOf.get(target);
  return {
    guard: resolveGuard(t.guard),
    region: place?.region,
    target: place?.key,
    actions: t.actions.map((name) => {
      if (!isActionName(name))
        throw new Error(`the machine's action ${name} is not one the aggregate shares (machines/conversation.actions.ts)`);
      return conversationActions[name];
    }),
  };
};

const byEvent = (state: ChartState): Map<string, Rule[]> => {
  const rules = new Map<string, Rule[]>();
  for (const t of state.transitions) {
    if (t.event === undefined) continue;
    const list = rules.get(t.event) ?? [];
    list.push(resolve(t, state.id));
    rules.set(t.event, list);
  }
  return rules;
};

const chart = chartOf(conversationMachine);
const regionNode = (key: Region): ChartState => {
  const node = chart.children.find((c) => c.key === key);
  if (node === undefined) throw new Error(`the machine has no ${key} region`);
  return node;
};
const REGIONS: Readonly<Record<Region, ChartState>> = { lifecycle: regionNode('lifecycle'), stage: regionNode('stage') };
for (const region of ['lifecycle', 'stage'] as const) {
  for (const state of REGIONS[region].children) regionOf.set(state.id, { region, key: state.key });
}
/** @internal The lifecycle states and the stages an aggregate can be in, as the chart lists them. */
export const LIFECYCLE_STATES = REGIONS.lifecycle.children.map((s) => s.key) as ReadonlyArray<LifecycleState>;
/** @internal */
export const STAGES = REGIONS.stage.children.filter((s) => !s.transient).map((s) => s.key) as ReadonlyArray<ConversationStage>;

const ROOT_RULES = byEvent(chart);

/** The `starting` choice: the stage region's eventless transitions, in order. */
const STARTING_RULES: ReadonlyArray<Rule> = REGIONS.stage.children
  .filter((s) => s.transient)
  .flatMap((s) => s.transitions.filter((t) => t.event === undefined).map((t) => resolve(t, s.id)));

/**
 * The stage a conversation starts in, as the machine's `starting` choice makes it, from what is
 * known of its profile and of the create request. Used where Dialogflow leaves the stage out of a
 * resource (ProtoJSON omits an enum at its default): the proto documents the default as the
 * starting stage the profile gives.
 */
export const startingStage = (facts: {
  readonly virtualAgent?: boolean | undefined;
  readonly requestedConversationStage?: ConversationStage | undefined;
}): ConversationStage => {
  const context = { version: 0, conversationProfile: '', startTime: '', ...facts } as unknown as ConversationMachineContext;
  const rule = select(STARTING_RULES, { context, event: { type: 'handOff.observed' } }, 'IN_PROGRESS', 'HUMAN_ASSIST_STAGE');
  return (rule?.target ?? 'HUMAN_ASSIST_STAGE') as ConversationStage;
};
const STATE_RULES: Readonly<Record<Region, ReadonlyMap<string, Map<string, Rule[]>>>> = {
  lifecycle: new Map(REGIONS.lifecycle.children.map((s) => [s.key, byEvent(s)])),
  stage: new Map(REGIONS.stage.children.map((s) => [s.key, byEvent(s)])),
};

const NO_RULES: ReadonlyArray<Rule> = [];

/** The first rule whose guard passes. */
const select = (
  rules: ReadonlyArray<Rule>,
  args: ConversationMachineArgs,
  lifecycle: LifecycleState,
  stage: ConversationStage,
): Rule | undefined => {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as Rule;
    if (rule.guard === undefined || rule.guard(args, lifecycle, stage)) return rule;
  }
  return undefined;
};

/** The data of a conversation as actions change it: the context's fields, built into an aggregate once. */
class Draft implements ConversationMachineContext {
  name: Conversation['name'];
  conversationProfile: Conversation['conversationProfile'];
  phoneNumber: Conversation['phoneNumber'];
  startTime: Conversation['startTime'];
  endTime: Conversation['endTime'];
  unknownFields: Conversation['unknownFields'];
  /** The errors as an array, when the conversation had them so and no action recorded one since. */
  errors: Conversation['unrecoverableErrors'];
  /** The errors as a record, when the conversation held one or an action recorded an error. */
  [ERROR_RECORD]: ErrorRecord | undefined;
  conversationStageInferred: Conversation['conversationStageInferred'];
  virtualAgent: Conversation['virtualAgent'];
  requestedConversationStage: Conversation['requestedConversationStage'];
  version: number;
  changed = false;

  constructor(c: ConversationMachineContext) {
    this.name = c.name;
    this.conversationProfile = c.conversationProfile;
    this.phoneNumber = c.phoneNumber;
    this.startTime = c.startTime;
    this.endTime = c.endTime;
    this.unknownFields = c.unknownFields;
    // A conversation's record is taken as it is: reading its array would make it.
    const record = (c as HoldsErrorRecord)[ERROR_RECORD];
    this[ERROR_RECORD] = record;
    this.errors = record === undefined ? c.unrecoverableErrors : undefined;
    this.conversationStageInferred = c.conversationStageInferred;
    this.virtualAgent = c.virtualAgent;
    this.requestedConversationStage = c.requestedConversationStage;
    this.version = c.version;
  }

  /** Takes an action's changes, as `assign` does: each field it names. */
  apply(update: ContextUpdate): void {
    for (const key in update) {
      this.changed = true;
      switch (key as keyof ContextUpdate) {
        case 'name':
          this.name = update.name;
          break;
        case 'conversationProfile':
          if (update.conversationProfile !== undefined) this.conversationProfile = update.conversationProfile;
          break;
        case 'phoneNumber':
          this.phoneNumber = update.phoneNumber;
          break;
        case 'startTime':
          if (update.startTime !== undefined) this.startTime = update.startTime;
          break;
        case 'endTime':
          this.endTime = update.endTime;
          break;
        case 'unknownFields':
          this.unknownFields = update.unknownFields;
          break;
        case 'unrecoverableErrors': {
          const record = (update as HoldsErrorRecord)[ERROR_RECORD];
          this[ERROR_RECORD] = record;
          this.errors = record === undefined ? update.unrecoverableErrors : undefined;
          break;
        }
        case 'conversationStageInferred':
          this.conversationStageInferred = update.conversationStageInferred;
          break;
        case 'virtualAgent':
          this.virtualAgent = update.virtualAgent;
          break;
        case 'requestedConversationStage':
          this.requestedConversationStage = update.requestedConversationStage;
          break;
        case 'version':
          if (update.version !== undefined) this.version = update.version;
          break;
      }
    }
  }

  build(lifecycleState: LifecycleState, conversationStage: ConversationStage): Conversation {
    return makeConversation(
      {
        name: this.name,
        lifecycleState,
        conversationProfile: this.conversationProfile,
        phoneNumber: this.phoneNumber,
        startTime: this.startTime,
        endTime: this.endTime,
        conversationStage,
        unknownFields: this.unknownFields,
        unrecoverableErrors: this.errors,
        conversationStageInferred: this.conversationStageInferred,
        virtualAgent: this.virtualAgent,
        requestedConversationStage: this.requestedConversationStage,
      },
      this.version,
      this[ERROR_RECORD],
    );
  }

  get unrecoverableErrors(): Conversation['unrecoverableErrors'] {
    return this[ERROR_RECORD]?.toArray() ?? this.errors;
  }
}

/** What the machine does with an event: refuses it, takes it and changes nothing, or changes the conversation. */
export type Answer = 'refused' | 'unchanged' | 'changed';

/** What the machine does with an event: whether it takes it, and the conversation after it. */
export interface Step {
  /** Whether the machine has an enabled transition for it (`snapshot.can(event)`). */
  readonly allowed: boolean;
  /** The conversation after it: the very same one when nothing changed. */
  readonly next: Conversation;
}

const REFUSED = 0;

/**
 * Runs one machine event on a conversation, as the machine would: its transitions, guards and
 * actions; `REFUSED` when it has no enabled transition, the very same conversation when nothing
 * changes. `build: false` only answers (`true` for a change), building nothing.
 */
function take(c: Conversation, event: ConversationMachineEvent, build: true): Conversation | typeof REFUSED;
function take(c: Conversation, event: ConversationMachineEvent, build: false): Conversation | typeof REFUSED | true;
function take(c: Conversation, event: ConversationMachineEvent, build: boolean): Conversation | typeof REFUSED | true {
  const lifecycle = c.lifecycleState;
  const stage = c.conversationStage;
  const args: { context: ConversationMachineContext; event: ConversationMachineEvent } = { context: c, event };
  const type: EventType = event.type;
  const root = ROOT_RULES.get(type) ?? NO_RULES;
  const fromLifecycle =
    select(STATE_RULES.lifecycle.get(lifecycle)?.get(type) ?? NO_RULES, args, lifecycle, stage) ?? select(root, args, lifecycle, stage);
  const fromStage =
    select(STATE_RULES.stage.get(stage)?.get(type) ?? NO_RULES, args, lifecycle, stage) ?? select(root, args, lifecycle, stage);
  if (fromLifecycle === undefined && fromStage === undefined) return REFUSED;
  let nextLifecycle = lifecycle;
  let nextStage = stage;
  let draft: Draft | undefined;
  // Each region's chosen rule; one both regions chose (a root fact) runs once.
  for (let r = 0; r < 2; r++) {
    const rule = r === 0 ? fromLifecycle : fromStage === fromLifecycle ? undefined : fromStage;
    if (rule === undefined) continue;
    if (rule.target !== undefined) {
      if (rule.region === 'lifecycle') nextLifecycle = rule.target as LifecycleState;
      else if (rule.region === 'stage') nextStage = rule.target as ConversationStage;
    }
    for (let a = 0; a < rule.actions.length; a++) {
      const update = (rule.actions[a] as (args: ConversationMachineArgs) => ContextUpdate)(args);
      if (draft === undefined) {
        draft = new Draft(c);
        // The draft holds the context's fields: each action sees the changes of the ones before, as in xstate.
        args.context = draft;
      }
      draft.apply(update);
    }
  }
  if (draft?.changed !== true && nextLifecycle === lifecycle && nextStage === stage) return c;
  if (!build) return true;
  return (draft ?? new Draft(c)).build(nextLifecycle, nextStage);
}

/** The machine's answer to an event, without building the next conversation (what `decide` needs). */
export const answer = (c: Conversation, event: ConversationMachineEvent): Answer => {
  const taken = take(c, event, false);
  return taken === REFUSED ? 'refused' : taken === c ? 'unchanged' : 'changed';
};

/**
 * Runs one machine event on a conversation, as the machine would: its transitions, guards and
 * actions. Pure; the conversation is the machine's context (the aggregate holds the same fields).
 */
export const step = (c: Conversation, event: ConversationMachineEvent): Step => {
  const taken = take(c, event, true);
  return taken === REFUSED ? { allowed: false, next: c } : { allowed: true, next: taken };
};
