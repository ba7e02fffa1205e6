import { describe, type IssueSink, type Path } from '../wire/issue.js';
import { INVALID, type Invalid, pathAt } from '../wire/reader.js';
import { parentParts } from '../wire/resource-name.js';

/** Whether a string is `projects/{project}` or `projects/{project}/locations/{location}`, and nothing more. */
const isParent = (u: unknown): u is string => typeof u === 'string' && parentParts(u)?.rest.length === 0;

/** @internal The parent of conversations: `projects/{project}` or `projects/{project}/locations/{location}`. */
export const parentKind = {
  is: isParent,
  read: (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): string | Invalid => {
    if (isParent(value)) return value;
    issues.push({
      path: pathAt(parent, key),
      message: `expected a parent like projects/{project} or projects/{project}/locations/{location}, got ${describe(value)}`,
    });
    return INVALID;
  },
};
