import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository's root folder. */
export const ROOT = resolve(import.meta.dirname, '..');

/** tsx's loader by absolute URL (`node --import <it> file.ts`), so TypeScript runs from any working directory. */
export const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/**
 * `npm start`'s Node arguments, read from package.json (`node <flags> dist/index.js`), with the
 * entry made absolute: tests and the bench run the bot exactly as users do, from any folder.
 */
export function npmStartNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [program, ...args] = (pkg.scripts.start ?? '').trim().split(/\s+/);
  const entry = args.pop();
  if (program !== 'node' || entry === undefined) throw new Error(`npm start is "${pkg.scripts.start}", not "node <flags> <entry>": update tests/npm-start.ts`);
  return [...args, join(ROOT, entry)];
}

/** What `npm start` does first (its prestart, `npm run build`): src/ into dist/. Throws with esbuild's output when it fails. */
export function buildBot(): void {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0 || build.stderr !== '') throw new Error(`npm run build failed (exit ${build.status}):\n${build.stderr}${build.stdout}`);
}
