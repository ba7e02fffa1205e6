import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli-helpers.js';
import {
  declaredExports,
  NPM,
  newProject,
  outcome,
  packTarball,
  run,
  semver,
  specifierOf,
  subpathExports,
  TSC,
  toolBin,
} from './package-helpers.js';

/**
 * The root entry point's public surface, every name of it: what a user may depend on. A name added
 * or removed here is a change to the package's API (say so in CHANGELOG.md).
 */
const ROOT_VALUES = [
  'ConversationCodec',
  'applyNotification',
  'complete',
  'conversationKey',
  'createConversation',
  'decide',
  'decodeConversation',
  'decodeNotificationData',
  'decodePulledMessage',
  'decodePushDelivery',
  'encodeConversation',
  'evolve',
  'fromMachineSnapshot',
  'fromPersistedSnapshot',
  'handOff',
  'observe',
  'parseConversation',
  'sameConversation',
  'stringifyConversation',
  'stringifyPersistedSnapshot',
  'toMachineSnapshot',
  'toPersistedSnapshot',
];
const ROOT_TYPES = [
  'Conversation',
  'ConversationChange',
  'ConversationCommand',
  'ConversationCompleted',
  'ConversationCreated',
  'ConversationDataObserved',
  'ConversationDomainEvent',
  'ConversationError',
  'ConversationErrorRecorded',
  'ConversationEventNotification',
  'ConversationHandedOff',
  'ConversationJson',
  'ConversationKey',
  'ConversationMissing',
  'ConversationName',
  'ConversationPhoneNumber',
  'ConversationProfileName',
  'ConversationSnapshot',
  'ConversationStage',
  'CreateConversationInput',
  'DecodeError',
  'DecodeIssue',
  'DecodeOptions',
  'IllegalCommand',
  'InvalidArgument',
  'JsonObject',
  'JsonValue',
  'LifecycleState',
  'Notification',
  'NotificationDataOptions',
  'NotificationType',
  'PersistedConversation',
  'PubSubDelivery',
  'PulledMessage',
  'RegressedField',
  'Regression',
  'SuggestionNotification',
  'Timestamp',
  'UnrecoverableError',
  'VirtualAgentUnavailable',
  'WrongConversation',
];
/** Internals that must never reach the root, whatever else changes (the brand interfaces are found in the sources). */
const ROOT_INTERNALS = [
  'ruleFor',
  'makeConversation',
  'run',
  'answer',
  'decideNotification',
  'readNotification',
  'SNAPSHOT_SCHEMA_VERSION',
];

/** The `interface XBrand` names declared anywhere in src/ and machines/: io-ts brands, never exported from the root. */
const brandInterfaces = async (): Promise<ReadonlyArray<string>> => {
  const names = new Set<string>();
  for (const folder of ['src', 'machines']) {
    const entries = await readdir(join(ROOT, folder), { recursive: true });
    for (const entry of entries) {
      if (!entry.endsWith('.ts')) continue;
      const text = await readFile(join(ROOT, folder, entry), 'utf8');
      for (const m of text.matchAll(/\binterface\s+(\w+Brand)\b/g)) names.add(m[1] ?? '');
    }
  }
  return [...names].sort();
};

/** The built JavaScript and declaration file of a subpath export, from package.json. */
const builtFiles = async (subpath: string): Promise<{ js: string; dts: string }> => {
  const json = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, { types: string; default: string }>;
  };
  const entry = json.exports[subpath];
  return { js: join(ROOT, entry?.default ?? ''), dts: join(ROOT, entry?.types ?? '') };
};

interface Manifest {
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly repository?: { type?: string; url?: string };
  readonly homepage?: string;
  readonly bugs?: { url?: string };
  readonly files?: ReadonlyArray<string>;
}

