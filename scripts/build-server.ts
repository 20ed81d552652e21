/**
 * Bundles server.ts (the production server: Next.js plus the intake fast path) and the lib/ code it uses into one
 * ES module, .next/qorgau-server.mjs, with esbuild, and beside it the intake writer's thread
 * (.next/qorgau-intake-thread.mjs, lib/reports/intake-thread-main.ts). Part of `npm run build` (after `next build`, which empties .next);
 * the end-to-end server and the benchmarks run it before they start the app, so a plain `npx next build` is enough
 * there too. Packages stay outside the bundle and are loaded from node_modules as Next loads them; `server-only` (a
 * guard for Next's bundler) becomes an empty module. Nothing is compiled at run time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
export const SERVER_BUNDLE = path.join(root, '.next', 'qorgau-server.mjs');

const serverOnly: Plugin = {
  name: 'server-only',
  setup(builder) {
    builder.onResolve({ filter: /^server-only$/ }, () => ({ path: 'server-only', namespace: 'empty' }));
    builder.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * Writes .next/qorgau-server.mjs and .next/qorgau-intake-thread.mjs (or into `outdir`, for tests: inside the project,
 * so that the packages they load are found); resolves with the server's path. The file is replaced whole (written beside it, then
 * renamed), so servers started while another process bundles never load half a file.
 */
export async function buildServer(outdir: string = path.dirname(SERVER_BUNDLE)): Promise<string> {
  const result = await build({
    // The server, and the intake writer's worker thread (lib/reports/intake-thread.ts), which it starts from beside it.
    entryPoints: { 'qorgau-server': path.join(root, 'server.ts'), 'qorgau-intake-thread': path.join(root, 'lib', 'reports', 'intake-thread-main.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: path.join(root, 'tsconfig.json'),
    plugins: [serverOnly],
    // Packages loaded by the bundle are CommonJS as often as not: give the bundle a `require` for them.
    banner: { js: "import { createRequire as qorgauCreateRequire } from 'node:module'; const require = qorgauCreateRequire(import.meta.url);" },
    // A map beside the bundle (not linked from it, never served) for the benchmark's profile summary.
    sourcemap: 'external',
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
  });
  fs.mkdirSync(outdir, { recursive: true });
  // The maps first, then the thread, then the server: nothing is ever newer than what it loads.
  const order = (file: string) => (file.endsWith('.map') ? 0 : file.includes('qorgau-intake-thread') ? 1 : 2);
  for (const file of [...result.outputFiles].sort((a, b) => order(a.path) - order(b.path))) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, file.contents);
    fs.renameSync(temporary, file.path);
  }
  return path.join(outdir, path.basename(SERVER_BUNDLE));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await buildServer();
  process.stdout.write(`› built ${path.relative(root, out)}\n`);
}
