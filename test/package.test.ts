import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './cli-helpers.js';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end, whatever its exit status. */
const outcome = async (file: string, args: ReadonlyArray<string>, options: { cwd: string; input?: string }): Promise<Outcome> => {
  const child = run(file, [...args], { cwd: options.cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  if (options.input !== undefined) child.child.stdin?.end(options.input);
  else child.child.stdin?.end();
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

/** A dev tool's executable, from its package.json. */
const toolBin = async (pkg: string, name: string): Promise<string> => {
  const json = JSON.parse(await readFile(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as {
    bin: string | Record<string, string>;
  };
  return join(ROOT, 'node_modules', pkg, typeof json.bin === 'string' ? json.bin : (json.bin[name] ?? ''));
};

describe('the package, packed as npm publishes it', () => {
  let work: string;
  let tarball: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'dialogflow-conversation-pack-'));
    // dist/ is built by test/global-setup.ts; --ignore-scripts keeps prepack from rebuilding it under other tests.
    const { stdout } = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT });
    const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(work, info?.filename ?? '');
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
    expect(files.filter((f) => /^(test|docs|\.ci)\//.test(f) || f.endsWith('.tgz'))).toEqual([]);
    const bin = await readFile(join(ROOT, 'dist/src/cli/bin.js'), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('is clean under publint (strict)', async () => {
    const result = await outcome(process.execPath, [await toolBin('publint', 'publint'), 'run', tarball, '--strict'], { cwd: ROOT });
    expect(result.stdout + result.stderr).not.toMatch(/warning|error|suggestion/i);
    expect(result.code).toBe(0);
  });

  it('is clean under Are the Types Wrong (ESM-only profile: no require() entry, by design)', async () => {
    const result = await outcome(
      process.execPath,
      [await toolBin('@arethetypeswrong/cli', 'attw'), tarball, '--profile', 'esm-only', '--format', 'ascii'],
      {
        cwd: ROOT,
      },
    );
    expect(result.stdout).toContain('node16 (from ESM): 🟢 (ESM)');
    expect(result.stdout).toContain('bundler: 🟢');
    expect(result.stdout).not.toContain('❌');
    expect(result.code).toBe(0);
  });

  describe('installed in a new project', () => {
    let project: string;

    beforeAll(async () => {
      project = join(work, 'consumer');
      await run(process.execPath, ['-e', `require('node:fs').mkdirSync(${JSON.stringify(project)})`]);
      await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
      // Its dependencies (xstate, io-ts, fp-ts) come from the npm cache or the registry; the optional peers are not installed.
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
        `import { openStore, pushAuthenticator } from 'dialogflow-conversation/postgres';
const store = await openStore();
const server = await openStore({ database: 'postgres://127.0.0.1:1/none' });
const auth = await pushAuthenticator({ audience: 'a', serviceAccount: 'p@x.iam.gserviceaccount.com' });
console.log([store, server, auth].map((e) => e._tag + ' ' + e.left.kind + ': ' + e.left.message).join('\\n'));
`,
      );
      const result = await outcome(process.execPath, ['store.mjs'], { cwd: project });
      expect(result.stderr).toBe('');
      expect(result.stdout.trim().split('\n')).toEqual([
        'Left missing-package: an embedded database needs the optional package @electric-sql/pglite: run npm install @electric-sql/pglite',
        'Left missing-package: a PostgreSQL server needs the optional package pg: run npm install pg',
        'Left missing-package: push authentication needs the optional package jose: run npm install jose',
      ]);
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
        }),
      );
      const result = await outcome(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: project });
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
const error = await startEmulator().catch((e) => e);
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
