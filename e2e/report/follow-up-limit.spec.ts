import { expect, test, type APIResponse } from '@playwright/test';
import { createReceipt, deriveReporterKeys } from '@/lib/crypto';
import { openDb } from '@/lib/db/open-db';
import { e2ePort } from '../../playwright.config';
import { submitThroughForm } from '../support/reporter';
import { ServerProcess } from '../support/server-process';

/**
 * Issue 4 item 5: receipt look-ups are rate-limited globally, and the limit tells nothing about whether a report
 * exists. On a server of its own whose limit is 4 look-ups a minute (twice the intake limit of 2), the first four
 * answer as usual (the right receipt opens, a wrong one gets the uniform 404); past the limit the right receipt and a
 * wrong one get the very same 429, in the API and on the translated follow-up page; the database keeps only a
 * counter per window; when the window ends the right receipt opens again.
 */

const MINUTE = 60_000;
const untilNextMinute = () => MINUTE - (Date.now() % MINUTE);

test('past the look-up limit a right and a wrong receipt get the same 429, and the limit ends with its window', async ({ page, playwright }) => {
  test.setTimeout(300_000);
  const server = new ServerProcess(e2ePort + 32, `var/e2e-follow-up-limit-${e2ePort}`, { QORGAU_E2E_INTAKE_PER_MINUTE: '2', QORGAU_E2E_INTAKE_PER_HOUR: '100' });
  try {
    await server.start();
    await page.goto(`${server.baseUrl}/en`);
    const receipt = await submitThroughForm(page, { narrative: 'Follow-up limit test' });
    const { accessToken } = await deriveReporterKeys(receipt);
    const wrong = (await deriveReporterKeys(await createReceipt())).accessToken;
    const api = await playwright.request.newContext({ baseURL: server.baseUrl });
    const lookUp = (token: string) => api.post('/api/follow-up', { data: { accessToken: token } });

    // Windows follow the clock: the look-ups below must all fall in one minute.
    if (untilNextMinute() < 30_000) await new Promise((resolve) => setTimeout(resolve, untilNextMinute() + 500));
    const minute = Math.floor(Date.now() / MINUTE);
    const allowed = [await lookUp(accessToken), await lookUp(wrong), await lookUp(wrong), await lookUp(accessToken)];
    expect(allowed.map((r) => r.status())).toEqual([200, 404, 404, 200]);
    expect(await allowed[1]!.json()).toEqual(await allowed[2]!.json());

    const refused: APIResponse[] = [await lookUp(accessToken), await lookUp(wrong), await lookUp('A'.repeat(43))];
    for (const response of refused) {
      expect(response.status()).toBe(429);
      expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0);
      expect(Number(response.headers()['retry-after'])).toBeLessThanOrEqual(60);
    }
    const bodies = await Promise.all(refused.map((r) => r.text()));
    expect(new Set(bodies).size, 'a refused look-up says nothing about the receipt').toBe(1);
    expect(JSON.parse(bodies[0]!)).toMatchObject({ error: { code: 'rate_limited' } });

    // The reporter's page says when to try again, in their language, for the right receipt too.
    await page.goto(`${server.baseUrl}/ru/follow-up`);
    await page.locator('#receipt-input').fill(receipt);
    await page.getByRole('button', { name: 'Открыть', exact: true }).click();
    await expect(page.getByTestId('follow-up-error')).toHaveText(/^Сейчас поступает слишком много сообщений\. Попробуйте снова через 1 мин\.$/);
    expect(Math.floor(Date.now() / MINUTE), 'the look-ups stayed in one window').toBe(minute);

    // What the limit keeps: a count per bucket and window, nothing about who asked.
    const db = await openDb(server.info().env.DATABASE_URL!);
    try {
      const windows = await db.intakeWindow.findMany();
      expect(windows.length).toBeGreaterThan(0);
      for (const row of windows) expect(Object.keys(row).sort()).toEqual(['count', 'id', 'windowEnd']);
      expect(windows.map((w) => w.id).join(' ')).not.toMatch(/127\.0\.0\.1|::1|Mozilla|Chrome/);
    } finally {
      await db.$disconnect();
    }

    // A new window: the right receipt opens again.
    await new Promise((resolve) => setTimeout(resolve, untilNextMinute() + 1000));
    expect((await lookUp(accessToken)).status()).toBe(200);
    await api.dispose();
  } finally {
    await server.stop();
  }
});
