import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { protos } from '@google-cloud/dialogflow';
import * as esbuild from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { type ChecksInput, type Library, runChecks } from './browser/checks.js';
import { ROOT } from './cli-helpers.js';

/**
 * The library in a browser: the root, `/machine`, `/wire` and `/notifications` bundled by esbuild
 * for the browser platform from the built package (its exports, as a user's bundler reads them),
 * then run in headless Chromium (Debian's, which .ci/run installs), and compared with the same
 * calls in Node.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = (process.env.CI ?? '') !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(
    `test/browser.test.ts: no Chromium at ${CHROMIUM}, so the browser half is skipped (apt-get install chromium, or set CHROMIUM_PATH; with CI=true it runs, and fails without Chromium)`,
  );
}

const ENTRIES = ['', '/machine', '/wire', '/notifications'] as const;
// Node's globals, renamed in the bundle to markers: esbuild's define replaces only free references
// (not properties like `util.Buffer`, nor local variables), so a marker in the output is a Node global reached.
const NODE_GLOBALS = ['Buffer', 'process', 'setImmediate', 'clearImmediate', '__dirname', '__filename'];
const DEFINE = Object.fromEntries(NODE_GLOBALS.map((name) => [name, `__node_global_${name}__`]));
// Optional peers, loaded on demand (`toSvg` imports @viz-js/viz): a user's bundle leaves them out unless installed.
const EXTERNAL = ['@viz-js/viz', '@statelyai/inspect', '@grpc/grpc-js', '@google-cloud/dialogflow'];

interface Bundle {
  readonly code: string;
  readonly inputs: ReadonlyArray<string>;
}

/** Bundles `source` for the browser, resolving `dialogflow-conversation` through the built package's exports. */
const bundle = async (dir: string, source: string, minify: boolean): Promise<Bundle> => {
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: dir, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify,
    legalComments: 'none',
    metafile: true,
    define: DEFINE,
    external: EXTERNAL,
    // xstate for the page's own createActor: the same copy the package resolves.
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]?.text ?? '', inputs: Object.keys(result.metafile.inputs) };
};

/** Node's globals the bundle reaches: markers left by `define`, and any free `Buffer` or `process.` in the text. */
const nodeGlobalsIn = (code: string): ReadonlyArray<string> => [
  ...[...code.matchAll(/__node_global_(\w+?)__/g)].map((m) => m[1] ?? ''),
  ...[...code.matchAll(/(?<![\w$.])(?:Buffer\b|process\s*\.)/g)].map((m) => m[0]),
];

const base64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64');

const CONVERSATION = 'projects/acme/locations/global/conversations/c-42';
const ConversationEvent = protos.google.cloud.dialogflow.v2.ConversationEvent;
const Type = ConversationEvent.Type;

const push = (data: string, messageId: string, publishTime: string) => ({
  message: { data, messageId, publishTime, attributes: { origin: 'dialogflow' } },
  subscription: 'projects/acme/subscriptions/dialogflow-push',
});

/** Serialized protobuf, made by Google's own client's message types. */
const protoEvent = (event: protos.google.cloud.dialogflow.v2.IConversationEvent): string =>
  base64(ConversationEvent.encode(ConversationEvent.fromObject(event)).finish());

