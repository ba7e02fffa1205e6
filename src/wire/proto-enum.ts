import type * as t from 'io-ts';
import { wholeNumberOfText } from './int32.js';
import { describe, type IssueSink, type Path } from './issue.js';
import { codecFromReader, INVALID, type Invalid, pathAt, type Reader } from './reader.js';

/** A proto3 enum as ProtoJSON sees it: value names and numbers, the first being `*_UNSPECIFIED = 0`. */
export interface ProtoEnum<N extends string> {
  readonly typeName: string;
  readonly unspecified: N;
  readonly names: ReadonlyArray<N>;
  readonly numberOf: Readonly<Record<N, number>>;
  /** Name by number. */
  readonly nameOf: ReadonlyMap<number, N>;
  readonly read: Reader<N>;
}

/**
 * Describes a proto3 enum from its names in number order (index = number), or, for an enum with
 * gaps in its numbers, from its names and their numbers.
 */
export const protoEnum = <N extends string>(
  typeName: string,
  names: readonly [N, ...N[]],
  numbers?: Readonly<Record<N, number>>,
): ProtoEnum<N> => {
  const numberOf = {} as Record<N, number>;
  const nameOf = new Map<number, N>();
  names.forEach((name, index) => {
    const number = numbers === undefined ? index : numbers[name];
    numberOf[name] = number;
    nameOf.set(number, name);
  });
  const expected =
    numbers === undefined
      ? `expected a ${typeName} (${names.join(', ')}, or its number 0 to ${names.length - 1})`
      : `expected a ${typeName} (${names.map((n) => `${n} = ${numberOf[n]}`).join(', ')})`;
  const read = (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): N | Invalid => {
    // Return the table's own string, so decoded aggregates share one copy of each name. A scan of a
    // few names beats hashing a string fresh from JSON.parse.
    if (typeof value === 'string') {
      for (let i = 0; i < names.length; i++) if (names[i] === value) return names[i] as N;
    }
    // A number, or a quoted one as protobuf's C++, Java and Python parsers take it.
    const number = typeof value === 'number' ? value : typeof value === 'string' ? wholeNumberOfText(value) : undefined;
    const named = number === undefined ? undefined : nameOf.get(number);
    if (named !== undefined) return named;
    issues.push({ path: pathAt(parent, key), message: `${expected}, got ${describe(value)}` });
    return INVALID;
  };
  return { typeName, unspecified: names[0], names, numberOf, nameOf, read };
};

/**
 * An io-ts codec for a proto enum: decodes names or numbers, encodes names. `is` and `read` narrow
 * it to some of the enum's values (the domain's, without the `*_UNSPECIFIED` default).
 */
export const protoEnumCodec = <N extends string, A extends N = N>(
  e: ProtoEnum<N>,
  is: (u: unknown) => u is A = (u): u is A => typeof u === 'string' && e.names.includes(u as N),
  read: Reader<A> = e.read as Reader<A>,
): t.Type<A, A, unknown> => codecFromReader<A, A>(e.typeName, is, read, (n) => n);
