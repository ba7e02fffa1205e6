import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds `dist/` once before the tests that run the real executable (`dist/src/cli/bin.js`), pack
 * the package, or render the docs from it.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['-e', "require('node:fs').rmSync('dist',{recursive:true,force:true})"], { cwd: root });
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
}
