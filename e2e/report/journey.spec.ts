import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { decodeAttachmentKey, decryptAttachmentStream, openMessage, sealMessageFromReviewer } from '@/lib/crypto';
import { localDiskStorage } from '@/lib/attachments/storage';
import type { Locale } from '@/lib/i18n/config';
import { newId, today } from '@/lib/ids';
import { openStoredReport } from '@/lib/reports/open-stored-report';
import { ZReporterMessageBody, ZReportPayload } from '@/lib/reports/report-payload';
import { answerInFollowUp, demoReviewer, e2eDb, openFollowUp, reportForReceipt, submitThroughForm, uploadsDir } from '../support/reporter';

/**
 * Issue 4, "Done when": a person reports an incident with a photo (and a PDF) from a phone-sized browser, in Russian, Kazakh
 * and English; keeps the receipt (copy button, typed confirmation); comes back later in a fresh browser, reads a
 * reviewer's reply and answers it with a text and a file. The reviewer's side goes through lib/crypto as a
 * reviewer's browser would; it checks that the photo arrived without its EXIF block and still decodes.
 *
 * The photo (e2e/fixtures/photo-with-exif.jpg, 96×64) carries an EXIF block with a camera make and model, a
 * description and a GPS position (made once with sharp's `withExif`).
 */

const photo = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'fixtures', 'photo-with-exif.jpg'));
const phone = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** A text of `locale`'s reporter catalogue (Playwright's loader cannot import JSON modules). */
function text(locale: Locale, section: string, key: string): string {
  const catalogue = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '..', '..', 'lib', 'i18n', 'messages', `${locale}.json`), 'utf8')) as Record<string, Record<string, string>>;
  return catalogue[section]![key]!;
}

