import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

/** Every installed package (scoped ones included) whose package.json runs an install script. */
function packagesWithInstallScripts(): string[] {
  const modules = join(root, 'node_modules');
  const dirs = readdirSync(modules).flatMap((name) =>
    name.startsWith('@') ? readdirSync(join(modules, name)).map((sub) => `${name}/${sub}`) : name.startsWith('.') ? [] : [name],
  );
  return dirs.filter((name) => {
    const file = join(modules, name, 'package.json');
    if (!existsSync(file)) return false;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { scripts?: Record<string, string> };
    return INSTALL_SCRIPTS.some((s) => pkg.scripts?.[s]);
  });
}

describe('install scripts (npm 11 allowScripts)', () => {
  it('every dependency with an install script is approved in package.json, so npm builds better-sqlite3 and esbuild without a warning', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
    const withScripts = packagesWithInstallScripts();
    expect(withScripts).toEqual(expect.arrayContaining(['better-sqlite3', 'esbuild']));
    for (const name of withScripts) expect(pkg.allowScripts?.[name], name).toBe(true);
  });
});
