import type * as t from 'io-ts';
import { describe, type IssueSink, type Path } from './issue.js';
import { INVALID, type Invalid, pathAt, type Reader } from './reader.js';

/** The parts of a resource name under `projects/{project}[/locations/{location}]`. */
export interface ResourceNameParts {
  readonly project: string;
  /** Absent for names without `locations/` (the global location). */
  readonly location?: string;
  readonly id: string;
}

/**
 * Whether a segment of a resource name is one: AIP-122's unreserved URI characters, plus `:` for
 * domain-scoped project IDs (`example.com:my-project`). No `/`, spaces, quotes or escapes, so a valid
 * name never needs escaping in JSON. A loop over its characters: no regular expression on input.
 */
export const isSegment = (s: string): boolean => {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 97 && c <= 122) || // a-z
      (c >= 65 && c <= 90) || // A-Z
      (c >= 48 && c <= 57) || // 0-9
      c === 46 || // .
      c === 95 || // _
      c === 126 || // ~
      c === 58 || // :
      c === 45; // -
    if (!ok) return false;
  }
  return true;
};

/**
 * @internal The parts of `projects/{project}[/locations/{location}]` followed by `tail` more
 * segments, or `undefined`: the segments after the parent, for the caller to check.
 */
export const parentParts = (
  name: string,
): { readonly project: string; readonly location?: string; readonly rest: string[] } | undefined => {
  const parts = name.split('/');
  if (parts[0] !== 'projects' || parts.length < 2 || !isSegment(parts[1] as string)) return undefined;
  if (parts[2] === 'locations' && parts.length >= 4 && isSegment(parts[3] as string)) {
    return { project: parts[1] as string, location: parts[3] as string, rest: parts.slice(4) };
  }
  return { project: parts[1] as string, rest: parts.slice(2) };
};

/** By character code below 128: 1 for a character a segment may have (see {@link isSegment}), 0 for any other. */
const SEGMENT_CHARS = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    table[c] =
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 126 || c === 58 || c === 45
        ? 1
        : 0;
  }
  return table;
})();

/** Where the segment that starts at `from` ends (the next `/`, or the end), or -1 when it is empty or has a character a segment cannot. */
const segmentEnd = (s: string, from: number): number => {
  const n = s.length;
  let i = from;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 47) break;
    if (c > 127 || SEGMENT_CHARS[c] === 0) return -1;
  }
  return i === from ? -1 : i;
};

/**
 * @internal Whether `name` is `projects/{project}[/locations/{location}]/{collection}/{id}`: what
 * `parse` below accepts, checked in one scan, without splitting the name (the hot path of every
 * decode). `test/fast-paths.test.ts` checks that the two agree.
 */
export const isResourceName = (name: string, collection: string): boolean => {
  if (!name.startsWith('projects/')) return false;
  let end = segmentEnd(name, 9);
  if (end < 0 || end >= name.length) return false;
  let at = end + 1;
  if (name.startsWith('locations/', at)) {
    end = segmentEnd(name, at + 10);
    if (end < 0 || end >= name.length) return false;
    at = end + 1;
  }
  if (!name.startsWith(collection, at) || name.charCodeAt(at + collection.length) !== 47) return false;
  return segmentEnd(name, at + collection.length + 1) === name.length;
};

/**
 * @internal The longest name whose prefix or whole text is remembered: Dialogflow's are far shorter,
 * and a slice keeps the whole string it was cut from alive, so a hostile name of megabytes is checked
 * but not kept.
 */
export const REMEMBERED_LENGTH = 1024;

/** How many parents and collections a kind of name remembers (a power of two). */
const PREFIXES = 16;

/** @internal A resource name's kind, and its reader, shared by the two kinds of names. */
export interface ResourceNameKind<B> {
  readonly collection: string;
  readonly read: Reader<t.Branded<string, B>>;
  readonly is: (u: unknown) => u is t.Branded<string, B>;
  readonly parse: (name: string) => ResourceNameParts | undefined;
  readonly format: (parts: ResourceNameParts) => t.Branded<string, B> | undefined;
}

