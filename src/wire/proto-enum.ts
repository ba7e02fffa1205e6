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
  /** Reads a name or the number of a name this enum has. */
  readonly read: Reader<N>;
  /**
   * Reads a value as an open (proto3) enum field holds it: a name, or any int32, kept as a number
   * when the enum has no name for it (a value newer than this library).
   */
  readonly readOpen: Reader<N | number>;
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
    if (!nameOf.has(number)) nameOf.set(number, name); // the first name of an aliased number
  });
  const expected =
    numbers === undefined
      ? `expected a ${typeName} (${names.join(', ')}, or its number 0 to ${names.length - 1})`
      : `expected a ${typeName} (${names.map((n) => `${n} = ${numberOf[n]}`).join(', ')})`;
  // Return the table's own string, so decoded aggregates share one copy of each name. A scan of a
  // few names beats hashing a string fresh from JSON.parse; longer enums use a map.
  const byName = names.length > 12 ? new Map<string, N>(names.map((n) => [n, n])) : undefined;
  const nameIn = (value: string): N | undefined => {
    if (byName !== undefined) return byName.get(value);
    for (let i = 0; i < names.length; i++) if (names[i] === value) return names[i] as N;
    return undefined;
  };
  // A number, or a quoted one as protobuf's C++, Java and Python parsers take it.
  const numberIn = (value: unknown): number | undefined =>
    typeof value === 'number' ? value : typeof value === 'string' ? wholeNumberOfText(value) : undefined;
  const read = (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): N | Invalid => {
    const named = typeof value === 'string' ? nameIn(value) : undefined;
    if (named !== undefined) return named;
    const number = numberIn(value);
    const numbered = number === undefined ? undefined : nameOf.get(number);
    if (numbered !== undefined) return numbered;
    issues.push({ path: pathAt(parent, key), message: `${expected}, got ${describe(value)}` });
    return INVALID;
  };
  const expectedOpen = `expected a ${typeName} (${names.join(', ')}, or a number)`;
  const readOpen = (value: unknown, issues: IssueSink, parent: Path, key: string | number | undefined): N | number | Invalid => {
    const named = typeof value === 'string' ? nameIn(value) : undefined;
    if (named !== undefined) return named;
    const number = numberIn(value);
    if (number !== undefined && Number.isInteger(number) && number >= -(2 ** 31) && number < 2 ** 31) {
      return nameOf.get(number) ?? (number === 0 ? 0 : number);
    }
    issues.push({ path: pathAt(parent, key), message: `${expectedOpen}, got ${describe(value)}` });
    return INVALID;
  };
  return { typeName, unspecified: names[0], names, numberOf, nameOf, read, readOpen };
};

/**
 * An io-ts codec for a proto enum, or for some of its values (the domain's, without the
 * `*_UNSPECIFIED` default): names or numbers in, names out.
 */
export const protoEnumCodec = <A extends string>(typeName: string, is: (u: unknown) => u is A, read: Reader<A>): t.Type<A, A, unknown> =>
  codecFromReader<A, A>(typeName, is, read, (n) => n);

/**
 * @internal An enum of the descriptor, found on first use: reading one should not load the
 * descriptor before it is needed.
 */
export const lazyEnum = <N extends string>(find: () => ProtoEnum<string>): (() => ProtoEnum<N>) => {
  let table: ProtoEnum<N> | undefined;
  return () => {
    table ??= find() as unknown as ProtoEnum<N>;
    return table;
  };
};
