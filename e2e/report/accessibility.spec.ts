import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

/**
 * Issue 4 item 9: no serious or critical axe-core violations on any reporter page or form step,
 * the whole report flow works with the keyboard alone, and nothing overflows a 360-pixel phone.
 */

async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious).toEqual([]);
}

async function expectNoOverflow(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${what} is wider than the screen`).toBeLessThanOrEqual(0);
}

test.use({ viewport: { width: 360, height: 740 } });

for (const locale of ['ru', 'kk', 'en']) {
  test(`reporter pages in ${locale} have no serious accessibility violations and fit a phone`, async ({ page }) => {
    for (const path of [`/${locale}`, `/${locale}/safety`, `/${locale}/follow-up`, `/${locale}/no-such-page`]) {
      await page.goto(path);
      await expectAccessible(page, path);
      await expectNoOverflow(page, path);
    }
    await page.goto(`/${locale}/report`);
    for (let step = 1; step <= 6; step += 1) {
      if (step === 1) await page.locator('#narrative').fill('Accessibility check');
      await expectAccessible(page, `/${locale}/report step ${step}`);
      await expectNoOverflow(page, `/${locale}/report step ${step}`);
      if (step < 6) await page.locator('form button[type=submit]').click();
    }
  });
}

/** Presses Tab until `selector` has focus (at most 60 times), the way a keyboard user gets there. */
async function tabTo(page: Page, selector: string) {
  for (let i = 0; i < 60; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach ${selector} with the keyboard`);
}

test('the whole report flow works with the keyboard alone, receipt confirmation included', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/ru');
  await tabTo(page, '[data-testid=start-report]');
  await page.keyboard.press('Enter');
  await page.waitForURL('**/ru/report');
  await tabTo(page, '#narrative');
  await page.keyboard.type('Клавиатура: меня оскорбили на работе.');
  await tabTo(page, 'form button[type=submit]');
  await page.keyboard.press('Enter');
  // When and where: choose a region with the keyboard.
  await tabTo(page, '#region');
  await page.keyboard.press('ArrowDown');
  await tabTo(page, 'form button[type=submit]');
  await page.keyboard.press('Enter');
  // Who: tick a box with Space.
  await tabTo(page, 'input[name=perpetrators][value=employer-or-colleague]');
  await page.keyboard.press('Space');
  await expect(page.locator('input[name=perpetrators][value=employer-or-colleague]')).toBeChecked();
  for (let step = 3; step <= 5; step += 1) {
    await tabTo(page, 'form button[type=submit]');
    await page.keyboard.press('Enter');
  }
  await expect(page.getByTestId('send')).toBeEnabled({ timeout: 30_000 });
  await tabTo(page, '[data-testid=send]');
  await page.keyboard.press('Enter');
  const receipt = page.getByTestId('receipt');
  await receipt.waitFor({ timeout: 60_000 });
  await expectAccessible(page, 'receipt');
  await expectNoOverflow(page, 'receipt');
  const digits = (await receipt.innerText()).replace(/\D/g, '');
  await tabTo(page, '#confirm-last');
  await page.keyboard.type(digits.slice(-4));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('receipt-finished')).toBeVisible();
});

test('a wrong confirmation keeps the receipt on screen and says why', async ({ page }) => {
  await page.goto('/en/report');
  await page.locator('#narrative').fill('Confirmation check');
  for (let i = 0; i < 5; i += 1) await page.locator('form button[type=submit]').click();
  await page.getByTestId('send').click({ timeout: 30_000 });
  const receipt = page.getByTestId('receipt');
  await receipt.waitFor({ timeout: 60_000 });
  const last = (await receipt.innerText()).replace(/\D/g, '').slice(-4);
  await page.locator('#confirm-last').fill(String((Number(last) + 1) % 10000).padStart(4, '0'));
  await page.locator('#confirm-last').press('Enter');
  await expect(page.getByText('These are not the last four digits of your receipt.')).toBeVisible();
  await expect(page.getByTestId('receipt')).toBeVisible();
});