/** @internal */
export const resourceNameKind = <B>(collection: string, description: string, remember = 0): ResourceNameKind<B> => {
  const expected =
    `expected a ${description} like projects/{project}/${collection}/{id} or ` +
    `projects/{project}/locations/{location}/${collection}/{id}`;
  const parse = (name: string): ResourceNameParts | undefined => {
    if (typeof name !== 'string') return undefined;
    const parent = parentParts(name);
    // `projects/p/locations/conversations/c` has no location: `locations` is not followed by one.
    if (parent === undefined || parent.rest.length !== 2 || parent.rest[0] !== collection || !isSegment(parent.rest[1] as string)) {
      return undefined;
    }
    const id = parent.rest[1] as string;
    return parent.location === undefined ? { project: parent.project, id } : { project: parent.project, location: parent.location, id };
  };
  // Names that recur across a backend's conversations (its conversation profiles) are checked once
  // and remembered by value: comparing a string is cheaper than scanning it. `remember` slots,
  // replaced round-robin, the last one found compared first; 0 for names that do not recur (each
  // conversation's own).
  // Empty slots hold `undefined`, which no string equals (an empty string there would be taken for a name).
  const recent: Array<string | undefined> = new Array<string | undefined>(remember).fill(undefined);
  let next = 0;
  let last: string | undefined;
  /** The remembered copy of a name equal to `u`, or `undefined`. */
  const known = (u: string): string | undefined => {
    if (u === last) return last;
    for (let i = 0; i < remember; i++) {
      const r = recent[i];
      if (r === u) {
        last = r;
        return r;
      }
    }
    return undefined;
  };
  // The parents and collection of the last names found valid (`projects/p/conversations/`), 16 of
  // them: a backend's names share one or a few (its projects and locations), so a name that starts
  // with one only needs its last segment scanned. Equality of a slice with a remembered prefix is a
  // native compare, where a scan costs as much per character as JSON.parse does. The prefix of the
  // last name found is compared first.
  const prefixes: Array<string | undefined> = new Array<string | undefined>(PREFIXES).fill(undefined);
  let nextPrefix = 0;
  let lastPrefix = 0;
  /** The length of the remembered prefix that `u` starts with (and has more after), or 0. */
  const knownPrefix = (u: string): number => {
    for (let n = 0, i = lastPrefix; n < PREFIXES; n++, i = (i + 1) & (PREFIXES - 1)) {
      const p = prefixes[i];
      if (p !== undefined && u.length > p.length && u.charCodeAt(p.length - 1) === 47 && u.slice(0, p.length) === p) {
        lastPrefix = i;
        return p.length;
      }
    }
    return 0;
  };
  const rememberPrefix = (u: string): void => {
    prefixes[nextPrefix] = u.slice(0, u.lastIndexOf('/') + 1);
    lastPrefix = nextPrefix;
    nextPrefix = (nextPrefix + 1) & (PREFIXES - 1);
  };
  /** `u` when it is a name of this kind, or the remembered copy of it: a name that recurs is then held once, not once per conversation. */
  const checked = (u: unknown): t.Branded<string, B> | undefined => {
    if (typeof u !== 'string') return undefined;
    if (remember > 0) {
      const k = known(u);
      if (k !== undefined) return k as t.Branded<string, B>;
    }
    const prefix = knownPrefix(u);
    if (prefix > 0) {
      if (segmentEnd(u, prefix) !== u.length) return undefined;
    } else {
      if (!isResourceName(u, collection)) return undefined;
      if (u.length <= REMEMBERED_LENGTH) rememberPrefix(u);
    }
    if (remember > 0 && u.length <= REMEMBERED_LENGTH) {
      recent[next] = u;
      next = (next + 1) % remember;
      last = u;
    }
    return u as t.Branded<string, B>;
  };
  const is = (u: unknown): u is t.Branded<string, B> => checked(u) !== undefined;
  const read = (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): t.Branded<string, B> | Invalid => {
    const name = checked(value);
    if (name !== undefined) return name;
    issues.push({ path: pathAt(parent, key), message: `${expected}, got ${describe(value)}` });
    return INVALID;
  };
  const format = (parts: ResourceNameParts): t.Branded<string, B> | undefined => {
    if (typeof parts !== 'object' || parts === null) return undefined;
    let project: unknown;
    let location: unknown;
    let id: unknown;
    try {
      ({ project, location, id } = parts);
    } catch {
      return undefined; // a hostile object: no name can be made of it
    }
    // Only strings are segments: a template literal would turn anything else into text.
    if (typeof project !== 'string' || typeof id !== 'string' || (location !== undefined && typeof location !== 'string')) return undefined;
    const name =
      location === undefined ? `projects/${project}/${collection}/${id}` : `projects/${project}/locations/${location}/${collection}/${id}`;
    return is(name) ? name : undefined;
  };
  return { collection, read, is, parse, format };
};
