import { describe, expect, it } from 'vitest';
import { ConversationStage, LifecycleState } from '../src/index.js';
import { left, right, viaCodec } from './helpers.js';

describe('enums: names or numbers in, names out', () => {
  it.each([
    ['IN_PROGRESS', 'IN_PROGRESS'],
    ['COMPLETED', 'COMPLETED'],
    ['LIFECYCLE_STATE_UNSPECIFIED', 'LIFECYCLE_STATE_UNSPECIFIED'],
    [0, 'LIFECYCLE_STATE_UNSPECIFIED'],
    [1, 'IN_PROGRESS'],
    [2, 'COMPLETED'],
    [2.0, 'COMPLETED'],
    // Quoted numbers, as protobuf's C++, Java and Python parsers take them, under int32's rules.
    ['2', 'COMPLETED'],
    ['1e0', 'IN_PROGRESS'],
    ['1.0', 'IN_PROGRESS'],
    ['-0', 'LIFECYCLE_STATE_UNSPECIFIED'],
  ])('LifecycleState %j → %s', (input, name) => {
    expect(right(viaCodec(LifecycleState, input))).toBe(name);
  });

  it.each([
    [1, 'VIRTUAL_AGENT_STAGE'],
    [2, 'HUMAN_ASSIST_STAGE'],
    ['HUMAN_ASSIST_STAGE', 'HUMAN_ASSIST_STAGE'],
  ])('ConversationStage %j → %s', (input, name) => {
    expect(right(viaCodec(ConversationStage, input))).toBe(name);
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
    expect(left(viaCodec(LifecycleState, input)).message).toMatch(
      /^expected a LifecycleState \(LIFECYCLE_STATE_UNSPECIFIED, IN_PROGRESS, COMPLETED, or its number 0 to 2\), got /,
    );
  });

  it('encodes the name', () => {
    expect(LifecycleState.encode('COMPLETED')).toBe('COMPLETED');
    expect(ConversationStage.is('HUMAN_ASSIST_STAGE')).toBe(true);
    expect(ConversationStage.is(2)).toBe(false);
  });
});