const INPUT: ChecksInput = {
  conversation: JSON.stringify({
    name: CONVERSATION,
    lifecycleState: 'IN_PROGRESS',
    conversationProfile: 'projects/acme/locations/global/conversationProfiles/support',
    startTime: '2026-11-23T10:15:30.123456789+05:30',
    conversationStage: 'VIRTUAL_AGENT_STAGE',
    telephonyConnectionInfo: { dialedNumber: '+16502530000' },
  }),
  pushes: [
    {
      label: 'HUMAN_INTERVENTION_NEEDED as JSON',
      body: push(
        base64(JSON.stringify({ conversation: CONVERSATION, type: 'HUMAN_INTERVENTION_NEEDED' })),
        '101',
        '2026-11-23T05:00:00.5Z',
      ),
    },
    {
      label: 'NEW_MESSAGE as protobuf',
      body: push(
        protoEvent({
          conversation: CONVERSATION,
          type: Type.NEW_MESSAGE,
          newMessagePayload: {
            name: `${CONVERSATION}/messages/m-1`,
            content: 'I want to talk to a person',
            languageCode: 'en-US',
            participantRole: protos.google.cloud.dialogflow.v2.Participant.Role.END_USER,
            createTime: { seconds: 1_795_000_000, nanos: 500_000_000 },
            sentimentAnalysis: { queryTextSentiment: { score: -0.4, magnitude: 0.8 } },
          },
        }),
        '102',
        '2026-11-23T05:00:01Z',
      ),
    },
    {
      label: 'UNRECOVERABLE_ERROR as protobuf',
      body: push(
        protoEvent({ conversation: CONVERSATION, type: Type.UNRECOVERABLE_ERROR, errorStatus: { code: 13, message: 'internal' } }),
        '103',
        '2026-11-23T05:10:00Z',
      ),
    },
    {
      label: 'CONVERSATION_FINISHED as protobuf',
      body: push(protoEvent({ conversation: CONVERSATION, type: Type.CONVERSATION_FINISHED }), '104', '2026-11-23T05:20:00.000000001Z'),
    },
  ],
  protoData: protoEvent({ conversation: CONVERSATION, type: Type.CONVERSATION_STARTED }),
  badPush: push('not base64!', '105', '2026-11-23T05:30:00Z'),
};

/** A folder laid out as a user's project: node_modules/dialogflow-conversation is this repository, built. */
const userProject = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'dialogflow-conversation-browser-'));
  await mkdir(join(dir, 'node_modules'));
  await symlink(ROOT, join(dir, 'node_modules', 'dialogflow-conversation'), 'dir');
  return dir;
};

