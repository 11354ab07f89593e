/**
 * `npm run build`: src/**.ts → dist/**.js, one plain ES module per source file (not bundled: node_modules
 * imports stay as written). `npm start` runs this first, then Node on dist/index.js, so the bot runs as
 * plain JavaScript without tsx's loader and its thread (~38 MB of resident memory). Plain .mjs, so building
 * needs no TypeScript loader either.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = new URL('../dist', import.meta.url);

try {
  // Wiped first so a deleted or renamed source file leaves no module behind that could still be imported.
  rmSync(dist, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: ['src/**/*.ts'],
    outbase: 'src',
    outdir: 'dist',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: 'tsconfig.json',
    // Stack traces point at the .ts lines (Node runs with --enable-source-maps); the sources are read from src/.
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
} catch (error) {
  // esbuild has printed its own errors already; anything else is the file system (a dist/ left by another user).
  if (!Array.isArray(error?.errors)) {
    console.error(`Cannot build the bot into ${fileURLToPath(dist)}: ${error instanceof Error ? error.message : error}`);
    console.error("npm start builds it there first: the user that runs the bot must be able to write the bot's folder.");
  }
  process.exit(1);
}
