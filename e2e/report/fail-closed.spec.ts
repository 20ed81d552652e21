import { chromium, expect, test } from '@playwright/test';
import { chromiumArgs } from '../../playwright.config';

/**
 * DESIGN.md invariant 6: with WebAssembly switched off (as Tor Browser's "Safer" level does), the
 * reporter pages explain how to fix it in the reporter's language and nothing is ever sent.
 */
test('without WebAssembly the form explains the Tor Browser setting and sends nothing', async ({ baseURL }) => {
  const browser = await chromium.launch({ executablePath: process.env.QORGAU_CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs });
  const page = await browser.newPage({ baseURL });
  // What Tor Browser's "Safer" level does (javascript.options.wasm = false): no WebAssembly object
  // at all, before any of the page's own scripts run.
  await page.addInitScript(() => {
    delete (globalThis as { WebAssembly?: unknown }).WebAssembly;
  });
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.method() !== 'GET') sent.push(`${r.method()} ${r.url()}`);
  });
  await page.goto('/ru/report');
  expect(await page.evaluate(() => typeof WebAssembly)).toBe('undefined');
  const notice = page.getByTestId('crypto-unavailable');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Tor Browser');
  await expect(notice).toContainText('«Стандартный»');

  await page.locator('#narrative').fill('Это не должно уйти на сервер.');
  for (let i = 0; i < 5; i += 1) await page.locator('form button[type=submit]').click();
  await expect(page.getByTestId('send')).toBeDisabled();
  await page.getByTestId('send').click({ force: true });

  await page.goto('/kk/follow-up');
  await expect(page.getByTestId('crypto-unavailable')).toContainText('Стандартты');
  expect(sent).toEqual([]);
  await browser.close();
});

test('when the self-test fails (a browser whose random generator returns zeros) the form explains and sends nothing', async ({ browser }) => {
  const page = await browser.newPage();
  // A broken random generator: libsodium's draws come from crypto.getRandomValues, and the self-test refuses a
  // generator whose draws are zero or repeat. WebAssembly itself works, so only the self-test can stop it.
  await page.addInitScript(() => {
    Object.defineProperty(Crypto.prototype, 'getRandomValues', {
      value: <T extends ArrayBufferView | null>(array: T): T => {
        if (array) new Uint8Array(array.buffer, array.byteOffset, array.byteLength).fill(0);
        return array;
      },
    });
  });
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.method() !== 'GET') sent.push(`${r.method()} ${r.url()}`);
  });
  await page.goto('/en/report');
  expect(await page.evaluate(() => typeof WebAssembly)).toBe('object');
  await expect(page.getByTestId('crypto-unavailable')).toBeVisible({ timeout: 30_000 });
  await page.locator('#narrative').fill('This must not leave the browser.');
  for (let i = 0; i < 5; i += 1) await page.locator('form button[type=submit]').click();
  await expect(page.getByTestId('send')).toBeDisabled();
  await page.getByTestId('send').click({ force: true });
  await page.waitForTimeout(500);
  expect(sent).toEqual([]);
  await page.close();
});
