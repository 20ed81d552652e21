/**
 * Node-side helpers shared by the crypto benchmark and the Chromium vector test: bundle a browser entry point (and
 * with it lib/crypto and libsodium's ESM build) with esbuild, and serve it from a throw-away HTTP server bound to
 * 127.0.0.1 on a random port.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import { chromiumArgs } from '../../playwright.config';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export const CHROMIUM_PATH = process.env.QORGAU_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = chromiumArgs;

export type ServedBundle = { url: string; close: () => Promise<void> };

/** Bundles `entry` (an absolute path) into a temp dir with an index.html that loads it as a module. */
export async function bundleForBrowser(entry: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'qorgau-crypto-'));
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outfile: join(dir, 'bundle.js'),
    alias: { '@': repoRoot },
    // libsodium's loader mentions Node's crypto in a branch that never runs in a browser.
    external: ['crypto'],
    logLevel: 'error',
    legalComments: 'none',
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>qorgau crypto</title></head>' +
      '<body><script type="module" src="/bundle.js"></script></body></html>',
  );
  return dir;
}

/** Serves index.html and bundle.js of `dir` on 127.0.0.1 (random port). `close` also deletes the directory. */
export async function serveDirectory(dir: string): Promise<ServedBundle> {
  const files: Record<string, { type: string; body: Buffer }> = {
    '/': { type: 'text/html; charset=utf-8', body: readFileSync(join(dir, 'index.html')) },
    '/bundle.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(dir, 'bundle.js')) },
  };
  const server = createServer((request, response) => {
    const file = files[(request.url ?? '/').split('?')[0] ?? '/'];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
