import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { chromiumArgs } from '../../playwright.config';
import { filesUnder, submitThroughForm } from '../support/reporter';

/**
 * DESIGN.md invariant 4: after filling and sending a report in a real Chromium profile, nothing of
 * it is left: no cookie, Web Storage, IndexedDB, Cache Storage or service worker, and no trace of
 * the narrative or the receipt anywhere in the profile folder (history, session restore, caches).
 */
test('a submission leaves nothing in the browser profile', async ({ baseURL }) => {
  test.setTimeout(120_000);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.QORGAU_CHROMIUM ?? '/usr/bin/chromium',
    args: chromiumArgs,
    baseURL,
    viewport: { width: 360, height: 740 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const canary = `TraceCanary-${Date.now().toString(36)}-Кешті-Тексеру`;
  await page.goto('/kk');
  const receipt = await submitThroughForm(page, { narrative: canary, city: `${canary}-city` });

  const storage = await page.evaluate(async () => ({
    cookie: document.cookie,
    local: localStorage.length,
    session: sessionStorage.length,
    indexedDb: (await indexedDB.databases()).length,
    caches: (await caches.keys()).length,
    workers: (await navigator.serviceWorker.getRegistrations()).length,
  }));
  expect(storage).toEqual({ cookie: '', local: 0, session: 0, indexedDb: 0, caches: 0, workers: 0 });
  expect(await context.cookies()).toEqual([]);

  // Confirm the receipt as the reporter would, then leave.
  await page.locator('#confirm-last').fill(receipt.slice(-4));
  await page.locator('#confirm-last').press('Enter');
  await expect(page.getByTestId('receipt-finished')).toBeVisible();
  await context.close();

  const grouped = receipt.match(/\d{4}/g)!;
  const needles = [canary, receipt, grouped.join(' '), `${grouped[0]} ${grouped[1]} ${grouped[2]}`];
  const hits: string[] = [];
  for (const file of filesUnder(profile)) {
    const bytes = fs.readFileSync(file);
    const texts = [bytes.toString('utf8'), bytes.toString('utf16le'), bytes.toString('latin1')];
    for (const needle of needles) {
      if (texts.some((t) => t.includes(needle) || t.includes(Buffer.from(needle, 'utf8').toString('latin1')))) hits.push(`${path.relative(profile, file)}: ${needle.slice(0, 20)}`);
    }
  }
  fs.rmSync(profile, { recursive: true, force: true });
  expect(hits).toEqual([]);
});
