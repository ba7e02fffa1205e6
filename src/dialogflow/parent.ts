import { describe, type IssueSink, type Path } from '../wire/issue.js';
import { INVALID, type Invalid, pathAt } from '../wire/reader.js';

/** A segment of a resource name: the same characters as in conversation names. */
const SEGMENT = '[A-Za-z0-9._~:-]+';
const PARENT = new RegExp(`^projects/${SEGMENT}(?:/locations/${SEGMENT})?$`);

/** @internal The parent of conversations: `projects/{project}` or `projects/{project}/locations/{location}`. */
export const parentKind = {
  is: (u: unknown): u is string => typeof u === 'string' && PARENT.test(u),
  read: (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): string | Invalid => {
    if (typeof value === 'string' && PARENT.test(value)) return value;
    issues.push({
      path: pathAt(parent, key),
      message: `expected a parent like projects/{project} or projects/{project}/locations/{location}, got ${describe(value)}`,
    });
    return INVALID;
  },
};
