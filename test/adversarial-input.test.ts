import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isBlank } from '../src/cli/validate/scanner.js';
import { decodeListConversationsResponse, encodeCreateConversationRequest } from '../src/dialogflow/index.js';
import { decodeConversation, decodePushDelivery, parseConversation } from '../src/index.js';
import { decodeNotification } from '../src/notifications/index.js';
import { DurationCodec, fromValidationErrors, Int32Codec, TimestampCodec } from '../src/wire/index.js';
import { ROOT } from './cli-helpers.js';
import { left } from './helpers.js';

// Every regular expression applied to input must run in linear time, and every hand-written scanner
// too. Inputs here are a megabyte long: a backtracking pattern or a quadratic loop would not finish
// before the test's timeout, so finishing is the proof; the answers are checked as well.

const MB = 1_000_000;

/** Every regular expression in the library's source: literals and `RegExp` constructions. */
const regularExpressionsIn = (dir: string): string[] => {
  const found: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (full.endsWith('.ts')) {
        const source = ts.createSourceFile(full, readFileSync(full, 'utf8'), ts.ScriptTarget.Latest, true);
        const visit = (node: ts.Node): void => {
          if (ts.isRegularExpressionLiteral(node)) found.push(`${relative(ROOT, full)}: ${node.text}`);
          if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && node.expression.getText(source) === 'RegExp') {
            found.push(`${relative(ROOT, full)}: new RegExp(${node.arguments?.map((a) => a.getText(source)).join(', ')})`);
          }
          ts.forEachChild(node, visit);
        };
        visit(source);
      }
    }
  };
  walk(dir);
  return found;
};

/** Strings that make a backtracking pattern slow: long runs of what it matches, then what it does not. */
const attacks = (pattern: RegExp): string[] => {
  const characters = [...new Set(pattern.source.replace(/\\./g, '').split(''))].filter((c) => c.trim() !== '');
  const runs = ['a', '1', ' ', '\n', '.', '-', ...characters];
  return runs.flatMap((c) => [`${c.repeat(200_000)}\u0000`, `${c.repeat(100_000)}\r\n${c.repeat(100_000)}!`]);
};

describe('no regular expression on input backtracks', () => {
  // Where the input goes through a pattern: the CLI's blank-line check, its escaping of control
  // characters, its option values, io-ts paths, diagram labels (the machine's own names), error paths. Every other check
  // on input is a hand-written scanner (below).
  const ALLOWED = [
    "src/cli/args.ts: /'(-[^']*)'/",
    'src/cli/args.ts: /\\.$/',
    'src/cli/args.ts: /^\\d+$/',
    'src/cli/escape.ts: /[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069\\ud800-\\udfff]/',
    'src/cli/escape.ts: /[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069\\ud800-\\udfff]/g',
    'src/cli/validate/scanner.ts: /^[ \\t\\r\\n]*$/',
    'src/conversation/snapshot.ts: /[.[]/',
    'src/machine/dot.ts: /"/g',
    'src/machine/dot.ts: /\\\\/g',
    'src/machine/dot.ts: /\\n/g',
    'src/machine/mermaid.ts: /[^A-Za-z0-9_]/g',
    'src/wire/decode-error.ts: /^\\d+$/',
  ];

  it('the library has only these: one character class or a literal each, nothing nested', () => {
    expect([...regularExpressionsIn(join(ROOT, 'src')), ...regularExpressionsIn(join(ROOT, 'machines'))].sort()).toEqual(ALLOWED);
  });

  it.each(ALLOWED)('%s answers at once on a few hundred thousand near-matches', (entry) => {
    const literal = entry.slice(entry.indexOf(': ') + 2);
    const pattern = new RegExp(literal.slice(1, literal.lastIndexOf('/')), literal.slice(literal.lastIndexOf('/') + 1));
    for (const attack of attacks(pattern)) {
      pattern.lastIndex = 0;
      expect(typeof pattern.test(attack)).toBe('boolean');
      expect(typeof attack.replace(pattern, '')).toBe('string');
    }
  });

  it('… and in place: the blank-line check and the paths of io-ts errors', () => {
    expect(isBlank(`${' '.repeat(MB)}x`)).toBe(false);
    expect(isBlank(' \t'.repeat(MB / 2))).toBe(true);
    const deep = fromValidationErrors([
      {
        value: 1,
        context: [
          { key: '', type: Int32Codec, actual: [1] },
          { key: `${'1'.repeat(MB)}x`, type: Int32Codec, actual: 1 },
        ],
      },
    ]);
    expect(deep.errors).toHaveLength(1);
  });
});

