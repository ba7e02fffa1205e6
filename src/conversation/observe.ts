import * as E from 'fp-ts/lib/Either.js';
import type { ConversationName } from '../wire/conversation-name.js';
import type { Conversation } from './conversation.js';
import type { ConversationError, RegressedField } from './errors.js';
import { type ConversationDataObserved, type ConversationDomainEvent, toMachineEvent } from './events.js';
import { type ObservedConversationData, observedDataChanges, observedDataContradictions } from './observed-data.js';
import { step } from './rules.js';

const describeRegression = (r: RegressedField): string =>
  r.field === 'name' || r.field === 'conversationProfile'
    ? `${r.field} is ${r.remote} there, ${r.local} here`
    : `${r.field} would go back from ${r.local} to ${r.remote}`;

/** The order regressions are listed in: the resource's field order. */
const FIELD_ORDER: ReadonlyArray<RegressedField['field']> = [
  'name',
  'conversationProfile',
  'lifecycleState',
  'conversationStage',
  'endTime',
];

/** What a fetched resource reports besides its states. */
const observedDataOf = (remote: Conversation): ObservedConversationData => ({
  name: remote.name,
  conversationProfile: remote.conversationProfile,
  startTime: remote.startTime,
  endTime: remote.endTime,
  phoneNumber: remote.phoneNumber,
  unknownFields: remote.unknownFields,
  // A stage the resource left out is not reported.
  conversationStage: remote.conversationStageInferred === true ? undefined : remote.conversationStage,
});

/**
 * @internal What a freshly fetched resource teaches a local conversation, as domain events, all
 * through the machine's rules: where a region's state differs, the fact that moves the local
 * conversation there (`ConversationHandedOff`, then `ConversationCompleted` with the server's end
 * time); then the data it did not have (`ConversationDataObserved`). Where the machine has no such
 * fact (`COMPLETED` back to `IN_PROGRESS`, `HUMAN_ASSIST_STAGE` back to `VIRTUAL_AGENT_STAGE`), or
 * the data contradicts what is known (another name or profile, an earlier end time), the resource
 * is behind or about another conversation: a {@link Regression} naming each field.
 */
export const decideObserve = (
  remote: Conversation,
  state: Conversation,
): E.Either<ConversationError, ReadonlyArray<ConversationDomainEvent>> => {
  const conversation = (state.name ?? remote.name) as ConversationName | undefined;
  const regressions = observedDataContradictions(state, observedDataOf(remote));
  const events: ConversationDomainEvent[] = [];
  let current = state;
  const move = (event: ConversationDomainEvent, reached: (c: Conversation) => boolean): boolean => {
    const machineEvent = toMachineEvent(event);
    if (machineEvent === undefined) return false;
    const { next } = step(current, machineEvent);
    if (!reached(next)) return false;
    events.push(Object.freeze(event));
    current = next;
    return true;
  };
  // A stage the resource left out is not reported: it is what the default would mean, no fact.
  if (
    remote.conversationStageInferred !== true &&
    state.conversationStage !== remote.conversationStage &&
    !move(
      { type: 'ConversationHandedOff', data: Object.freeze({ conversation, at: undefined }) },
      (c) => c.conversationStage === remote.conversationStage,
    )
  ) {
    regressions.push({ field: 'conversationStage', local: state.conversationStage, remote: remote.conversationStage });
  }
  if (
    state.lifecycleState !== remote.lifecycleState &&
    !move(
      { type: 'ConversationCompleted', data: Object.freeze({ conversation, endTime: remote.endTime }) },
      (c) => c.lifecycleState === remote.lifecycleState,
    )
  ) {
    regressions.push({ field: 'lifecycleState', local: state.lifecycleState, remote: remote.lifecycleState });
  }
  if (regressions.length > 0) {
    regressions.sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field));
    return E.left(
      Object.freeze({
        type: 'Regression' as const,
        message: `the fetched conversation is behind this one (stale?): ${regressions.map(describeRegression).join('; ')}`,
        regressions: Object.freeze(regressions.map((r) => Object.freeze(r))),
      }),
    );
  }
  const changed = observedDataChanges(current, observedDataOf(remote));
  if (changed !== undefined) {
    const { conversationStageInferred: _, ...fields } = changed;
    const event: ConversationDataObserved = {
      type: 'ConversationDataObserved',
      data: Object.freeze({
        conversation,
        ...fields,
        ...('conversationStageInferred' in changed ? { conversationStage: remote.conversationStage } : {}),
      }),
    };
    events.push(Object.freeze(event));
  }
  return E.right(Object.freeze(events));
};
