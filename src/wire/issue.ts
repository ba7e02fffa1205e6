/**
 * One problem found while decoding: where it is (`phoneNumber.countryCode`, `conversations[3].name`)
 * and what is wrong with it.
 */
export interface DecodeIssue {
  readonly path: string;
  readonly message: string;
}

/** Collects problems during one decode; decoders never throw, they push here. */
export type IssueSink = DecodeIssue[];

/** Whether a key can follow a dot in a path (an identifier); a loop, as this is on hot paths. */
const isIdentifier = (key: string): boolean => {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
    if (!letter && !(i > 0 && c >= 48 && c <= 57)) return false;
  }
  return true;
};

/**
 * Appends a key to a path: `a` + `b` gives `a.b`, `a` + `3` gives `a[3]`, and a key that is not an
 * identifier is quoted (`labels["x.y"]`) so the path stays unambiguous.
 */
export const joinPath = (parent: Path, key: string | number): string => {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (isIdentifier(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
};

const MAX_SHOWN = 60;

/** A short, safe rendering of a value for error messages: `1.5`, `"12abc"`, `an array`, `an object`. */
export const describe = (value: unknown): string => {
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
      return JSON.stringify(shown);
    }
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `a bigint (${value}n)`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      try {
        return Array.isArray(value) ? 'an array' : 'an object';
      } catch {
        return 'a revoked proxy'; // the only value `Array.isArray` throws on
      }
  }
};

/**
 * @internal What a thrown value says: an error's message, or the value as text. Never throws
 * itself, whatever was thrown (a hostile getter may throw a proxy, or an object without a string form).
 */
export const causeText = (cause: unknown): string => {
  try {
    return cause instanceof Error ? String(cause.message) : String(cause);
  } catch {
    return `${describe(cause)} that cannot be shown`;
  }
};

/**
 * Where a value sits in a document, built lazily: a path string, or a parent and a key that are
 * only joined into a string when a problem is reported there. Decoding valid input never joins.
 */
export type Path = string | PathStep;
export interface PathStep {
  readonly parent: Path;
  readonly key: string | number;
}

const resolve = (path: Path): string => (typeof path === 'string' ? path : joinPath(resolve(path.parent), path.key));

/** The path of a value given its parent's path and its key (`undefined` for the parent itself). */
export const pathAt = (parent: Path, key: string | number | undefined): string =>
  key === undefined ? resolve(parent) : joinPath(resolve(parent), key);

/** The path of a value as a lazy step, for passing to the readers of its children. */
export const stepInto = (parent: Path, key: string | number | undefined): Path => (key === undefined ? parent : { parent, key });
