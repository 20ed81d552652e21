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

/** A small JPEG-shaped photo whose EXIF holds a GPS position the browser must strip. */
function photoWithGps(): Buffer {
  const seg = (marker: number, payload: Buffer) => Buffer.concat([Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 255]), payload]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, Buffer.from('JFIF\0\x01\x01')),
    seg(0xe1, Buffer.from('Exif\0\0GPSLatitude 43.2389 follow-up-gps')),
    seg(0xdb, Buffer.alloc(65)),
    seg(0xda, Buffer.alloc(10)),
    Buffer.from('follow-up photo data'),
    Buffer.from([0xff, 0xd9]),
  ]);
}

test('the reporter answers with a photo: the picker speaks Kazakh, the file is listed without its location, and it is stored whole', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/kk');
  const receipt = await submitThroughForm(page, { narrative: 'Жауапқа фото қосу сынағы' });
  await openFollowUp(page, { locale: 'kk', receipt });

  // The visible button is the page's own, in Kazakh; the browser's control ("Choose Files / No file chosen") is hidden.
  await expect(page.locator('label[for="reply-files"].button')).toHaveText('Файлдарды таңдау');
  await expect(page.locator('#reply-files')).not.toBeInViewport();
  await page.locator('#reply-files').setInputFiles([{ name: 'IMG_2031_Almaty.jpg', mimeType: 'image/jpeg', buffer: photoWithGps() }]);
  const listed = page.getByTestId('reply-file-list').locator('li');
  await expect(listed).toHaveCount(1);
  await expect(listed).toContainText('Орын мен құрылғы туралы деректер жойылды');

  await answerInFollowUp(page, { locale: 'kk', text: 'Суретті жібердім.' });
  await expect(page.getByTestId('reply-file-list')).toHaveCount(0);

  const db = await e2eDb();
  try {
    const row = await reportForReceipt(db, receipt);
    const stored = await db.attachment.findMany({ where: { reportId: row.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ isComplete: true, index: 0 });
    const reviewer = await demoReviewer(db);
    const opened = await openStoredReport({ report: row, reviewerId: reviewer.id, keys: reviewer.keys, directory: reviewer.directory });
    const answer = await db.message.findFirstOrThrow({ where: { reportId: row.id, direction: 'to-reviewers' } });
    const read = await openMessage({ envelope: JSON.parse(answer.sealed), reportId: row.id, dataKey: opened.dataKey, reporterSigningKey: opened.reporterSigningKey, directory: reviewer.directory });
    const body = ZReporterMessageBody.parse(JSON.parse(read.text));
    expect(body.text).toBe('Суретті жібердім.');
    expect(body.attachments).toEqual([expect.objectContaining({ index: 0, type: 'image/jpeg', metadataRemoved: true })]);
    expect(body.attachments[0]!.name).not.toContain('Almaty');
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
