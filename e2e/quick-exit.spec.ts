import { expect, test, type Page } from '@playwright/test';
import { serverInfo } from './support/server';

/**
 * DESIGN.md invariant 4 / issue 2 item 8: on every reporter page a button and Escape pressed twice
 * leave at once for a neutral site, replacing the history entry so Back does not return.
 */

const exitUrl = () => serverInfo().env.QORGAU_QUICK_EXIT_URL!;

async function serveNeutralSite(page: Page) {
  // The neutral site is on the internet; the test answers for it so nothing leaves the machine.
  await page.route(`${exitUrl()}**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>neutral</title><p>neutral</p>' }));
}

const reporterPages = ['/ru', '/kk/safety', '/en', '/ru/no-such-page'];

for (const path of reporterPages) {
  test(`${path}: the quick-exit button leaves and Back does not return`, async ({ page, baseURL }) => {
    await serveNeutralSite(page);
    await page.goto(path);
    const button = page.getByTestId('quick-exit');
    await expect(button).toBeVisible();
    await button.click();
    await page.waitForURL(`${exitUrl()}**`);
    await page.goBack().catch(() => undefined);
    expect(page.url().startsWith(baseURL!)).toBe(false);
  });
}

test('Escape pressed twice leaves, even after moving between reporter pages', async ({ page, baseURL }) => {
  await serveNeutralSite(page);
  await page.goto('/ru');
  await page.getByRole('link', { name: 'Как пользоваться Qorgau безопасно' }).click();
  await page.waitForURL('**/ru/safety');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.waitForURL(`${exitUrl()}**`);
  await page.goBack().catch(() => undefined);
  expect(page.url().startsWith(baseURL!)).toBe(false);
});

test('a single Escape, or two far apart, does not leave', async ({ page }) => {
  await serveNeutralSite(page);
  await page.goto('/en/safety');
  await page.keyboard.press('Escape');
  await page.waitForTimeout(1700);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  expect(new URL(page.url()).pathname).toBe('/en/safety');
});

test('the quick exit is reachable by keyboard alone', async ({ page }) => {
  await serveNeutralSite(page);
  await page.goto('/kk');
  for (let i = 0; i < 8; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.getByTestId('quick-exit').evaluate((el) => el === document.activeElement)) break;
  }
  await expect(page.getByTestId('quick-exit')).toBeFocused();
  await page.keyboard.press('Enter');
  await page.waitForURL(`${exitUrl()}**`);
});

test('the quick exit wipes the form in memory: the event it sends first empties every answer', async ({ page }) => {
  await serveNeutralSite(page);
  await page.goto('/en/report');
  await page.locator('#narrative').fill('Nobody may read this after the exit.');
  await page.locator('form button[type=submit]').click();
  await page.locator('#city').fill('A city nobody may read');

  // What leaveNow() sends before it blanks the page and leaves, sent alone so the page stays to be looked at.
  await page.evaluate(() => window.dispatchEvent(new Event('qorgau:quick-exit')));
  await expect(page.locator('#city')).toHaveValue('');
  await page.getByTestId('back').click();
  await expect(page.locator('#narrative')).toHaveValue('');

  // The button sends that event before it leaves.
  const heard: string[] = [];
  await page.exposeFunction('qorgauTestHeard', (what: string) => heard.push(what));
  await page.evaluate(() => window.addEventListener('qorgau:quick-exit', () => void (window as unknown as { qorgauTestHeard: (w: string) => void }).qorgauTestHeard('wipe requested')));
  await page.locator('#narrative').fill('Once more, then leave.');
  await page.getByTestId('quick-exit').click();
  await page.waitForURL(`${exitUrl()}**`);
  expect(heard).toEqual(['wipe requested']);
});
