import { expect, test } from '@playwright/test';
import { createReceipt, openMessage, sealMessageFromReviewer } from '@/lib/crypto';
import { openStoredReport } from '@/lib/reports/open-stored-report';
import { newId, today } from '@/lib/ids';
import { ZReporterMessageBody } from '@/lib/reports/report-payload';
import { answerInFollowUp, demoReviewer, e2eDb, openFollowUp, reportForReceipt, submitThroughForm } from '../support/reporter';

/**
 * Issue 4: submit, a reviewer (through lib/crypto) replies, the reporter reads the reply with the
 * receipt in the browser and answers; the reviewer opens the answer. Mistyped and unknown receipts.
 */
test('reporter and reviewer talk through the receipt, everything sealed', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/ru');
  const receipt = await submitThroughForm(page, { narrative: 'Меня задержали у метро и отобрали телефон.' });

  const db = await e2eDb();
  try {
    const row = await reportForReceipt(db, receipt);
    const reviewer = await demoReviewer(db);
    const opened = await openStoredReport({ report: row, reviewerId: reviewer.id, keys: reviewer.keys, directory: reviewer.directory });
    const question = 'Здравствуйте! В каком месяце это было и в каком районе?';
    const reply = await sealMessageFromReviewer({ reportId: row.id, dataKey: opened.dataKey, reviewerId: reviewer.id, keys: reviewer.keys, text: question });
    await db.message.create({ data: { id: newId(), reportId: row.id, seq: 1, direction: 'to-reporter', sealed: JSON.stringify(reply), createdDay: today() } });

    // The reporter comes back: digits typed with spaces and dashes, as people do.
    const typed = receipt.match(/\d{4}/g)!.join(' - ');
    expect(await openFollowUp(page, { locale: 'ru', receipt: typed })).toBe('Получено');
    await expect(page.getByTestId('follow-up-narrative')).toContainText('отобрали телефон');
    await expect(page.getByTestId('thread')).toContainText(question);

    await answerInFollowUp(page, { locale: 'ru', text: 'В октябре, Алмалинский район.' });
    await expect(page.getByText('Ваш ответ отправлен.')).toBeVisible();

    const answer = await db.message.findFirstOrThrow({ where: { reportId: row.id, seq: 2 } });
    expect(answer.direction).toBe('to-reviewers');
    expect(answer.sealed).not.toContain('Алмалинский');
    const read = await openMessage({ envelope: JSON.parse(answer.sealed), reportId: row.id, dataKey: opened.dataKey, reporterSigningKey: opened.reporterSigningKey, directory: reviewer.directory });
    expect(ZReporterMessageBody.parse(JSON.parse(read.text)).text).toBe('В октябре, Алмалинский район.');
  } finally {
    await db.$disconnect();
  }
});

test('a mistyped receipt is caught in the browser; an unknown one gets the uniform answer', async ({ page }) => {
  const followUpRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/follow-up')) followUpRequests.push(r.url());
  });
  await page.goto('/kk/follow-up');
  const receipt = await createReceipt();
  const digits = receipt.split('');
  digits[5] = String((Number(digits[5]) + 1) % 10);
  await page.locator('#receipt-input').fill(digits.join(''));
  await page.getByRole('button', { name: 'Ашу', exact: true }).click();
  await expect(page.getByTestId('follow-up-error')).toHaveText('Бір цифр қате терілген сияқты. Тексеріп көріңіз.');
  await page.locator('#receipt-input').fill(receipt.slice(0, 20));
  await page.getByRole('button', { name: 'Ашу', exact: true }).click();
  await expect(page.getByTestId('follow-up-error')).toContainText('28');
  expect(followUpRequests).toEqual([]);

  await page.locator('#receipt-input').fill(receipt);
  await page.getByRole('button', { name: 'Ашу', exact: true }).click();
  await expect(page.getByTestId('follow-up-error')).toHaveText('Бұл түбіртекке сәйкес хабарлама жоқ. Цифрларды тексеріп, қайталап көріңіз.');
  expect(followUpRequests.length).toBe(1);
});
