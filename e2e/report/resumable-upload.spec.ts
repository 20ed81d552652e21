import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { decodeAttachmentKey, decryptAttachmentStream } from '@/lib/crypto';
import { openStoredReport } from '@/lib/reports/open-stored-report';
import { localDiskStorage } from '@/lib/attachments/storage';
import { ZReportPayload } from '@/lib/reports/report-payload';
import { demoReviewer, e2eDb, reportForReceipt, submitThroughForm, uploadsDir } from '../support/reporter';

/**
 * Issue 4 item 3: the connection drops during an upload, once after the server stored a piece (the
 * answer is lost) and once before it arrived; the upload resumes and the file arrives intact.
 */
test('an upload survives dropped connections and the file decrypts byte for byte', async ({ page }) => {
  test.setTimeout(120_000);
  const file = randomBytes(2_600_000);
  const cut = new Map<string, number>();
  await page.route('**/api/uploads/*/*', async (route) => {
    const piece = route.request().url().split('/').pop()!;
    const seen = cut.get(piece) ?? 0;
    cut.set(piece, seen + 1);
    if (piece === '1' && seen === 0) {
      // The piece reaches the server, but the answer never reaches the browser.
      await route.fetch();
      return route.abort('connectionreset');
    }
    if (piece === '2' && seen === 0) return route.abort('connectionreset');
    return route.continue();
  });

  await page.goto('/en');
  const receipt = await submitThroughForm(page, {
    narrative: 'Upload resume test',
    files: [{ name: 'recording.bin', mimeType: 'application/octet-stream', buffer: file }],
  });
  expect(cut.get('1')).toBeGreaterThanOrEqual(1);
  expect(cut.get('2')).toBe(2);

  const db = await e2eDb();
  try {
    const row = await reportForReceipt(db, receipt);
    expect(row.isComplete).toBe(true);
    const attachment = row.attachments[0]!;
    expect(attachment).toMatchObject({ isComplete: true, receivedChunks: attachment.chunkCount });

    const reviewer = await demoReviewer(db);
    const opened = await openStoredReport({ report: row, reviewerId: reviewer.id, keys: reviewer.keys, directory: reviewer.directory });
    const manifest = ZReportPayload.parse(opened.report).attachments[0]!;
    expect(manifest).toMatchObject({ name: 'file-1.bin', size: file.length, metadataRemoved: false });
    const plain = await decryptAttachmentStream({
      source: localDiskStorage(uploadsDir()).readObject({ storageKey: attachment.storageKey, count: attachment.chunkCount }),
      key: await decodeAttachmentKey(manifest.key),
      binding: { reportId: row.id, index: manifest.index },
    });
    expect(Buffer.from(await new Response(plain).arrayBuffer()).equals(file)).toBe(true);
  } finally {
    await db.$disconnect();
  }
});