describe('the package, packed as npm publishes it', () => {
  let work: string;
  let tarball: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dialogflow-conversation-pack-'));
    tarball = await packTarball(work);
  }, 120_000);

  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('holds the build, the sources its declaration maps point to, and nothing else', async () => {
    const { stdout } = await run(NPM, ['pack', '--ignore-scripts', '--dry-run', '--json'], { cwd: ROOT });
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((f) => f.path) ?? [];
    expect(files).toContain('dist/src/index.js');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain('dist/src/cli/bin.js');
    expect(files).toContain('dist/machines/conversation.machine.js');
    expect(files).toContain('src/index.ts');
    expect(files).toContain('README.md');
    expect(files).toContain('LICENSE');
    expect(files).toContain('CHANGELOG.md');
    expect(files.filter((f) => /^(test|docs|\.ci)\//.test(f) || f.endsWith('.tgz'))).toEqual([]);
    const bin = await readFile(join(ROOT, 'dist/src/cli/bin.js'), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('is clean under publint (strict)', async () => {
    const result = await outcome(process.execPath, [await toolBin('publint', 'publint'), 'run', tarball, '--strict'], { cwd: ROOT });
    expect(result.stdout + result.stderr).not.toMatch(/warning|error|suggestion/i);
    expect(result.code).toBe(0);
  });

  it('is clean under Are the Types Wrong (ESM-only profile: no require() entry, by design), every subpath export with its types', async () => {
    const result = await outcome(
      process.execPath,
      [await toolBin('@arethetypeswrong/cli', 'attw'), tarball, '--profile', 'esm-only', '--format', 'json'],
      { cwd: ROOT },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { analysis } = JSON.parse(result.stdout) as {
      analysis: {
        entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string; isTypeScript: boolean } }> }>;
        problems: Array<{ kind: string; entrypoint: string; resolutionKind: string }>;
      };
    };
    // The profile ignores node10 and node16-cjs: a CommonJS require() of an ESM-only package.
    expect(analysis.problems.filter((p) => p.resolutionKind !== 'node10' && p.resolutionKind !== 'node16-cjs')).toEqual([]);
    const subpaths = await subpathExports();
    expect(subpaths).toEqual(
      expect.arrayContaining(['.', './machine', './wire', './notifications', './google', './dialogflow', './emulator']),
    );
    for (const subpath of subpaths) {
      const { dts } = await builtFiles(subpath);
      for (const kind of ['node16-esm', 'bundler']) {
        const resolution = analysis.entrypoints[subpath]?.resolutions[kind]?.resolution;
        expect({ subpath, kind, fileName: resolution?.fileName, isTypeScript: resolution?.isTypeScript }).toEqual({
          subpath,
          kind,
          fileName: `/node_modules/dialogflow-conversation/${dts.slice(ROOT.length).replace(/^\//, '')}`,
          isTypeScript: true,
        });
      }
    }
  });

  it('declares xstate, fp-ts and io-ts as peers (required: the core runs on them), protobufjs as its one dependency', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Manifest;
    expect(manifest.dependencies).toEqual({ protobufjs: expect.stringMatching(/^7\./) });
    const peers = manifest.peerDependencies ?? {};
    const optional = Object.entries(manifest.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta.optional === true)
      .map(([name]) => name)
      .sort();
    // Optional: what only a command or a subpath loads, when it starts. Required: what every entry point runs on.
    expect(optional).toEqual(expect.arrayContaining(['@google-cloud/dialogflow', '@grpc/grpc-js', '@statelyai/inspect', '@viz-js/viz']));
    expect(
      Object.keys(peers)
        .filter((name) => !optional.includes(name))
        .sort(),
    ).toEqual(['fp-ts', 'io-ts', 'xstate']);
    const dev = manifest.devDependencies ?? {};
    for (const name of ['xstate', 'fp-ts', 'io-ts']) {
      const range = peers[name] ?? '';
      // The repository's own tests run on an exact version in the range; the lowest version the range allows is
      // there too, under an alias, for test/peer-versions.test.ts.
      expect(semver.valid(dev[name] ?? ''), `${name} pinned`).toBe(dev[name]);
      expect(semver.satisfies(dev[name] ?? '', range), `${name} ${dev[name]} in ${range}`).toBe(true);
      const lowest = /^npm:[\w-]+@(\d+\.\d+\.\d+)$/.exec(dev[`${name}-lowest`] ?? '')?.[1];
      expect(lowest, `${name}-lowest: the lowest version ${range} allows`).toBe(semver.minVersion(range)?.version);
    }
    expect(manifest.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/.+\.git$/) });
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.bugs?.url).toMatch(/^https:\/\/.+\/issues$/);
  });

  it('exports from its root exactly its public surface: no internals, no brand interfaces', async () => {
    const { js, dts } = await builtFiles('.');
    const declared = declaredExports([dts]).get(dts) ?? { values: [], types: [] };
    expect(declared.values).toEqual([...ROOT_VALUES].sort());
    expect(declared.types).toEqual([...ROOT_TYPES].sort());
    const loaded = Object.keys(await import(pathToFileURL(js).href)).sort();
    expect(loaded).toEqual([...ROOT_VALUES].sort());
    const internals = [...ROOT_INTERNALS, ...(await brandInterfaces())];
    expect(internals).toEqual(expect.arrayContaining(['ConversationNameBrand', 'ConversationKeyBrand', 'TimestampBrand']));
    expect([...declared.values, ...declared.types].filter((name) => internals.includes(name))).toEqual([]);
  });

  it('declares, for every subpath export, exactly the values its JavaScript exports', async () => {
    const built = await Promise.all((await subpathExports()).map(async (subpath) => ({ subpath, ...(await builtFiles(subpath)) })));
    const declared = declaredExports(built.map((b) => b.dts));
    for (const { subpath, js, dts } of built) {
      const loaded = Object.keys(await import(pathToFileURL(js).href)).sort();
      expect({ subpath, values: declared.get(dts)?.values }).toEqual({ subpath, values: loaded });
    }
  });

  describe('installed in a new project', () => {
    let project: string;

    beforeAll(async () => {
      project = join(work, 'consumer');
      await newProject(project);
      // npm installs the required peers (xstate, io-ts, fp-ts) itself, and protobufjs, from the npm cache or the registry;
      // the optional peers are not installed.
      await run(NPM, ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project });
    }, 300_000);

    it('imports by its public name, decodes, runs commands', async () => {
      await writeFile(
        join(project, 'use.mjs'),
        `import { parseConversation, stringifyConversation, handOff } from 'dialogflow-conversation';
import { conversationMachine } from 'dialogflow-conversation/machine';
const decoded = parseConversation('{"name":"projects/p/conversations/c","lifecycle_state":1,"conversationProfile":"projects/p/conversationProfiles/s","startTime":"2026-11-23T10:00:00+01:00","conversationStage":"VIRTUAL_AGENT_STAGE"}');
if (decoded._tag !== 'Right') throw new Error(decoded.left.message);
const handed = handOff(decoded.right);
if (handed._tag !== 'Right') throw new Error(handed.left.message);
console.log(stringifyConversation(handed.right.conversation), handed.right.events[0].type, conversationMachine.id);
`,
      );
      const result = await outcome(process.execPath, ['use.mjs'], { cwd: project });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe(
        '{"name":"projects/p/conversations/c","lifecycleState":"IN_PROGRESS","conversationProfile":"projects/p/conversationProfiles/s",' +
          '"startTime":"2026-11-23T09:00:00Z","conversationStage":"HUMAN_ASSIST_STAGE"} ConversationHandedOff conversation',
      );
    });

    it('imports dialogflow-conversation/postgres without its optional peers, and says which one a store needs', async () => {
      await writeFile(
        join(project, 'store.mjs'),
        `import { fetchConversationThrough, googleFetchConversation, openStore, pushAuthenticator } from 'dialogflow-conversation/postgres';
import { openDialogflowGateway } from 'dialogflow-conversation/dialogflow';
const store = await openStore();
const server = await openStore({ database: 'postgres://127.0.0.1:1/none' });
const auth = await pushAuthenticator({ audience: 'a', serviceAccount: 'p@x.iam.gserviceaccount.com' });
const google = await googleFetchConversation();
const gateway = await openDialogflowGateway();
console.log([store, server, auth, google, gateway].map((e) => e._tag + ' ' + e.left.kind + ': ' + e.left.message).join('\\n'));
// Your own GetConversation needs none of them.
const yours = fetchConversationThrough({ get: async () => ({ _tag: 'Right', right: { found: false } }) });
console.log(JSON.stringify(await yours('projects/p/conversations/c')));
`,
      );
      const result = await outcome(process.execPath, ['store.mjs'], { cwd: project });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim().split('\n')).toEqual([
        'Left missing-package: an embedded database needs the optional package @electric-sql/pglite: run npm install @electric-sql/pglite',
        'Left missing-package: a PostgreSQL server needs the optional package pg: run npm install pg',
        'Left missing-package: push authentication needs the optional package jose: run npm install jose',
        'Left missing-package: GetConversation needs the optional package @google-cloud/dialogflow: run npm install @google-cloud/dialogflow',
        'Left missing-package: the Dialogflow gateway needs the optional package @google-cloud/dialogflow: run npm install @google-cloud/dialogflow',
        '{"_tag":"Right","right":{"found":false}}',
      ]);
    });

    it('has one copy of each required peer, at the top, where the application shares it', async () => {
      const dependencies = await readdir(join(project, 'node_modules', 'dialogflow-conversation')).catch(() => []);
      expect(dependencies).not.toContain('node_modules');
      for (const name of ['xstate', 'fp-ts', 'io-ts', 'protobufjs']) {
        const json = JSON.parse(await readFile(join(project, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
        expect(json.version).toMatch(/^\d+\.\d+\.\d+$/);
      }
    });

    it('resolves every subpath export by name, with its types (strict, NodeNext), and loads each without the optional peers', async () => {
      const subpaths = await subpathExports();
      const specifiers = subpaths.map(specifierOf);
      await writeFile(
        join(project, 'subpaths.ts'),
        `${specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n')}\nexport const modules: ReadonlyArray<object> = [${specifiers.map((_, i) => `m${i}`).join(', ')}];\n`,
      );
      await writeFile(
        join(project, 'tsconfig.subpaths.json'),
        JSON.stringify({
          // skipLibCheck: the emulator's declarations name @grpc/grpc-js's types, an optional peer not installed here.
          // An untyped entry point would still fail (TS7016), as would one that does not resolve (TS2307).
          compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, skipLibCheck: true, types: [] },
          files: ['subpaths.ts'],
        }),
      );
      const typed = await outcome(process.execPath, [TSC, '-p', 'tsconfig.subpaths.json'], { cwd: project });
      expect(typed.stdout + typed.stderr).toBe('');
      expect(typed.code).toBe(0);
      const loaded = await outcome(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `for (const s of ${JSON.stringify(specifiers)}) console.log(s, Object.keys(await import(s)).sort().join(','));`,
        ],
        { cwd: project },
      );
      expect(loaded.stderr).toBe('');
      const dts = await Promise.all(subpaths.map(async (subpath) => (await builtFiles(subpath)).dts));
      const declared = declaredExports(dts);
      const expected = specifiers.map((specifier, i) => `${specifier} ${declared.get(dts[i] ?? '')?.values.join(',')}`);
      expect(loaded.stdout.trim().split('\n')).toEqual(expected);
    });

    it('type-checks through its public name (strict, NodeNext)', async () => {
      await writeFile(
        join(project, 'use.ts'),
        `import { type Conversation, type DecodeError, decodeConversation } from 'dialogflow-conversation';
import type { Either } from 'fp-ts/lib/Either.js';
const result: Either<DecodeError, Conversation> = decodeConversation({});
export const stage: 'VIRTUAL_AGENT_STAGE' | 'HUMAN_ASSIST_STAGE' | undefined = result._tag === 'Right' ? result.right.conversationStage : undefined;
`,
      );
      await writeFile(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, skipLibCheck: false, types: [] },
          files: ['use.ts'],
        }),
      );
      const result = await outcome(process.execPath, [TSC, '-p', '.'], { cwd: project });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.code).toBe(0);
    });

    it('puts the dialogflow-conversation command on the path', async () => {
      const bin = join(
        project,
        'node_modules',
        '.bin',
        process.platform === 'win32' ? 'dialogflow-conversation.cmd' : 'dialogflow-conversation',
      );
      const valid = await outcome(bin, ['validate'], {
        cwd: project,
        input:
          '{"name":"projects/p/conversations/c","lifecycleState":"COMPLETED","conversationProfile":"projects/p/conversationProfiles/s","startTime":"2026-11-23T10:00:00Z","conversationStage":"HUMAN_ASSIST_STAGE"}\n',
      });
      expect(valid).toMatchObject({ code: 0, stdout: '<stdin>:1: ok projects/p/conversations/c COMPLETED HUMAN_ASSIST_STAGE version=0\n' });
      // A file past the first 64 KiB is checked in worker threads, loaded from the installed package.
      const lines = Array.from(
        { length: 2000 },
        (_, i) =>
          `{"name":"projects/p/conversations/c-${i}","lifecycleState":"COMPLETED","conversationProfile":"projects/p/conversationProfiles/s","startTime":"2026-11-23T10:00:00Z","conversationStage":"HUMAN_ASSIST_STAGE"}\n`,
      );
      await writeFile(join(project, 'many.ndjson'), lines.join(''));
      const threads = { DIALOGFLOW_CONVERSATION_VALIDATE_THREADS: 'workers=1,batch-bytes=4096' };
      expect(await outcome(bin, ['validate', '--quiet', 'many.ndjson'], { cwd: project, env: threads })).toEqual({
        code: 0,
        stdout: '',
        stderr: 'validate: 2000 checked: 2000 valid, 0 invalid\n',
      });
      expect((await outcome(bin, ['--version'], { cwd: project })).stdout).toMatch(/^\d+\.\d+\.\d+/);
      expect((await outcome(bin, ['diagram'], { cwd: project })).stdout).toMatch(/^stateDiagram-v2\n/);
    });

    it('says in one line which optional package a command needs when it is not installed', async () => {
      const bin = join(
        project,
        'node_modules',
        '.bin',
        process.platform === 'win32' ? 'dialogflow-conversation.cmd' : 'dialogflow-conversation',
      );
      expect(await outcome(bin, ['inspect', '--port', '18931'], { cwd: project })).toEqual({
        code: 2,
        stdout: '',
        stderr: 'dialogflow-conversation: inspect needs the optional package @statelyai/inspect: run npm install @statelyai/inspect\n',
      });
      expect(await outcome(bin, ['serve', '--no-auth', '--port', '0'], { cwd: project })).toEqual({
        code: 2,
        stdout: '',
        stderr:
          'dialogflow-conversation: serve: GetConversation needs the optional package @google-cloud/dialogflow: run npm install @google-cloud/dialogflow\n',
      });
      expect(await outcome(bin, ['diagram', '--format', 'svg'], { cwd: project })).toEqual({
        code: 2,
        stdout: '',
        stderr:
          'dialogflow-conversation: diagram --format svg needs the optional package @viz-js/viz: run npm install @viz-js/viz, or use --format mermaid|dot\n',
      });
      expect(await outcome(bin, ['emulate', '--port', '0', '--control-port', '0'], { cwd: project })).toEqual({
        code: 2,
        stdout: '',
        stderr:
          'dialogflow-conversation: emulate needs the optional packages @grpc/grpc-js and @google-cloud/dialogflow: run npm install @grpc/grpc-js @google-cloud/dialogflow\n',
      });
    });

    it('loads the gateway and the emulator without their optional peers: only starting the emulator needs them', async () => {
      await writeFile(
        join(project, 'peers.mjs'),
        `import { dialogflowGateway, clientOptionsFor } from 'dialogflow-conversation/dialogflow';
import { startEmulator } from 'dialogflow-conversation/emulator';
const conversation = { name: 'projects/p/conversations/c', lifecycleState: 'IN_PROGRESS', conversationProfile: 'projects/p/conversationProfiles/s', startTime: { seconds: 1, nanos: 0 }, conversationStage: 'HUMAN_ASSIST_STAGE' };
const gateway = dialogflowGateway({ getConversation: async () => [conversation] });
const got = await gateway.get('projects/p/conversations/c');
const error = (await startEmulator()).left;
console.log(got.right.found, clientOptionsFor('europe-west1').right.apiEndpoint, error.code, error.packageNames.join(' '));
`,
      );
      const result = await outcome(process.execPath, ['peers.mjs'], { cwd: project });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe(
        'true europe-west1-dialogflow.googleapis.com MISSING_PACKAGE @grpc/grpc-js @google-cloud/dialogflow',
      );
    });
  });
});
