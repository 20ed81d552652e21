import { expect, test } from '@playwright/test';

/** Issue 2 item 7: Russian by default, and a language switcher on every page that keeps the page. */

test('the start page opens in Russian by default', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/ru$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Расскажите, что с вами произошло, — безопасно');
});

test('the switcher changes language and keeps the current page', async ({ page }) => {
  await page.goto('/ru/safety');
  await page.getByRole('link', { name: 'Қазақша' }).click();
  await expect(page).toHaveURL(/\/kk\/safety$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'kk');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Сіздің қауіпсіздігіңіз');
  await expect(page.getByTestId('quick-exit')).toHaveText('Жылдам шығу');

  await page.getByRole('link', { name: 'English' }).click();
  await expect(page).toHaveURL(/\/en\/safety$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staying safe');
  await expect(page.getByRole('navigation', { name: 'Language' }).locator('[aria-current]')).toHaveText('English');
});

test('the staff area has the switcher too and shows the organisation fingerprint', async ({ page }) => {
  await page.goto('/kk/review');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Қызметкерлер бөлімі');
  await expect(page.getByTestId('org-fingerprint')).toHaveText(/^\d{5}( \d{5}){5}$/);
  await page.getByRole('link', { name: 'Русский' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Раздел для сотрудников');
});

test('an unknown language in the path is a 404, not a crash', async ({ request }) => {
  const response = await request.get('/xx/safety');
  // "/xx/safety" has no language prefix of ours, so it is redirected under /ru and not found there.
  expect(response.status()).toBe(404);
});
