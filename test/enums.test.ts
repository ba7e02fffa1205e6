import { describe, expect, it } from 'vitest';
import { ConversationStageCodec, LifecycleStateCodec } from '../src/wire/index.js';
import { left, right, viaCodec } from './helpers.js';

describe('enums: names or numbers in, names out', () => {
  it.each([
    ['IN_PROGRESS', 'IN_PROGRESS'],
    ['COMPLETED', 'COMPLETED'],
    [1, 'IN_PROGRESS'],
    [2, 'COMPLETED'],
    [2.0, 'COMPLETED'],
    // Quoted numbers, as protobuf's C++, Java and Python parsers take them, under int32's rules.
    ['2', 'COMPLETED'],
    ['1e0', 'IN_PROGRESS'],
    ['1.0', 'IN_PROGRESS'],
  ])('LifecycleState %j → %s', (input, name) => {
    expect(right(viaCodec(LifecycleStateCodec, input))).toBe(name);
  });

  it.each([
    [1, 'VIRTUAL_AGENT_STAGE'],
    [2, 'HUMAN_ASSIST_STAGE'],
    ['HUMAN_ASSIST_STAGE', 'HUMAN_ASSIST_STAGE'],
  ])('ConversationStage %j → %s', (input, name) => {
    expect(right(viaCodec(ConversationStageCodec, input))).toBe(name);
  });

  it.each([
    ['in_progress'],
    ['DONE'],
    [3],
    [-1],
    [1.5],
    ['3'],
    [' 1'],
    ['01'],
    ['+1'],
    ['1.5'],
    ['0x1'],
    [''],
    [true],
    [{}],
    ['__proto__'],
    ['toString'],
    ['constructor'],
  ])('rejects %j with the names and numbers it takes', (input) => {
    expect(left(viaCodec(LifecycleStateCodec, input)).message).toMatch(
      /^expected a Conversation.LifecycleState \(LIFECYCLE_STATE_UNSPECIFIED, IN_PROGRESS, COMPLETED, or its number 0 to 2\), got /,
    );
  });

  it.each([['LIFECYCLE_STATE_UNSPECIFIED'], [0], ['-0']])('refuses the default %j: it is not a lifecycle state', (input) => {
    expect(left(viaCodec(LifecycleStateCodec, input)).message).toMatch(/^expected IN_PROGRESS or COMPLETED, got /);
  });

  it.each([['CONVERSATION_STAGE_UNSPECIFIED'], [0]])('refuses the default %j: it is not a stage', (input) => {
    expect(left(viaCodec(ConversationStageCodec, input)).message).toMatch(/^expected VIRTUAL_AGENT_STAGE or HUMAN_ASSIST_STAGE, got /);
  });

  it('encodes the name', () => {
    expect(LifecycleStateCodec.encode('COMPLETED')).toBe('COMPLETED');
    expect(ConversationStageCodec.is('HUMAN_ASSIST_STAGE')).toBe(true);
    expect(ConversationStageCodec.is(2)).toBe(false);
  });
});
