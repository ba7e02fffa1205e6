/**
 * Hostile values for the no-throw suites (test/no-throw*.test.ts): proxies whose traps throw,
 * revoked proxies, getters that throw, deep and cyclic values, and the odd primitives.
 */
import { types } from 'node:util';

const everyTrap = (what: string): ProxyHandler<object> => {
  const fail = (trap: string) => () => {
    throw new Error(`${what}: ${trap} trap`);
  };
  return {
    get: fail('get'),
    has: fail('has'),
    ownKeys: fail('ownKeys'),
    getOwnPropertyDescriptor: fail('getOwnPropertyDescriptor'),
    getPrototypeOf: fail('getPrototypeOf'),
    isExtensible: fail('isExtensible'),
    apply: fail('apply'),
    construct: fail('construct'),
    set: fail('set'),
    defineProperty: fail('defineProperty'),
    deleteProperty: fail('deleteProperty'),
    setPrototypeOf: fail('setPrototypeOf'),
    preventExtensions: fail('preventExtensions'),
  };
};

const revoked = (target: object): object => {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
};

export const conversationJson = {
  name: 'projects/p/locations/global/conversations/c-1',
  lifecycleState: 'IN_PROGRESS',
  conversationProfile: 'projects/p/locations/global/conversationProfiles/cp-1',
  conversationStage: 'VIRTUAL_AGENT_STAGE',
  startTime: '2026-11-23T10:00:00.123456789Z',
};

/** An object whose own keys are a conversation's but whose every read throws. */
const throwingGetters = (keys: ReadonlyArray<string>): object => {
  const target: Record<string, unknown> = {};
  for (const key of keys) {
    Object.defineProperty(target, key, {
      enumerable: true,
      get() {
        throw new Error(`getter ${key}`);
      },
    });
  }
  return target;
};

const deep = (depth: number, wrap: (inner: unknown) => unknown): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
};

const cyclic = (): object => {
  const o: Record<string, unknown> = { ...conversationJson };
  o.self = o;
  o.list = [o];
  return o;
};

const hostile: ReadonlyArray<readonly [string, () => unknown]> = [
  ['a Proxy whose every trap throws', () => new Proxy({}, everyTrap('object'))],
  ['an array Proxy whose every trap throws', () => new Proxy([], everyTrap('array'))],
  ['a function Proxy whose every trap throws', () => new Proxy(() => undefined, everyTrap('function'))],
  ['a revoked Proxy', () => revoked({})],
  ['a revoked array Proxy', () => revoked([])],
  ['a conversation whose getters throw', () => throwingGetters(Object.keys(conversationJson))],
  [
    'a conversation Proxy whose reads throw',
    () =>
      new Proxy(
        { ...conversationJson },
        {
          get() {
            throw new Error('read');
          },
        },
      ),
  ],
  [
    'a conversation Proxy whose descriptors throw',
    () =>
      new Proxy(
        { ...conversationJson },
        {
          getOwnPropertyDescriptor() {
            throw new Error('descriptor');
          },
        },
      ),
  ],
  [
    'a conversation Proxy whose prototype throws',
    () =>
      new Proxy(
        { ...conversationJson },
        {
          getPrototypeOf() {
            throw new Error('prototype');
          },
        },
      ),
  ],
  ['inherited fields only', () => Object.create(conversationJson)],
  ['a null-prototype conversation', () => Object.assign(Object.create(null), conversationJson)],
  [
    'a throwing toJSON',
    () => ({
      ...conversationJson,
      toJSON() {
        throw new Error('toJSON');
      },
    }),
  ],
  [
    'a throwing toString and toPrimitive',
    () => ({
      toString() {
        throw new Error('toString');
      },
      valueOf() {
        throw new Error('valueOf');
      },
      [Symbol.toPrimitive]() {
        throw new Error('toPrimitive');
      },
    }),
  ],
  ['an object nested 100,000 deep', () => deep(100_000, (inner) => ({ ...conversationJson, nested: inner }))],
  ['an array nested 100,000 deep', () => deep(100_000, (inner) => [inner])],
  ['a JSON text nested 100,000 deep', () => `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ['a cyclic conversation', cyclic],
  [
    'a sparse array',
    () => {
      const a: unknown[] = [];
      a[2] = 1;
      return a;
    },
  ],
  ['a bigint', () => 10n],
  ['a symbol', () => Symbol('s')],
  ['a function', () => () => conversationJson],
  ['NaN', () => Number.NaN],
  ['-0', () => -0],
  ['Infinity', () => Number.POSITIVE_INFINITY],
  ['a lone surrogate', () => '\uD800'],
  ['a string of a megabyte', () => 'a'.repeat(1 << 20)],
  ['a Uint8Array of garbage', () => new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x08, 0x12])],
  ['a Date', () => new Date(Number.NaN)],
  ['a Map', () => new Map([['name', conversationJson.name]])],
  ['a Promise', () => Promise.resolve(conversationJson)],
  ['undefined', () => undefined],
  ['null', () => null],
];

/** Each hostile value made once: what is given must not be changed (nor frozen), so it can be shared. */
export const hostileValues = hostile.map(([what, make]) => {
  const value = make();
  return [what, () => value] as const;
});

/** Runs a call and says how it threw or rejected, or undefined when it did not. */
export const thrown = async (run: () => unknown): Promise<string | undefined> => {
  try {
    const result = run();
    // Not `instanceof`: that reads a Proxy's prototype, and a function may return what it was given.
    if (types.isPromise(result)) await result;
    return undefined;
  } catch (cause) {
    return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  }
};
