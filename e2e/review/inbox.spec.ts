import { expect, test, type Route } from '@playwright/test';
import { ZReportPage } from '@/lib/review/api-types';
import { createStaffMember, seedReport, signInInBrowser } from '../support/staff';

/**
 * Issue 5, the inbox at scale (bench/inbox measures it at 10 000 reports): the list comes from an index without report
 * bodies; only the first screen's bodies come with it, the rest are fetched in the background; until they are opened
 * the page says plainly what search and the region filter cover, and both complete once the bodies are in. The
 * background requests are held back here (Playwright routing, the server's answers untouched) to see that state.
 */

test('the first screen needs only its own bodies; search says what it covers until the rest is decrypted', async ({ page }) => {
  test.setTimeout(180_000);
  const reviewer = await createStaffMember('reviewer');
  const marker = `inbox-${Date.now().toString(36)}`;
  const seeded: string[] = [];
  for (let i = 0; i < 30; i += 1) {
    const { reportId } = await seedReport({ report: { narrative: `${marker}-${i}-x happened\nmore`, when: { month: '2026-08' }, where: { region: 'karaganda' } } });
    seeded.push(reportId);
  }

  // Hold every request for further bodies until released.
  const held: Route[] = [];
  const asked: string[][] = [];
  let isReleased = false;
  await page.route('**/api/staff/reports/sealed', async (route) => {
    asked.push((JSON.parse(route.request().postData() ?? '{}') as { ids: string[] }).ids);
    if (isReleased) await route.continue();
    else held.push(route);
  });
  const indexAnswer = page.waitForResponse((r) => r.url().includes('/api/staff/reports?bodies='));
  await signInInBrowser(page, reviewer);

  // The index names every report but carries bodies only for the first screen.
  const index = ZReportPage.parse(await (await indexAnswer).json());
  expect(index.reports.length).toBeGreaterThanOrEqual(30);
  for (const row of index.reports) expect(Object.keys(row)).not.toContain('sealed');
  expect(index.bodies.map((b) => b.id)).toEqual(index.reports.slice(0, 25).map((r) => r.id));
  const total = index.reports.length;

  // The first screen is decrypted from those bodies alone.
  const list = page.getByTestId('inbox-list').locator('.report-item');
  await expect(list).toHaveCount(25);
  await expect(list.locator('.first-line', { hasText: '…' })).toHaveCount(0);
  await expect(page.getByText(`decrypted 25 of ${total}`)).toBeVisible();
  const onScreen = await list.evaluateAll((items) => items.map((item) => item.getAttribute('data-report-id')!));
  // The background asks for the others only, never for what is already open.
  await expect.poll(() => asked.length).toBeGreaterThan(0);
  for (const ids of asked) for (const id of ids) expect(onScreen).not.toContain(id);

  // A report not on screen is not found yet, and the page says why.
  const hidden = seeded.find((id) => !onScreen.includes(id))!;
  const hiddenMarker = `${marker}-${seeded.indexOf(hidden)}-x`;
  await page.getByLabel('Search (in this browser)').fill(hiddenMarker);
  await expect(page.getByText('No reports match.')).toBeVisible();
  await expect(page.getByTestId('inbox-partial')).toHaveText(`Search covers only the 25 of ${total} reports decrypted so far; the rest are being decrypted in this browser.`);
  // The region of an untriaged report is in its body: the filter says how many it cannot place yet.
  await page.getByLabel('Search (in this browser)').fill('');
  await page.getByLabel('Region').selectOption('karaganda');
  await expect(page.getByTestId('inbox-partial')).toHaveText(/^The region of \d+ reports is not known yet: they are still being decrypted\.$/);
  expect(Number(/\d+/.exec((await page.getByTestId('inbox-partial').textContent())!)![0])).toBeGreaterThanOrEqual(seeded.filter((id) => !onScreen.includes(id)).length);

  // Once the rest is decrypted, search and the region filter are complete and the notice is gone.
  isReleased = true;
  for (const route of held.splice(0)) await route.continue();
  await expect(page.getByText(`decrypted ${total} of ${total}`)).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('inbox-partial')).toHaveCount(0);
  await page.getByLabel('Region').selectOption('');
  await page.getByLabel('Search (in this browser)').fill(hiddenMarker);
  await expect(list).toHaveCount(1);
  await expect(list.first()).toHaveAttribute('data-report-id', hidden);
  await expect(list.first()).toContainText('2026-08 · Karaganda Region');
});
