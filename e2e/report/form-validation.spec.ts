import { expect, test } from '@playwright/test';

/** Issue 4 item 1: specific, translated validation messages; going back keeps the answers. */
test('the form says what is missing, in the reporter’s language, and keeps answers when going back', async ({ page }) => {
  await page.goto('/kk/report');
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('form .error[role=alert]')).toHaveText('Жалғастырмас бұрын не болғанын сипаттаңыз.');
  await expect(page.locator('#narrative')).toHaveAttribute('aria-invalid', 'true');

  await page.locator('#narrative').fill('Жұмыстан шығарып жіберді.');
  await page.locator('form button[type=submit]').click();
  await page.locator('#month').selectOption('03');
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('form .error[role=alert]')).toHaveText('Жылды да таңдаңыз (күнді көрсетсеңіз, айды да).');

  const nextYear = String(new Date().getUTCFullYear() + 1);
  expect(await page.locator('#year option').allTextContents()).not.toContain(nextYear);
  await page.locator('#year').selectOption({ index: 1 });
  await page.locator('#region').selectOption('shymkent');
  await page.locator('form button[type=submit]').click();
  await page.getByRole('button', { name: 'Артқа' }).click();
  await page.getByRole('button', { name: 'Артқа' }).click();
  await expect(page.locator('#narrative')).toHaveValue('Жұмыстан шығарып жіберді.');
  await page.locator('form button[type=submit]').click();
  await expect(page.locator('#month')).toHaveValue('03');
  await expect(page.locator('#region')).toHaveValue('shymkent');
});

test('a file over the size limit is refused in the browser with a translated message and is not listed', async ({ page }) => {
  await page.goto('/ru/report');
  await page.locator('#narrative').fill('Проверка размера файла.');
  for (let step = 0; step < 4; step += 1) await page.locator('form button[type=submit]').click();
  // The end-to-end server allows 20 MiB per file (QORGAU_MAX_ATTACHMENT_MIB).
  await page.locator('#files').setInputFiles([
    { name: 'video.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(20 * 1024 * 1024 + 1) },
    { name: 'small.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') },
  ]);
  await expect(page.locator('form .error[role=alert]')).toHaveText('Файл «video.mp4» больше 20 МиБ.');
  await expect(page.getByTestId('file-list').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('file-list')).toContainText(/file-\d+\.pdf/);
});
