/**
 * No public function throws, whatever it is given. Every function and codec exported by the core's
 * entry points is called with hostile values in every argument position (the other arguments
 * plausible ones), and must return (or resolve) rather than throw (or reject).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conversationJson, hostileValues, thrown } from './support/hostile.js';

const entryPoints = {
  'dialogflow-conversation': await import('../src/index.js'),
  '/machine': await import('../src/machine/index.js'),
  '/wire': await import('../src/wire/index.js'),
  '/notifications': await import('../src/notifications/index.js'),
  '/google': await import('../src/google/index.js'),
} as const;

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
