import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { expect, test } from '@playwright/test';
import { createS3Client, s3ObjectStorage, type TS3StorageConfig } from '@/lib/attachments/s3-storage';
import { decodeAttachmentKey, decryptAttachmentStream } from '@/lib/crypto';
import { openDb, providerOf } from '@/lib/db/open-db';
import { dropPostgresDatabase } from '@/lib/db/test-database';
import { openStoredReport } from '@/lib/reports/open-stored-report';
import { ZReportPayload } from '@/lib/reports/report-payload';
import { startS3TestServer } from '../../test/s3-server';
import { e2ePort } from '../../playwright.config';
import { demoReviewer, filesUnder, reportForReceipt, submitThroughForm } from '../support/reporter';
import { ServerProcess } from '../support/server-process';

/**
 * Issue 7 item 7: the app configured for S3-compatible object storage (s3rver on a random loopback
 * port, started by this test), a report with a six-megabyte file sent through the form in Chromium,
 * and the file decrypted byte for byte from the object store with the demo reviewer's key.
 */
test('with attachments on object storage, a file sent through the form lands in the bucket and decrypts byte for byte', async ({ page }) => {
  test.setTimeout(240_000);
  const s3 = await startS3TestServer();
  const config: TS3StorageConfig = { bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
  const server = new ServerProcess(e2ePort + 40, `var/e2e-s3-${e2ePort}`, {
    QORGAU_ATTACHMENT_STORAGE: 's3',
    QORGAU_S3_BUCKET: config.bucket,
    QORGAU_S3_REGION: config.region,
    QORGAU_S3_ENDPOINT: config.endpoint!,
    QORGAU_S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: config.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.secretAccessKey,
  });
  const canary = 'Canary-S3-файл-қазақ';
  const file = Buffer.concat([Buffer.from(canary), randomBytes(6 * 1024 * 1024), Buffer.from(canary)]);
  const client = createS3Client(config);
  try {
    await server.start();
    const info = server.info();
    await page.goto(`${server.baseUrl}/en`);
    const receipt = await submitThroughForm(page, { narrative: 'Object storage test', files: [{ name: 'evidence.bin', mimeType: 'application/octet-stream', buffer: file }] });

    const db = await openDb(info.env.DATABASE_URL!);
    try {
      const row = await reportForReceipt(db, receipt, info);
      expect(row.isComplete).toBe(true);
      const attachment = row.attachments[0]!;
      expect(attachment).toMatchObject({ isComplete: true, receivedChunks: attachment.chunkCount });
      expect(attachment.chunkCount).toBeGreaterThan(5); // more than one multipart part

      // In the bucket: one object under the random storage key; no pieces, no open upload.
      const listed = (await client.send(new ListObjectsV2Command({ Bucket: config.bucket }))).Contents ?? [];
      expect(listed.map((o) => [o.Key, o.Size])).toEqual([[`attachments/${attachment.storageKey}`, attachment.encryptedSize]]);
      expect(s3.openUploads()).toEqual([]);
      // Nothing on the app's disk, and nothing readable on the object store's.
      expect(filesUnder(info.env.QORGAU_UPLOAD_DIR!)).toEqual([]);
      for (const stored of filesUnder(s3.directory)) expect(fs.readFileSync(stored).toString('latin1'), path.basename(stored)).not.toContain('Canary-S3');

      const reviewer = await demoReviewer(db, info);
      const opened = await openStoredReport({ report: row, reviewerId: reviewer.id, keys: reviewer.keys, directory: reviewer.directory });
      const manifest = ZReportPayload.parse(opened.report).attachments[0]!;
      const plain = await decryptAttachmentStream({
        source: s3ObjectStorage(config, client).readObject({ storageKey: attachment.storageKey, count: attachment.chunkCount }),
        key: await decodeAttachmentKey(manifest.key),
        binding: { reportId: row.id, index: manifest.index },
      });
      expect(Buffer.from(await new Response(plain).arrayBuffer()).equals(file)).toBe(true);
    } finally {
      await db.$disconnect();
    }
  } finally {
    client.destroy();
    await server.stop();
    await s3.close();
    // Its data goes with it: the folder, and on the PostgreSQL lane its database.
    const url = fs.existsSync(path.join(server.dir, 'server.json')) ? server.info().env.DATABASE_URL : undefined;
    if (url && providerOf(url) === 'postgresql') await dropPostgresDatabase(url);
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});
