/**
 * The attachment streams in Chromium (bundled with esbuild like the vector check, served from 127.0.0.1): Blob byte
 * streams read by BYOB, the uploader's piece reader, default and BYOB readers, a truncation refused, and the
 * secretstream fast path byte for byte against libsodium-wrappers. Self-contained: needs nothing from the app.
 */
import { fileURLToPath } from 'node:url';

import { expect, test } from '@playwright/test';

import { bundleForBrowser, serveDirectory, type ServedBundle } from '../../bench/crypto/browser-harness';

let served: ServedBundle;

test.beforeAll(async () => {
  served = await serveDirectory(await bundleForBrowser(fileURLToPath(new URL('./streams-page.ts', import.meta.url))));
});

test.afterAll(async () => {
  await served?.close();
});

test('attachment streams round-trip in Chromium through BYOB and default readers, and refuse truncation', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(served.url);
  await page.waitForFunction(() => window.__qorgauStreams !== undefined, undefined, { timeout: 80_000 });
  const results = (await page.evaluate(() => window.__qorgauStreams))!;
  expect(results.map((r) => r.name)).toHaveLength(4);
  expect(results.filter((r) => !r.ok)).toEqual([]);
});