describe('bundled for the browser (esbuild, platform browser)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await userProject();
  });

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it.each(ENTRIES)(
    'bundles dialogflow-conversation%s with no Node built-in module and no Node global, at a reasonable size',
    async (entry) => {
      const built = await bundle(dir, `export * from 'dialogflow-conversation${entry}';`, true);
      // Paths are relative to this repository: node_modules/ holds the dependencies, the rest is the package's own.
      const ownFiles = built.inputs.filter((i) => !i.includes('node_modules/') && !i.endsWith('entry.ts') && !i.startsWith('('));
      expect(ownFiles.length).toBeGreaterThan(0);
      // Only the core: not the command line, the gateway nor the emulator (nor Node built-ins, which fail the build).
      expect(ownFiles.filter((i) => !/^dist\/(src\/(index\.js|(conversation|notifications|wire|machine)\/)|machines\/)/.test(i))).toEqual(
        [],
      );
      // protobufjs's util.fs, which its own package.json disables for browsers: only loading .proto files reads it.
      expect(built.inputs.filter((i) => i.startsWith('(disabled):'))).toEqual(['(disabled):fs']);
      expect(built.inputs.filter((i) => EXTERNAL.some((name) => i.includes(`node_modules/${name}/`)))).toEqual([]);
      expect(nodeGlobalsIn(built.code)).toEqual([]);
      const bytes = Buffer.byteLength(built.code);
      const gzipped = gzipSync(built.code, { level: 9 }).length;
      console.log(
        `bundle dialogflow-conversation${entry}: ${(bytes / 1024).toFixed(1)} KiB minified, ${(gzipped / 1024).toFixed(1)} KiB gzipped`,
      );
      if (entry === '') {
        // xstate, io-ts, fp-ts, protobufjs's light build and the 40 KB descriptor are most of it.
        expect(bytes).toBeLessThan(400 * 1024);
        expect(gzipped).toBeLessThan(120 * 1024);
      }
    },
  );

  it('fails on a Node built-in module, and finds a Node global reached', async () => {
    await expect(bundle(dir, `import { readFileSync } from 'node:fs'; export const f = readFileSync;`, true)).rejects.toThrow(/node:fs/);
    await expect(bundle(dir, `import { readFileSync } from 'fs'; export const f = readFileSync;`, true)).rejects.toThrow(/"fs"/);
    const globals = await bundle(
      dir,
      `export const a = Buffer.from('x'); export const b = process.env.HOME; export const c = typeof process;`,
      true,
    );
    expect(nodeGlobalsIn(globals.code)).toEqual(['Buffer', 'process', 'process']);
    const properties = await bundle(
      dir,
      'export const a = (globalThis as { Buffer?: unknown }).Buffer; const process = 1; export const b = process;',
      true,
    );
    expect(nodeGlobalsIn(properties.code)).toEqual([]);
  });
});

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('the bundle, run in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`CI is set, but there is no Chromium at ${CHROMIUM}: .ci/run installs Debian's chromium`);
    dir = await userProject();
    const page = await bundle(
      dir,
      `import * as root from 'dialogflow-conversation';
import * as machine from 'dialogflow-conversation/machine';
import * as notifications from 'dialogflow-conversation/notifications';
import * as wire from 'dialogflow-conversation/wire';
import { createActor } from 'xstate';
import { runChecks } from ${JSON.stringify(join(ROOT, 'test/browser/checks.ts'))};
globalThis.runChecks = (input) => runChecks({ root, machine, notifications, wire, createActor }, input);
`,
      false,
    );
    expect(nodeGlobalsIn(page.code)).toEqual([]);
    const html =
      '<!doctype html><meta charset="utf-8"><title>dialogflow-conversation</title><link rel="icon" href="data:,"><script type="module" src="/bundle.js"></script>';
    server = createServer((request, response) => {
      const [type, body] = request.url === '/bundle.js' ? ['text/javascript', page.code] : ['text/html', html];
      response.writeHead(request.url === '/' || request.url === '/bundle.js' ? 200 : 404, { 'content-type': `${type}; charset=utf-8` });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Without the background-networking flags Chromium keeps calling Google's hosts, which this network refuses.
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('decodes JSON and protobuf Pub/Sub pushes, applies them, and runs the machine there as Node does', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(url);
    await page.waitForFunction(() => typeof (globalThis as { runChecks?: unknown }).runChecks === 'function');
    const inBrowser = await page.evaluate(
      (input) => (globalThis as unknown as { runChecks: (input: ChecksInput) => unknown }).runChecks(input),
      INPUT,
    );
    const userAgent = await page.evaluate(() => (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent);
    await page.close();
    expect(problems).toEqual([]);
    expect(userAgent).toMatch(/HeadlessChrome\//);

    const lib: Library = {
      root: await import(pathToFileURL(join(ROOT, 'dist/src/index.js')).href),
      machine: await import(pathToFileURL(join(ROOT, 'dist/src/machine/index.js')).href),
      notifications: await import(pathToFileURL(join(ROOT, 'dist/src/notifications/index.js')).href),
      wire: await import(pathToFileURL(join(ROOT, 'dist/src/wire/index.js')).href),
      createActor,
    };
    const inNode = runChecks(lib, INPUT);
    expect(inBrowser).toEqual(inNode);
    expect(inNode).toMatchObject({
      steps: [
        { label: 'HUMAN_INTERVENTION_NEEDED as JSON', events: ['ConversationHandedOff'], version: 1 },
        {
          label: 'NEW_MESSAGE as protobuf',
          events: [],
          notification: {
            type: 'NEW_MESSAGE',
            newMessagePayload: { createTime: '2026-11-18T11:06:40.500Z', participantRole: 'END_USER' },
          },
        },
        { label: 'UNRECOVERABLE_ERROR as protobuf', events: ['ConversationErrorRecorded'] },
        { label: 'CONVERSATION_FINISHED as protobuf', events: ['ConversationCompleted'] },
      ],
      data: { conversation: CONVERSATION, type: 'CONVERSATION_STARTED' },
      bad: [
        {
          path: 'message.data',
          message: expect.stringMatching(/^expected the message data in base64, got .*: " " at 3 is not a base64 character/),
        },
      ],
      fresh: { value: { lifecycle: 'IN_PROGRESS', stage: 'HUMAN_ASSIST_STAGE' }, status: 'active' },
      timestamp: { _tag: 'Right', right: '2026-11-23T04:45:30.123456789Z' },
      key: 'projects/acme/conversations/c-42',
    });
  });
});
