import * as E from 'fp-ts/lib/Either.js';
import { joinObservedData } from '../../machines/joins.js';
import { type ConversationName, sameConversation } from '../wire/conversation-name.js';
import { sameConversationProfile } from '../wire/conversation-profile-name.js';
import { type ConversationPhoneNumber, samePhoneNumber } from '../wire/phone-number.js';
import { compareTimestamps, type Timestamp } from '../wire/timestamp.js';
import type { Conversation } from './conversation.js';
import type { ConversationError, RegressedField } from './errors.js';
import type { ConversationDomainEvent } from './events.js';
import { ruleFor } from './rules.js';

const regressionsOf = (local: Conversation, remote: Conversation): RegressedField[] => {
  const found: RegressedField[] = [];
  if (local.name !== undefined && remote.name !== undefined && !sameConversation(local.name, remote.name)) {
    found.push({ field: 'name', local: local.name, remote: remote.name });
  }
  if (!sameConversationProfile(local.conversationProfile, remote.conversationProfile)) {
    found.push({ field: 'conversationProfile', local: local.conversationProfile, remote: remote.conversationProfile });
  }
  if (local.lifecycleState === 'COMPLETED' && remote.lifecycleState === 'IN_PROGRESS') {
    found.push({ field: 'lifecycleState', local: local.lifecycleState, remote: remote.lifecycleState });
  }
  if (local.conversationStage === 'HUMAN_ASSIST_STAGE' && remote.conversationStage === 'VIRTUAL_AGENT_STAGE') {
    found.push({ field: 'conversationStage', local: local.conversationStage, remote: remote.conversationStage });
  }
  if (local.endTime !== undefined && remote.endTime !== undefined && compareTimestamps(remote.endTime, local.endTime) < 0) {
    found.push({ field: 'endTime', local: local.endTime, remote: remote.endTime });
  }
  return found;
};

const describeRegression = (r: RegressedField): string =>
  r.field === 'name' || r.field === 'conversationProfile'
    ? `${r.field} is ${r.remote} there, ${r.local} here`
    : `${r.field} would go back from ${r.local} to ${r.remote}`;

/**
 * @internal What a freshly fetched resource teaches a local conversation, as domain events: the
 * forward moves as the commands make them (`ConversationHandedOff`, then `ConversationCompleted`
 * with the server's end time), then the output-only data it did not have
 * (`ConversationDataObserved`). A resource that is behind (or contradicts) it is refused with a
 * {@link Regression} that names each field.
 */
export const decideObserve = (
  remote: Conversation,
  state: Conversation,
): E.Either<ConversationError, ReadonlyArray<ConversationDomainEvent>> => {
  const regressions = regressionsOf(state, remote);
  if (regressions.length > 0) {
    return E.left(
      Object.freeze({
        type: 'Regression' as const,
        message: `the fetched conversation is behind this one (stale?): ${regressions.map(describeRegression).join('; ')}`,
        regressions: Object.freeze(regressions.map((r) => Object.freeze(r))),
      }),
    );
  }
  const conversation = (state.name ?? remote.name) as ConversationName | undefined;
  const events: ConversationDomainEvent[] = [];
  if (
    state.conversationStage !== remote.conversationStage &&
    ruleFor(state.lifecycleState, state.conversationStage, 'handOff.observed').changes
  ) {
    events.push(Object.freeze({ type: 'ConversationHandedOff', data: Object.freeze({ conversation, at: undefined }) }));
  }
  let endTime = state.endTime;
  if (state.lifecycleState !== remote.lifecycleState) {
    const rule = ruleFor(state.lifecycleState, remote.conversationStage, 'complete');
    if (rule.changes) {
      events.push(Object.freeze({ type: 'ConversationCompleted', data: Object.freeze({ conversation, endTime: remote.endTime }) }));
      if (rule.recordsEndTime && remote.endTime !== undefined) endTime = remote.endTime;
    }
  }
  const changed = joinObservedData<ConversationPhoneNumber>(
    { ...state, endTime },
    {
      name: remote.name,
      startTime: remote.startTime,
      endTime: remote.endTime,
      phoneNumber: remote.phoneNumber,
      unknownFields: remote.unknownFields,
    },
    samePhoneNumber,
  );
  if (changed !== undefined) {
    events.push(
      Object.freeze({
        type: 'ConversationDataObserved',
        data: Object.freeze({
          conversation,
          name: changed.name as ConversationName | undefined,
          startTime: changed.startTime as Timestamp | undefined,
          endTime: changed.endTime as Timestamp | undefined,
          phoneNumber: changed.phoneNumber,
          unknownFields: changed.unknownFields,
        }),
      }),
    );
  }
  return E.right(Object.freeze(events));
};
