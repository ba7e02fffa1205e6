import type * as t from 'io-ts';
import { describe, type IssueSink, type Path } from './issue.js';
import { INVALID, type Invalid, pathAt, type Reader } from './reader.js';

/**
 * One segment of a resource name: AIP-122's unreserved URI characters, plus `:` for domain-scoped
 * project IDs (`example.com:my-project`). No `/`, spaces, quotes or escapes, which also means a
 * valid name never needs escaping in JSON.
 */
const SEGMENT = '([A-Za-z0-9._~:-]+)';

/** The parts of a resource name under `projects/{project}[/locations/{location}]`. */
export interface ResourceNameParts {
  readonly project: string;
  /** Absent for names without `locations/` (the global location). */
  readonly location?: string;
  readonly id: string;
}

/** @internal A resource name pattern and its reader, shared by the two kinds of names. */
export interface ResourceNameKind<B> {
  readonly collection: string;
  readonly pattern: RegExp;
  readonly read: Reader<t.Branded<string, B>>;
  readonly is: (u: unknown) => u is t.Branded<string, B>;
  readonly parse: (name: string) => ResourceNameParts | undefined;
  readonly format: (parts: ResourceNameParts) => t.Branded<string, B> | undefined;
}

/** @internal */
export const resourceNameKind = <B>(collection: string, description: string, remember = 0): ResourceNameKind<B> => {
  const pattern = new RegExp(`^projects/${SEGMENT}/(?:locations/${SEGMENT}/)?${collection}/${SEGMENT}$`);
  // The same pattern without captures, for validation on the hot path.
  const shape = new RegExp(pattern.source.replaceAll('([', '(?:['));
  const expected =
    `expected a ${description} like projects/{project}/${collection}/{id} or ` +
    `projects/{project}/locations/{location}/${collection}/{id}`;
  // Names that recur across a backend's conversations (its few conversation profiles) are checked
  // once and remembered by value: comparing a string is cheaper than matching it. `remember` slots,
  // replaced round-robin; 0 for names that do not recur (each conversation's own).
  const recent: string[] = new Array<string>(remember).fill('');
  let next = 0;
  const is = (u: unknown): u is t.Branded<string, B> => {
    if (typeof u !== 'string') return false;
    for (let i = 0; i < remember; i++) if (recent[i] === u) return true;
    if (!shape.test(u)) return false;
    if (remember > 0) {
      recent[next] = u;
      next = (next + 1) % remember;
    }
    return true;
  };
  const read = (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): t.Branded<string, B> | Invalid => {
    if (is(value)) return value;
    issues.push({ path: pathAt(parent, key), message: `${expected}, got ${describe(value)}` });
    return INVALID;
  };
  const parse = (name: string): ResourceNameParts | undefined => {
    const match = pattern.exec(name);
    if (match === null) return undefined;
    const [, project = '', location, id = ''] = match;
    return location === undefined ? { project, id } : { project, location, id };
  };
  const format = (parts: ResourceNameParts): t.Branded<string, B> | undefined => {
    const name =
      parts.location === undefined
        ? `projects/${parts.project}/${collection}/${parts.id}`
        : `projects/${parts.project}/locations/${parts.location}/${collection}/${parts.id}`;
    return is(name) ? name : undefined;
  };
  return { collection, pattern, read, is, parse, format };
};
