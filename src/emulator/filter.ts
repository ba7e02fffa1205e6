import * as E from 'fp-ts/lib/Either.js';
import type { LifecycleState } from './core.js';

/** What a ListConversations filter selects: a lifecycle state, or everything. */
export type ListFilter = { readonly lifecycleState: LifecycleState | 'LIFECYCLE_STATE_UNSPECIFIED' } | undefined;

const STATES: ReadonlyArray<LifecycleState | 'LIFECYCLE_STATE_UNSPECIFIED'> = ['IN_PROGRESS', 'COMPLETED', 'LIFECYCLE_STATE_UNSPECIFIED'];
const FIELD = 'lifecycle_state';

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isWordCharacter = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '_');

/**
 * Parses a ListConversations `filter` (AIP-160) as Dialogflow accepts it: one comparison of
 * `lifecycle_state` with `=` to a state, quoted (`"COMPLETED"`, `'COMPLETED'`) or bare, with any
 * spacing; empty means no filter. Anything else is refused with what was expected where. A
 * hand-written scanner: one pass, no backtracking.
 */
export const parseListFilter = (filter: string): E.Either<string, ListFilter> => {
  let i = 0;
  const skip = (): void => {
    while (isSpace(filter[i])) i++;
  };
  const at = (): string => (i >= filter.length ? 'the end' : `${JSON.stringify(filter.slice(i, i + 20))} (character ${i + 1})`);
  skip();
  if (i === filter.length) return E.right(undefined);
  const fieldStart = i;
  while (isWordCharacter(filter[i]) || filter[i] === '.') i++;
  const field = filter.slice(fieldStart, i);
  if (field !== FIELD) {
    return E.left(
      field === ''
        ? `filter: expected ${FIELD} at ${at()}`
        : `filter: only ${FIELD} can be filtered on, got ${JSON.stringify(field)}: write ${FIELD} = "COMPLETED"`,
    );
  }
  skip();
  if (filter[i] !== '=') return E.left(`filter: expected "=" after ${FIELD}, got ${at()}`);
  i++;
  skip();
  const quote = filter[i] === '"' || filter[i] === "'" ? filter[i] : undefined;
  if (quote !== undefined) i++;
  const valueStart = i;
  while (isWordCharacter(filter[i])) i++;
  const value = filter.slice(valueStart, i);
  if (quote !== undefined) {
    if (filter[i] !== quote) return E.left(`filter: expected the closing ${quote} of the state, got ${at()}`);
    i++;
  }
  const state = STATES.find((s) => s === value);
  if (state === undefined) {
    return E.left(`filter: ${FIELD} is IN_PROGRESS or COMPLETED, got ${value === '' ? at() : JSON.stringify(value)}`);
  }
  skip();
  if (i !== filter.length) return E.left(`filter: expected the end after the comparison, got ${at()}: only one comparison is supported`);
  return E.right({ lifecycleState: state });
};
