/**
 * The known-answer vectors of lib/crypto, checked in Chromium: the library is bundled with esbuild (libsodium's ESM
 * build, as the app ships it), served from 127.0.0.1, and runs the same checks as lib/crypto/vectors.test.ts.
 * Self-contained: it starts its own server and needs nothing from the app.
 */
import { fileURLToPath } from 'node:url';

import { expect, test, type Page } from '@playwright/test';

import { bundleForBrowser, serveDirectory, type ServedBundle } from '../../bench/crypto/browser-harness';

type PageResult = { ready: boolean; code?: string; results: { name: string; ok: boolean; detail?: string }[] };

let served: ServedBundle;

test.beforeAll(async () => {
  const dir = await bundleForBrowser(fileURLToPath(new URL('./vectors-page.ts', import.meta.url)));
  served = await serveDirectory(dir);
});

test.afterAll(async () => {
  await served?.close();
});

async function pageResult(page: Page): Promise<PageResult> {
  await page.goto(served.url);
  await page.waitForFunction(() => window.__qorgauVectors !== undefined, undefined, { timeout: 50_000 });
  return (await page.evaluate(() => window.__qorgauVectors)) as PageResult;
}

test('every known-answer vector rebuilds and opens in Chromium', async ({ page }) => {
  test.setTimeout(60_000);
  const result = await pageResult(page);
  expect(result.ready).toBe(true);
  expect(result.results.length).toBeGreaterThanOrEqual(30);
  expect(result.results.filter((r) => !r.ok)).toEqual([]);
});

test('without WebAssembly the library refuses to start (fail closed)', async ({ page }) => {
  await page.addInitScript(() => {
    // @ts-expect-error removing the global on purpose, as Tor Browser's Safer level does
    delete globalThis.WebAssembly;
  });
  const result = await pageResult(page);
  expect(result).toMatchObject({ ready: false, code: 'unavailable', results: [] });
});