async function expectFitsPhone(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${what} is wider than a 360-pixel screen`).toBeLessThanOrEqual(0);
}

/** Every field a reporter types into on this page has autocomplete off (nothing kept in the browser's form history). */
async function expectNoAutocomplete(page: Page, what: string) {
  const remembered = await page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=checkbox]):not([type=radio]):not([type=file]), textarea, select')]
      .filter((el) => (el.getAttribute('autocomplete') ?? el.closest('form')?.getAttribute('autocomplete')) !== 'off')
      .map((el) => el.id || el.outerHTML.slice(0, 60)),
  );
  expect(remembered, `${what}: fields without autocomplete="off"`).toEqual([]);
}

async function decrypt(options: { storageKey: string; chunkCount: number; key: string; reportId: string; index: number }): Promise<Buffer> {
  const plain = await decryptAttachmentStream({
    source: localDiskStorage(uploadsDir()).readObject({ storageKey: options.storageKey, count: options.chunkCount }),
    key: await decodeAttachmentKey(options.key),
    binding: { reportId: options.reportId, index: options.index },
  });
  return Buffer.from(await new Response(plain).arrayBuffer());
}

/** Whether Chromium decodes these bytes as a 96×64 JPEG. */
async function decodesAsPhoto(page: Page, bytes: Buffer): Promise<boolean> {
  return page.evaluate(async (b64) => {
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/jpeg' });
    const bitmap = await createImageBitmap(blob).catch(() => null);
    return bitmap?.width === 96 && bitmap.height === 64;
  }, bytes.toString('base64'));
}

async function newPhone(browser: Browser, locale: Locale): Promise<BrowserContext> {
  return browser.newContext({ ...phone, locale: { ru: 'ru-RU', kk: 'kk-KZ', en: 'en-US' }[locale] });
}

const replies: Record<Locale, { question: string; answer: string; narrative: string }> = {
  ru: { narrative: 'Меня остановили у метро, избили и сфотографировали документы.', question: 'Спасибо. Вы обращались к врачу?', answer: 'Да, справка из травмпункта во вложении.' },
  kk: { narrative: 'Мені метро жанында тоқтатып, ұрып, құжаттарымды суретке түсірді.', question: 'Рақмет. Дәрігерге қаралдыңыз ба?', answer: 'Иә, жарақат пунктінің анықтамасы тіркемеде.' },
  en: { narrative: 'I was stopped near the metro, beaten, and my documents were photographed.', question: 'Thank you. Did you see a doctor?', answer: 'Yes, the clinic note is attached.' },
};

for (const locale of ['ru', 'kk', 'en'] as const) {
  test(`${locale}: on a phone, report with a photo, keep the receipt, come back, read the reply and answer`, async ({ browser }) => {
    test.setTimeout(180_000);
    const words = replies[locale];
    const stamp = Date.now().toString(36);
    const pdf = Buffer.from(`%PDF-1.4\n% statement ${stamp}\n%%EOF\n`);

    // 1. The report, with a photo, on a 360-pixel touch screen.
    const first = await newPhone(browser, locale);
    await first.grantPermissions(['clipboard-read', 'clipboard-write']);
    const page = await first.newPage();
    await page.goto(`/${locale}`);
    await expectFitsPhone(page, `/${locale}`);
    await page.getByTestId('start-report').click();
    await expectNoAutocomplete(page, `/${locale}/report`);
    await page.goto(`/${locale}`);
    const fileName = `IMG_${stamp}.jpg`;
    const receipt = await submitThroughForm(page, {
      narrative: `${words.narrative} ${stamp}`,
      files: [
        { name: fileName, mimeType: 'image/jpeg', buffer: photo },
        { name: `statement-${stamp}.pdf`, mimeType: 'application/pdf', buffer: pdf },
      ],
      // The reporter is told, in their language, that the photo's location and camera data were removed, and that
      // the PDF may carry hidden information that could not be removed.
      onFilesListed: async (p) => {
        await expect(p.getByTestId('file-list').locator('li').nth(0)).toContainText(text(locale, 'report', 'filesCleaned'));
        await expect(p.getByTestId('file-list').locator('li').nth(1)).toContainText(text(locale, 'report', 'filesMetadataWarning'));
      },
    });
    expect(receipt).toMatch(/^\d{28}$/);
    await expectFitsPhone(page, 'the receipt');
    await expectNoAutocomplete(page, 'the receipt confirmation');

    // 2. Keeping the receipt: copy it, then type its last group to confirm.
    await page.getByRole('button', { name: text(locale, 'receipt', 'copy'), exact: true }).click();
    await expect(page.getByText(text(locale, 'receipt', 'copied'))).toBeVisible();
    await page.locator('#confirm-last').fill(receipt.slice(-4));
    await page.locator('#confirm-last').press('Enter');
    await expect(page.getByTestId('receipt-finished')).toBeVisible();
    await first.close();

    // 3. A reviewer opens the report in their browser (lib/crypto here): the photo arrived without its metadata.
    const db = await e2eDb();
    try {
      const row = await reportForReceipt(db, receipt);
      expect(row.isComplete).toBe(true);
      const reviewer = await demoReviewer(db);
      const opened = await openStoredReport({ report: row, reviewerId: reviewer.id, keys: reviewer.keys, directory: reviewer.directory });
      const payload = ZReportPayload.parse(opened.report);
      expect(payload).toMatchObject({ language: locale, narrative: `${words.narrative} ${stamp}` });
      expect(payload.attachments).toHaveLength(2);
      const manifest = payload.attachments.find((a) => a.type === 'image/jpeg')!;
      const pdfManifest = payload.attachments.find((a) => a.type === 'application/pdf')!;
      expect(pdfManifest.metadataRemoved).toBe(false);
      const pdfRow = row.attachments.find((a) => a.index === pdfManifest.index)!;
      expect((await decrypt({ ...pdfRow, key: pdfManifest.key, reportId: row.id, index: pdfManifest.index })).equals(pdf)).toBe(true);
      expect(manifest).toMatchObject({ type: 'image/jpeg', metadataRemoved: true });
      expect(manifest.name).not.toContain(stamp);
      const stored = row.attachments.find((a) => a.index === manifest.index)!;
      const received = await decrypt({ ...stored, key: manifest.key, reportId: row.id, index: manifest.index });
      expect(received.includes('Exif\0\0'), 'the EXIF block is gone').toBe(false);
      for (const trace of ['QorgauTestCam', 'PhoneModel-X', 'ExifCanary']) expect(received.includes(trace), trace).toBe(false);
      expect(received.length).toBeLessThan(photo.length);

      const reply = await sealMessageFromReviewer({ reportId: row.id, dataKey: opened.dataKey, reviewerId: reviewer.id, keys: reviewer.keys, text: words.question });
      await db.message.create({ data: { id: newId(), reportId: row.id, seq: 1, direction: 'to-reporter', sealed: JSON.stringify(reply), createdDay: today() } });
      await db.report.update({ where: { id: row.id }, data: { status: 'in_review' } });

      // 4. The reporter comes back later, in a fresh browser on the same phone, with only the receipt.
      const later = await newPhone(browser, locale);
      const back = await later.newPage();
      const typed = receipt.match(/\d{4}/g)!.join(' ');
      expect(await openFollowUp(back, { locale, receipt: typed })).toBe(text(locale, 'followUp', 'statusInReview'));
      await expect(back.getByTestId('follow-up-narrative')).toContainText(words.narrative);
      await expect(back.getByTestId('thread')).toContainText(words.question);
      await expectFitsPhone(back, 'the follow-up with its thread');
      await expectNoAutocomplete(back, 'the follow-up');

      // 5. The answer, with a file.
      const note = Buffer.from(`clinic note ${stamp}`);
      await back.locator('#reply-files').setInputFiles([{ name: `note-${stamp}.txt`, mimeType: 'text/plain', buffer: note }]);
      await answerInFollowUp(back, { locale, text: words.answer });
      await later.close();

      const answer = await db.message.findFirstOrThrow({ where: { reportId: row.id, seq: 2 } });
      expect(answer.sealed).not.toContain(stamp);
      const read = await openMessage({ envelope: JSON.parse(answer.sealed), reportId: row.id, dataKey: opened.dataKey, reporterSigningKey: opened.reporterSigningKey, directory: reviewer.directory });
      const body = ZReporterMessageBody.parse(JSON.parse(read.text));
      expect(body.text).toBe(words.answer);
      expect(body.attachments).toHaveLength(1);
      const file = body.attachments[0]!;
      const noteRow = await db.attachment.findFirstOrThrow({ where: { reportId: row.id, index: file.index } });
      expect(noteRow.isComplete).toBe(true);
      expect((await decrypt({ ...noteRow, key: file.key, reportId: row.id, index: file.index })).equals(note)).toBe(true);

      // The photo the reviewer got is still a photo.
      const viewer = await browser.newPage();
      await viewer.goto('/en/safety');
      expect(await decodesAsPhoto(viewer, received)).toBe(true);
      await viewer.close();
    } finally {
      await db.$disconnect();
    }
  });
}