describe('the scanners that replace them are linear on hostile input', () => {
  it('base64: the near-valid string that took seconds, and a megabyte of it', () => {
    // The case: an Any of an Any (whose JSON packs the inner one under `value`).
    const status = (value: unknown) => ({
      conversation: 'projects/p/conversations/c',
      type: 'UNRECOVERABLE_ERROR',
      errorStatus: { code: 9, details: [{ '@type': 'type.googleapis.com/google.protobuf.Any', value }] },
    });
    expect(left(decodeNotification(status(`${'A'.repeat(28)}!`))).errors[0]?.path).toBe('errorStatus.details[0].value');
    // A bytes field: telephonyConnectionInfo.extraMimeContents[].content.
    const conversation = (content: string) => ({
      name: 'projects/p/conversations/c',
      lifecycleState: 'IN_PROGRESS',
      conversationProfile: 'projects/p/conversationProfiles/s',
      startTime: '2026-11-23T10:00:00Z',
      telephonyConnectionInfo: { extraMimeContents: [{ content }] },
    });
    for (const bad of [`${'A'.repeat(28)}!`, `${'A'.repeat(MB)}!`, `${'A'.repeat(MB)}=A`, `${'-_'.repeat(MB / 2)}+/!`]) {
      expect(left(decodeConversation(conversation(bad))).errors[0]?.path).toBe('telephonyConnectionInfo.extraMimeContents[0].content');
    }
    expect(decodeConversation(conversation(`${'A'.repeat(MB)}`))._tag).toBe('Right');
    // Pub/Sub push data.
    const push = (data: string) => ({ message: { data, messageId: '1', publishTime: '2026-11-23T10:00:00Z' } });
    expect(left(decodePushDelivery(push(`${'A'.repeat(MB)}!`))).errors[0]?.path).toBe('message.data');
    expect(left(decodePushDelivery(push(btoa(`${' '.repeat(MB)}x`)))).errors).toHaveLength(1);
  });

  it('numbers: a megabyte of digits, of zeros, of exponent', () => {
    for (const text of [`${'1'.repeat(MB)}x`, `0${'0'.repeat(MB)}`, `1.${'0'.repeat(MB)}1`, `1e${'9'.repeat(MB)}`, `-${'9'.repeat(MB)}`]) {
      expect(Int32Codec.decode(text)._tag).toBe('Left');
    }
    expect(Int32Codec.decode(`1.${'0'.repeat(MB)}`)._tag).toBe('Right');
    expect(Int32Codec.decode(`1e-${'0'.repeat(MB)}`)._tag).toBe('Right');
    const phone = (countryCode: string) =>
      decodeConversation({
        name: 'projects/p/conversations/c',
        lifecycleState: 'IN_PROGRESS',
        conversationProfile: 'projects/p/conversationProfiles/s',
        startTime: '2026-11-23T10:00:00Z',
        phoneNumber: { countryCode },
      });
    expect(left(phone(`${'0'.repeat(MB)}1`)).errors[0]?.path).toBe('phoneNumber.countryCode');
  });

  it('times and durations: a megabyte of fraction, of digits', () => {
    for (const text of [`2026-11-23T10:00:00.${'1'.repeat(MB)}Z`, `2026-11-23T10:00:00${'+'.repeat(MB)}`, '9'.repeat(MB)]) {
      expect(TimestampCodec.decode(text)._tag).toBe('Left');
    }
    for (const text of [`${'1'.repeat(MB)}s`, `1.${'1'.repeat(MB)}s`, `-${'-'.repeat(MB)}1s`])
      expect(DurationCodec.decode(text)._tag).toBe('Left');
    expect(DurationCodec.decode('315576000000.999999999s')._tag).toBe('Right');
  });

  it('resource names, parents, conversation IDs and pages: a megabyte of segments', () => {
    const long = `projects/p/${'locations/l/'.repeat(MB / 12)}conversations/c`;
    expect(left(parseConversation(JSON.stringify({ name: long }))).errors[0]?.path).toBe('name');
    expect(
      left(decodeConversation({ conversationProfile: `projects/${'a'.repeat(MB)}/conversationProfiles/${'b/'.repeat(10)}` })).errors.map(
        (e) => e.path,
      ),
    ).toContain('conversationProfile');
    const request = encodeCreateConversationRequest({
      parent: `projects/${'p/'.repeat(MB / 2)}`,
      conversation: { conversationProfile: 'projects/p/conversationProfiles/s' },
      conversationId: `a${'-'.repeat(MB)}!`,
    });
    expect(left(request).errors.map((e) => e.path)).toEqual(['parent', 'conversationId', 'conversationId']);
    const page = decodeListConversationsResponse({ conversations: [{ name: `projects/${':'.repeat(MB)}/conversations/` }] });
    expect(page._tag === 'Right' && page.right.invalid[0]?.error.errors[0]?.path).toBe('conversations[0].name');
  });
});
