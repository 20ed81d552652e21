import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attachmentEncryptedSize,
  createAttachmentKey,
  decryptAttachmentStream,
  encryptAttachmentBlob,
} from '@/lib/crypto';
import { openStoredReport } from '@/lib/reports/open-stored-report';
import { UPLOAD_CHUNK_BYTES, uploadChunkCount } from '@/lib/attachments/layout';
import { localDiskStorage } from '@/lib/attachments/storage';
import { storeChunk } from '@/lib/attachments/store-chunk';
import { openDb } from '@/lib/db/open-db';
import { createTestDatabase, testProviders } from '@/lib/db/test-database';
import { newId } from '@/lib/ids';
import { submitReport } from '@/lib/reports/submit-report';
import { buildSubmission, createIntakeFixture, type TIntakeFixture } from '@/lib/reports/test-support';
import { createBackup, restoreBackup } from './backup';

describe.each(testProviders())('backup and restore on %s', (provider) => {
  let f: TIntakeFixture;
  let work: string;
  const file = new Uint8Array(1_300_000).map((_, i) => (i * 13) % 256);
  let reportId: string;
  let key: Awaited<ReturnType<typeof createAttachmentKey>>;

  beforeAll(async () => {
    f = await createIntakeFixture(provider);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-backup-'));
    key = await createAttachmentKey();
    const id = newId();
    const encryptedSize = attachmentEncryptedSize(file.length);
    const sub = await buildSubmission(f, { v: 1, narrative: 'backup me' }, [{ id, index: 0, encryptedSize }]);
    reportId = sub.reportId;
    await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
    const ciphertext = new Uint8Array(await new Response(await encryptAttachmentBlob({ blob: new Blob([file]), key, binding: { reportId, index: 0 } })).arrayBuffer());
    const storage = localDiskStorage(path.join(f.uploadDir, 'uploads'));
    for (let n = 0; n < uploadChunkCount(encryptedSize); n += 1) {
      const piece = ciphertext.slice(n * UPLOAD_CHUNK_BYTES, (n + 1) * UPLOAD_CHUNK_BYTES);
      await storeChunk({
        db: f.t.db,
        storage,
        serverSecret: f.settings.serverSecret,
        accessToken: sub.reporter.accessToken,
        attachmentId: id,
        n,
        request: new Request('http://localhost/x', { method: 'PUT', body: piece }),
      });
    }
  });
  afterAll(async () => {
    await f?.drop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('backs up while the app runs, then restores into an empty deployment where everything decrypts', async () => {
    const manifest = await createBackup({ databaseUrl: f.t.url, uploadDir: path.join(f.uploadDir, 'uploads'), outDir: path.join(work, 'backup') });
    expect(manifest.attachments).toHaveLength(1);
    // Still encrypted: the narrative is nowhere in the backup.
    for (const name of Object.keys(manifest.files)) expect(fs.readFileSync(path.join(work, 'backup', name)).toString('latin1')).not.toContain('backup me');

    const target = await createTestDatabase(provider);
    const targetUrl = provider === 'sqlite' ? `file:${path.join(work, 'restored.db')}` : target.url;
    const uploads = path.join(work, 'restored-uploads');
    await target.db.$disconnect();
    await restoreBackup({ fromDir: path.join(work, 'backup'), databaseUrl: targetUrl, uploadDir: uploads });

    const db = await openDb(targetUrl);
    try {
      const row = await db.report.findUniqueOrThrow({ where: { id: reportId }, include: { envelopes: true, attachments: true } });
      const opened = await openStoredReport({ report: row, reviewerId: f.reviewer.id, keys: f.reviewer.keys, directory: f.directory });
      expect(opened.report).toEqual({ v: 1, narrative: 'backup me' });
      const attachment = row.attachments[0]!;
      const plain = await decryptAttachmentStream({ source: localDiskStorage(uploads).readObject(attachment.storageKey, attachment.chunkCount), key, binding: { reportId, index: 0 } });
      expect(new Uint8Array(await new Response(plain).arrayBuffer())).toEqual(file);
      // Restoring again over a deployment that now holds data is refused without --force.
      await expect(restoreBackup({ fromDir: path.join(work, 'backup'), databaseUrl: targetUrl, uploadDir: uploads })).rejects.toThrow(/already holds/);
    } finally {
      await db.$disconnect();
      await target.drop();
    }
  });

  it('refuses a damaged backup and restores nothing', async () => {
    const out = path.join(work, 'damaged');
    const manifest = await createBackup({ databaseUrl: f.t.url, uploadDir: path.join(f.uploadDir, 'uploads'), outDir: out });
    const piece = Object.keys(manifest.files).find((name) => name.startsWith('uploads'))!;
    const bytes = fs.readFileSync(path.join(out, piece));
    bytes[100] = bytes[100]! ^ 1;
    fs.writeFileSync(path.join(out, piece), bytes);
    const targetUrl = `file:${path.join(work, 'never.db')}`;
    await expect(restoreBackup({ fromDir: out, databaseUrl: targetUrl, uploadDir: path.join(work, 'never') })).rejects.toThrow(/damaged/);
    expect(fs.existsSync(path.join(work, 'never.db'))).toBe(false);
  });
});
