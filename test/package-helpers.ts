import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { ROOT } from './cli-helpers.js';

export const run = promisify(execFile);

/** npm's semver (a dev dependency, untyped): the few functions the tests use. */
export const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { readonly version: string } | null;
  valid(version: string): string | null;
};
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
export const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

export interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end, whatever its exit status. */
export const outcome = async (
  file: string,
  args: ReadonlyArray<string>,
  options: { cwd: string; input?: string; env?: Readonly<Record<string, string>> },
): Promise<Outcome> => {
  const child = run(file, [...args], {
    cwd: options.cwd,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
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
export const toolBin = async (pkg: string, name: string): Promise<string> => {
  const json = JSON.parse(await readFile(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as {
    bin: string | Record<string, string>;
  };
  return join(ROOT, 'node_modules', pkg, typeof json.bin === 'string' ? json.bin : (json.bin[name] ?? ''));
};

/** Packs the package into `destination` as npm publishes it; the tarball's path. */
export const packTarball = async (destination: string): Promise<string> => {
  // dist/ is built by test/global-setup.ts; --ignore-scripts keeps prepack from rebuilding it under other tests.
  const { stdout } = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], { cwd: ROOT });
  const [info] = JSON.parse(stdout) as Array<{ filename: string }>;
  return join(destination, info?.filename ?? '');
};

/** Makes an empty ESM project in `dir` (a package.json, nothing else). */
export const newProject = async (dir: string): Promise<void> => {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
};

/** The package's subpath exports (`.`, `./machine`, ...), from its package.json: the entry points, not `./package.json`. */
export const subpathExports = async (): Promise<ReadonlyArray<string>> => {
  const json = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  return Object.keys(json.exports).filter((k) => k !== './package.json');
};

/** The import specifier of a subpath export: `dialogflow-conversation` for `.`, `dialogflow-conversation/wire` for `./wire`. */
export const specifierOf = (subpath: string): string =>
  subpath === '.' ? 'dialogflow-conversation' : `dialogflow-conversation${subpath.slice(1)}`;

export interface DeclaredExports {
  /** Names that are values at run time (functions, constants, classes, codecs). */
  readonly values: ReadonlyArray<string>;
  /** Names that are only types. */
  readonly types: ReadonlyArray<string>;
}

/**
 * What each declaration file exports, as TypeScript sees it (re-exports followed), values apart
 * from types; each list sorted. One program for all of them: building one is most of the cost.
 */
export const declaredExports = (declarationFiles: ReadonlyArray<string>): ReadonlyMap<string, DeclaredExports> => {
  const program = ts.createProgram([...declarationFiles], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const result = new Map<string, DeclaredExports>();
  for (const file of declarationFiles) {
    const source = program.getSourceFile(file);
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    const values: string[] = [];
    const types: string[] = [];
    for (const symbol of module === undefined ? [] : checker.getExportsOfModule(module)) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      (target.flags & ts.SymbolFlags.Value ? values : types).push(symbol.getName());
    }
    result.set(file, { values: values.sort(), types: types.sort() });
  }
  return result;
};
