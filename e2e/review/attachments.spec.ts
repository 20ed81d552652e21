import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { apiSignIn, createStaffMember, e2eDb, seedReport, signInInBrowser } from '../support/staff';

/**
 * Attachments in the report view: listed from the sealed manifest, fetched as ciphertext from the staff route
 * (authorised by the caller's envelope, audit-logged), decrypted in the page as a stream. An image renders from a
 * blob: URL; a larger file downloads byte for byte; missing, unfinished and tampered files are marked, never shown.
 */

/** A valid 24×16 RGB PNG (so the test checks real decoding, not just a blob URL). */
function png(): Buffer {
  const width = 24;
  const height = 16;
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: height }, (_, y) => Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, y * 12)])));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

const baseReport = { v: 1, language: 'en', when: {}, where: {}, targeted: [], perpetrators: [], harms: [], contact: { method: 'receipt' }, suggestedCategories: [] };

test('a reviewer decrypts attachments in the browser; missing, unfinished and tampered files are marked', async ({ page, request }) => {
  test.setTimeout(180_000);
  const reviewer = await createStaffMember('reviewer');
  const image = png();
  // Three upload pieces and many secretstream chunks.
  const document = randomBytes(2 * 1024 * 1024 + 12_345);
  const { reportId } = await seedReport({
    report: { ...baseReport, narrative: `Files attached ${Date.now()}` },
    files: [
      { bytes: image, type: 'image/png', name: 'photo-1.png' },
      { bytes: document, type: 'application/pdf', name: 'document-2.pdf' },
      { bytes: randomBytes(5000), type: 'image/jpeg', name: 'photo-3.jpg', state: 'missing' },
      { bytes: randomBytes(1_500_000), type: 'video/mp4', name: 'video-4.mp4', state: 'incomplete' },
      { bytes: png(), type: 'image/png', name: 'photo-5.png', state: 'tampered' },
    ],
  });

  await signInInBrowser(page, reviewer);
  await page.locator(`[data-report-id="${reportId}"]`).getByRole('button').click();
  const files = page.getByTestId('attachments');
  await expect(files.locator('li')).toHaveCount(5);

  // The image: decrypted in the page and drawn from a blob: URL.
  await files.locator('[data-attachment-index="0"]').getByRole('button', { name: 'Decrypt and open' }).click();
  const img = files.locator('[data-attachment-index="0"]').getByTestId('attachment-image');
  await expect(img).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(24);

  // The document: downloaded bytes are exactly the original.
  const second = files.locator('[data-attachment-index="1"]');
  await second.getByRole('button', { name: 'Decrypt and open' }).click();
  // The link appears once the whole file has decrypted; wait for it before expecting a download.
  const link = second.getByTestId('attachment-download');
  await expect(link).toHaveAttribute('href', /^blob:/, { timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), link.click()]);
  expect(download.suggestedFilename()).toBe('document-2.pdf');
  expect(Buffer.compare(fs.readFileSync((await download.path())!), document)).toBe(0);

  // Missing and unfinished files are marked and cannot be opened.
  await expect(files.locator('[data-attachment-index="2"]').getByTestId('attachment-missing')).toBeVisible();
  await expect(files.locator('[data-attachment-index="3"]').getByTestId('attachment-incomplete')).toBeVisible();
  await expect(files.locator('[data-attachment-index="3"]').getByRole('button')).toHaveCount(0);

  // A ciphertext altered at rest fails authentication: an error, and nothing of it shown.
  const tampered = files.locator('[data-attachment-index="4"]');
  await tampered.getByRole('button', { name: 'Decrypt and open' }).click();
  await expect(tampered.getByRole('alert')).toContainText('could not be decrypted');
  await expect(tampered.getByTestId('attachment-image')).toHaveCount(0);

  // Closing the view revokes the blob URL: it no longer loads.
  const url = (await img.getAttribute('src'))!;
  await files.locator('[data-attachment-index="0"]').getByRole('button', { name: 'Close' }).click();
  expect(await page.evaluate(async (u) => fetch(u).then(() => 'loaded', () => 'revoked'), url)).toBe('revoked');

  // Each opening is in the audit log: who, which report, which file; nothing about the file itself.
  const events = await e2eDb().auditEvent.findMany({ where: { actorId: reviewer.id, action: 'attachment.open', subject: reportId } });
  expect(events.map((e) => e.detail).sort()).toEqual(['index=0', 'index=1', 'index=4']);

  // The route only serves staff who hold an envelope for the report.
  const outsider = await createStaffMember('reviewer');
  expect((await apiSignIn(request, outsider)).ok).toBe(true);
  expect((await request.get(`/api/staff/reports/${reportId}/attachments/0`)).status()).toBe(404);
  const analyst = await createStaffMember('analyst');
  expect((await apiSignIn(request, analyst)).ok).toBe(true);
  expect((await request.get(`/api/staff/reports/${reportId}/attachments/0`)).status()).toBe(403);
  await request.post('/api/auth/signout', { form: { csrfToken: ((await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string }).csrfToken } });
});

test('the attachment route answers anonymous callers with 401 and streams only ciphertext to the holder', async ({ request, playwright }) => {
  const reviewer = await createStaffMember('reviewer');
  const secret = Buffer.from(`plain attachment text ${Date.now()} Қорғау`);
  const { reportId } = await seedReport({ report: { ...baseReport, narrative: 'One file' }, files: [{ bytes: secret, type: 'text/plain', name: 'note-1.txt' }] });
  const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  expect((await anonymous.get(`/api/staff/reports/${reportId}/attachments/0`)).status()).toBe(401);
  await anonymous.dispose();
  expect((await apiSignIn(request, reviewer)).ok).toBe(true);
  const response = await request.get(`/api/staff/reports/${reportId}/attachments/0`);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/octet-stream');
  const body = await response.body();
  expect(body.length).toBe(24 + 65_553);
  expect(body.includes(secret)).toBe(false);
  expect((await request.get(`/api/staff/reports/${reportId}/attachments/1`)).status()).toBe(404);
});
