import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli-helpers.js';
import { CHECK_TS, EMULATOR_TS } from './consumer-sources.js';
import { NPM, newProject, outcome, packTarball, run, semver, TSC } from './package-helpers.js';

/**
 * The packed package against the lowest and the newest versions of its required peers that
 * package.json allows. Both come from this repository's node_modules (`npm ci` installed them:
 * the lowest as aliases, `xstate-lowest` and so on; the newest are the versions the repository
 * itself is pinned to), so the test needs no network for them.
 */
const PEERS = ['xstate', 'fp-ts', 'io-ts'] as const;
const SETS = [
  { label: 'lowest', folders: { xstate: 'xstate-lowest', 'fp-ts': 'fp-ts-lowest', 'io-ts': 'io-ts-lowest' } },
  { label: 'newest', folders: { xstate: 'xstate', 'fp-ts': 'fp-ts', 'io-ts': 'io-ts' } },
] as const;

const versionIn = async (folder: string): Promise<string> =>
  (JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as { version: string }).version;

/** What CHECK_TS prints, whatever the peers' versions. */
const EXPECTED = {
  restored: { lifecycle: 'COMPLETED', stage: 'HUMAN_ASSIST_STAGE' },
  version: 2,
  endTime: '2026-11-23T10:20:00Z',
  freshStage: 'VIRTUAL_AGENT_STAGE',
  freshAfter: { lifecycle: 'IN_PROGRESS', stage: 'HUMAN_ASSIST_STAGE' },
  page: 1,
  handed: ['ConversationHandedOff'],
  applied: 'COMPLETED',
  persisted: 'COMPLETED',
  key: 'projects/p/conversations/c',
  mermaid: 'stateDiagram-v2',
  name: true,
  timestamp: true,
  epoch: { _tag: 'Right', right: '1970-01-01T00:00:00Z' },
  notification: true,
  google: true,
  endpoint: { _tag: 'Right', right: { apiEndpoint: 'europe-west1-dialogflow.googleapis.com' } },
  create: {
    _tag: 'Right',
    right: { parent: 'projects/p', body: { conversationProfile: 'projects/p/conversationProfiles/s' }, url: 'v2/projects/p/conversations' },
  },
};

const COMPILER_OPTIONS = {
  strict: true,
  target: 'ES2022',
  // DOM for console and btoa, and no Node types: the declarations need neither.
  lib: ['ES2022', 'DOM'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  noEmitOnError: true,
  outDir: 'out',
  skipLibCheck: false,
  types: [],
};

describe('the packed package with the lowest and the newest peers its ranges allow', () => {
  let work: string;
  const projects = new Map<string, string>();

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dialogflow-conversation-peers-'));
    const tarball = await packTarball(work);
    await Promise.all(
      SETS.map(async ({ label, folders }) => {
        const project = join(work, label);
        await newProject(project);
        // --install-links copies each folder in as npm would a registry package (a symlink would let
        // io-ts find this repository's fp-ts instead of the project's). protobufjs comes from the npm cache.
        await run(
          NPM,
          [
            'install',
            tarball,
            ...PEERS.map((name) => join(ROOT, 'node_modules', folders[name])),
            '--install-links',
            '--prefer-offline',
            '--no-audit',
            '--no-fund',
            '--ignore-scripts',
          ],
          { cwd: project },
        );
        await writeFile(join(project, 'check.ts'), CHECK_TS);
        await writeFile(join(project, 'emulator.ts'), EMULATOR_TS);
        await writeFile(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: COMPILER_OPTIONS, files: ['check.ts'] }));
        await writeFile(
          join(project, 'tsconfig.emulator.json'),
          // skipLibCheck: the emulator's declarations name @grpc/grpc-js's types, an optional peer not installed here.
          JSON.stringify({ compilerOptions: { ...COMPILER_OPTIONS, skipLibCheck: true }, files: ['emulator.ts'] }),
        );
        projects.set(label, project);
      }),
    );
  }, 300_000);

  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  describe.each(SETS)('$label', ({ label, folders }) => {
    it('has the versions asked for, one copy each, in the ranges the package declares', async () => {
      const project = projects.get(label) ?? '';
      for (const name of PEERS) {
        const wanted = await versionIn(join(ROOT, 'node_modules', folders[name]));
        expect({ name, version: await versionIn(join(project, 'node_modules', name)) }).toEqual({ name, version: wanted });
      }
      const packed = JSON.parse(await readFile(join(project, 'node_modules', 'dialogflow-conversation', 'package.json'), 'utf8')) as {
        peerDependencies: Record<string, string>;
      };
      for (const name of PEERS) {
        const version = await versionIn(join(project, 'node_modules', name));
        expect(
          semver.satisfies(version, packed.peerDependencies[name] ?? ''),
          `${name} ${version} in ${packed.peerDependencies[name]}`,
        ).toBe(true);
      }
      expect(await readdir(join(project, 'node_modules', 'dialogflow-conversation'))).not.toContain('node_modules');
      expect(await readdir(join(project, 'node_modules', 'io-ts'))).not.toContain('node_modules');
    });

    it('type-checks createActor(conversationMachine, ...) and every entry point (strict, NodeNext, skipLibCheck false), and runs', async () => {
      const project = projects.get(label) ?? '';
      const typed = await outcome(process.execPath, [TSC, '-p', '.'], { cwd: project });
      expect(typed.stdout + typed.stderr).toBe('');
      expect(typed.code).toBe(0);
      const ran = await outcome(process.execPath, ['out/check.js'], { cwd: project });
      expect(ran.stderr).toBe('');
      expect(JSON.parse(ran.stdout)).toEqual(EXPECTED);
    });

    it('loads the emulator without its optional peers, and starting it names them', async () => {
      const project = projects.get(label) ?? '';
      const typed = await outcome(process.execPath, [TSC, '-p', 'tsconfig.emulator.json'], { cwd: project });
      expect(typed.stdout + typed.stderr).toBe('');
      const ran = await outcome(process.execPath, ['out/emulator.js'], { cwd: project });
      expect(ran.stderr).toBe('');
      expect(JSON.parse(ran.stdout)).toEqual({ missing: ['MISSING_PACKAGE', '@grpc/grpc-js', '@google-cloud/dialogflow'], rpcs: true });
    });
  });
});
