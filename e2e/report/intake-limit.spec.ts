import { expect, test } from '@playwright/test';
import { openDb } from '@/lib/db/open-db';
import { e2ePort } from '../../playwright.config';
import { submitThroughForm } from '../support/reporter';
import { ServerProcess } from '../support/server-process';

/**
 * The global intake limit (never per sender) as a reporter meets it: on a server of its own that
 * accepts one report an hour, the second report is refused with the translated "try again in N
 * min." message (N: the minutes left in this clock hour, where the window ends), nothing of it is
 * stored, and the answers stay in the form for a later try.
 */
test('past the intake limit the form says when to try again, stores nothing and keeps the answers', async ({ page }) => {
  test.setTimeout(360_000);
  // Limit windows are aligned to the clock (an hour ends on the hour), so the two reports must not straddle the
  // top of the hour: close to it, wait until it has passed.
  const toHour = 3_600_000 - (Date.now() % 3_600_000);
  if (toHour < 180_000) await new Promise((resolve) => setTimeout(resolve, toHour + 1000));
  const server = new ServerProcess(e2ePort + 31, `var/e2e-intake-limit-${e2ePort}`, { QORGAU_E2E_INTAKE_PER_MINUTE: '100', QORGAU_E2E_INTAKE_PER_HOUR: '1' });
  try {
    await server.start();
    await page.goto(`${server.baseUrl}/en`);
    expect(await submitThroughForm(page, { narrative: 'First report of the minute' })).toMatch(/^\d+$/);

    const db = await openDb(server.info().env.DATABASE_URL!);
    const before = await db.report.count();
    await page.goto(`${server.baseUrl}/ru`);
    const refused = await submitThroughForm(page, { narrative: 'Второе сообщение за минуту' }).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    const minutes = Number(/Попробуйте снова через (\d+) мин\./.exec((refused as Error).message)?.[1]);
    const leftInHour = Math.ceil((3_600_000 - (Date.now() % 3_600_000)) / 60_000);
    expect(minutes, (refused as Error).message).toBeGreaterThanOrEqual(leftInHour - 1);
    expect(minutes).toBeLessThanOrEqual(leftInHour + 1);
    await expect(page.getByTestId('send')).toBeEnabled();

    // Back to the first step: the narrative is still there, only in memory.
    for (let step = 0; step < 5; step += 1) await page.getByTestId('back').click();
    await expect(page.locator('#narrative')).toHaveValue('Второе сообщение за минуту');

    try {
      expect(await db.report.count()).toBe(before);
    } finally {
      await db.$disconnect();
    }
  } finally {
    await server.stop();
  }
});
