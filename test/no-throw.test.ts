/**
 * No public function throws, whatever it is given. Every function and codec exported by the core's
 * entry points is called with hostile values in every argument position (the other arguments
 * plausible ones), and must return (or resolve) rather than throw (or reject).
 */
import { readFileSync } from 'node:fs';
import { types } from 'node:util';
import { describe, expect, it } from 'vitest';

const entryPoints = {
  'dialogflow-conversation': await import('../src/index.js'),
  '/machine': await import('../src/machine/index.js'),
  '/wire': await import('../src/wire/index.js'),
  '/notifications': await import('../src/notifications/index.js'),
  '/google': await import('../src/google/index.js'),
} as const;

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

const conversationJson = {
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
const hostileValues = hostile.map(([what, make]) => {
  const value = make();
  return [what, () => value] as const;
});

/** Plausible arguments for the positions a hostile value is not in. */
const plausible = (): ReadonlyArray<readonly [string, () => unknown]> => {
  const root = entryPoints['dialogflow-conversation'];
  const decoded = root.decodeConversation(conversationJson);
  const conversation = decoded._tag === 'Right' ? decoded.right : undefined;
  const push = readFileSync(new URL('./fixtures/real/pubsub-push-sample.json', import.meta.url), 'utf8');
  return [
    ['nothing', () => undefined],
    ['a conversation', () => conversation],
    ['conversation JSON', () => ({ ...conversationJson })],
    ['a push body', () => push],
    ['a timestamp', () => '2026-11-23T10:30:00Z'],
  ];
};

interface Callable {
  readonly label: string;
  readonly call: (args: ReadonlyArray<unknown>) => unknown;
  readonly arity: number;
}

const isClass = (f: (...args: never) => unknown): boolean => /^class[\s{]/.test(Function.prototype.toString.call(f));

const codecMethods = ['decode', 'is', 'encode', 'validate'] as const;

const callables = (): Callable[] => {
  const out: Callable[] = [];
  for (const [entry, exports] of Object.entries(entryPoints)) {
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value === 'function' && !isClass(value)) {
        const f = value as (...args: unknown[]) => unknown;
        out.push({ label: `${entry} ${name}`, call: (args) => f(...args), arity: Math.max(f.length, 2) });
      } else if (typeof value === 'object' && value !== null && 'decode' in value && 'encode' in value) {
        const codec = value as unknown as Record<(typeof codecMethods)[number], (...args: unknown[]) => unknown>;
        for (const method of codecMethods) {
          out.push({
            label: `${entry} ${name}.${method}`,
            call: (args) => (method === 'validate' ? codec.validate(args[0], []) : codec[method](args[0])),
            arity: 1,
          });
        }
      }
    }
  }
  return out;
};

/** Runs a call and says how it threw or rejected, or undefined when it did not. */
const thrown = async (run: () => unknown): Promise<string | undefined> => {
  try {
    const result = run();
    // Not `instanceof`: that reads a Proxy's prototype, and a function may return what it was given.
    if (types.isPromise(result)) await result;
    return undefined;
  } catch (cause) {
    return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  }
};

describe('no public function throws', () => {
  const all = callables();
  const fillers = plausible();

  it('finds the functions and codecs of every entry point', () => {
    const labels = all.map((c) => c.label);
    for (const expected of [
      'dialogflow-conversation decodeConversation',
      'dialogflow-conversation encodeConversation',
      'dialogflow-conversation fromMachineSnapshot',
      'dialogflow-conversation decodeNotificationData',
      'dialogflow-conversation ConversationCodec.encode',
      '/wire timestampFromEpoch',
      '/google toGoogleConversation',
      '/machine toSvg',
    ]) {
      expect(labels).toContain(expected);
    }
    expect(all.length).toBeGreaterThan(60);
  });

  it.each(all.map((c) => [c.label, c] as const))('%s, given hostile values anywhere', async (_, callable) => {
    // Grouped by what was thrown, with the first case of each: one line per distinct failure.
    const failures = new Map<string, string>();
    for (let position = 0; position < callable.arity; position++) {
      for (const [what, make] of hostileValues) {
        for (const [other, fill] of fillers) {
          const args = Array.from({ length: callable.arity }, (_, i) => (i === position ? make() : fill()));
          const how = await thrown(() => callable.call(args));
          if (how !== undefined && !failures.has(how)) failures.set(how, `argument ${position + 1} ${what} (others: ${other})`);
        }
      }
    }
    const lines = [...failures].map(([how, example]) => `${how.slice(0, 200)} <- ${example}`);
    if (lines.length > 0) expect.fail(`${lines.length} ways to throw:\n${lines.join('\n')}`);
  });
});
