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
import { s3ObjectStorage } from '@/lib/attachments/s3-storage';
import { localDiskStorage, type TAttachmentStorage } from '@/lib/attachments/storage';
import { getUploadStatus, storeChunk } from '@/lib/attachments/store-chunk';
import { startS3TestServer, type TS3TestServer } from '@/test/s3-server';
import { openDb } from '@/lib/db/open-db';
import { createTestDatabase, testProviders } from '@/lib/db/test-database';
import { newId } from '@/lib/ids';
import { submitReport } from '@/lib/reports/submit-report';
import { buildSubmission, createIntakeFixture, type TIntakeFixture } from '@/lib/reports/test-support';
import { createBackup, restoreBackup } from './backup';

const storages = ['local disk', 'object storage'] as const;
const lanes = testProviders().flatMap((provider) => storages.map((kind) => [provider, kind] as const));

describe.each(lanes)('backup and restore on %s with attachments on %s', (provider, kind) => {
  let f: TIntakeFixture;
  let work: string;
  const file = new Uint8Array(1_300_000).map((_, i) => (i * 13) % 256);
  let reportId: string;
  let key: Awaited<ReturnType<typeof createAttachmentKey>>;
  const servers: TS3TestServer[] = [];
  let storage: TAttachmentStorage;
  /** A second, empty storage of the same kind, for restoring into. */
  let freshStorage: () => Promise<TAttachmentStorage>;
  // An upload still in progress when the backup is taken (two of its three pieces received).
  let unfinished: { id: string; accessToken: string; lastPiece: Uint8Array<ArrayBuffer>; reportId: string; ciphertext: Uint8Array };

  async function upload(pieces: Uint8Array, options: { id: string; accessToken: string; from: number; to: number; into: TAttachmentStorage; db: TIntakeFixture['t']['db'] }) {
    for (let n = options.from; n < options.to; n += 1) {
      const piece = pieces.slice(n * UPLOAD_CHUNK_BYTES, (n + 1) * UPLOAD_CHUNK_BYTES);
      await storeChunk({
        db: options.db,
        storage: options.into,
        serverSecret: f.settings.serverSecret,
        accessToken: options.accessToken,
        attachmentId: options.id,
        n,
        request: new Request('http://localhost/x', { method: 'PUT', body: piece }),
      });
    }
  }

  beforeAll(async () => {
    f = await createIntakeFixture(provider);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-backup-'));
    if (kind === 'local disk') {
      storage = localDiskStorage(path.join(f.uploadDir, 'uploads'));
      freshStorage = async () => localDiskStorage(fs.mkdtempSync(path.join(work, 'restored-uploads-')));
    } else {
      const s3 = async () => {
        const server = await startS3TestServer();
        servers.push(server);
        return s3ObjectStorage({ bucket: server.bucket, region: server.region, endpoint: server.endpoint, forcePathStyle: true, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });
      };
      storage = await s3();
      freshStorage = s3;
    }
    key = await createAttachmentKey();
    const id = newId();
    const encryptedSize = attachmentEncryptedSize(file.length);
    const sub = await buildSubmission(f, { v: 1, narrative: 'backup me' }, [{ id, index: 0, encryptedSize }]);
    reportId = sub.reportId;
    await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
    const ciphertext = new Uint8Array(await new Response(await encryptAttachmentBlob({ blob: new Blob([file]), key, binding: { reportId, index: 0 } })).arrayBuffer());
    await upload(ciphertext, { id, accessToken: sub.reporter.accessToken, from: 0, to: uploadChunkCount(encryptedSize), into: storage, db: f.t.db });

    const second = await buildSubmission(f, { v: 1, narrative: 'still uploading' }, [{ id: newId(), index: 0, encryptedSize: attachmentEncryptedSize(2 * file.length) }]);
    await submitReport({ db: f.t.db, request: second.request, settings: f.settings });
    const secondCiphertext = new Uint8Array(await new Response(await encryptAttachmentBlob({ blob: new Blob([file, file]), key, binding: { reportId: second.reportId, index: 0 } })).arrayBuffer());
    const secondId = second.request.attachments[0]!.id;
    expect(uploadChunkCount(attachmentEncryptedSize(2 * file.length))).toBe(3);
    await upload(secondCiphertext, { id: secondId, accessToken: second.reporter.accessToken, from: 0, to: 2, into: storage, db: f.t.db });
    unfinished = { id: secondId, accessToken: second.reporter.accessToken, lastPiece: secondCiphertext.slice(2 * UPLOAD_CHUNK_BYTES), reportId: second.reportId, ciphertext: secondCiphertext };
  });
  afterAll(async () => {
    await f?.drop();
    for (const server of servers) await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('backs up while the app runs, then restores into an empty deployment where everything decrypts', async () => {
    const manifest = await createBackup({ databaseUrl: f.t.url, storage, outDir: path.join(work, 'backup') });
    expect(manifest.attachments.map((a) => a.pieces).sort()).toEqual([2, 2]);
    // Still encrypted: the narrative is nowhere in the backup.
    for (const name of Object.keys(manifest.files)) expect(fs.readFileSync(path.join(work, 'backup', name)).toString('latin1')).not.toContain('backup me');

    const target = await createTestDatabase(provider);
    const targetUrl = provider === 'sqlite' ? `file:${path.join(work, 'restored.db')}` : target.url;
    const restored = await freshStorage();
    await target.db.$disconnect();
    await restoreBackup({ fromDir: path.join(work, 'backup'), databaseUrl: targetUrl, storage: restored });

    const db = await openDb(targetUrl);
    try {
      const row = await db.report.findUniqueOrThrow({ where: { id: reportId }, include: { envelopes: true, attachments: true } });
      const opened = await openStoredReport({ report: row, reviewerId: f.reviewer.id, keys: f.reviewer.keys, directory: f.directory });
      expect(opened.report).toEqual({ v: 1, narrative: 'backup me' });
      const attachment = row.attachments[0]!;
      const plain = await decryptAttachmentStream({ source: restored.readObject({ storageKey: attachment.storageKey, count: attachment.chunkCount }), key, binding: { reportId, index: 0 } });
      expect(Buffer.from(await new Response(plain).arrayBuffer()).equals(Buffer.from(file))).toBe(true);

      // The upload that was in progress resumes on the restored deployment where it stopped.
      const access = { db, serverSecret: f.settings.serverSecret, accessToken: unfinished.accessToken, attachmentId: unfinished.id };
      expect((await getUploadStatus(access)).receivedChunks).toBe(2);
      await storeChunk({ ...access, storage: restored, n: 2, request: new Request('http://localhost/x', { method: 'PUT', body: unfinished.lastPiece }) });
      const resumed = await db.attachment.findUniqueOrThrow({ where: { id: unfinished.id } });
      const whole = await new Response(restored.readObject({ storageKey: resumed.storageKey, count: resumed.chunkCount })).arrayBuffer();
      expect(Buffer.from(whole).equals(Buffer.from(unfinished.ciphertext))).toBe(true);

      // Restoring again over a deployment that now holds data is refused without --force.
      await expect(restoreBackup({ fromDir: path.join(work, 'backup'), databaseUrl: targetUrl, storage: restored })).rejects.toThrow(/already holds/);
    } finally {
      await db.$disconnect();
      await target.drop();
    }
  });

  it('refuses a damaged backup and restores nothing', async () => {
    const out = path.join(work, 'damaged');
    const manifest = await createBackup({ databaseUrl: f.t.url, storage, outDir: out });
    const piece = Object.keys(manifest.files).find((name) => name.startsWith('uploads'))!;
    const bytes = fs.readFileSync(path.join(out, piece));
    bytes[100] = bytes[100]! ^ 1;
    fs.writeFileSync(path.join(out, piece), bytes);
    const targetUrl = `file:${path.join(work, 'never.db')}`;
    const target = localDiskStorage(path.join(work, 'never'));
    await expect(restoreBackup({ fromDir: out, databaseUrl: targetUrl, storage: target })).rejects.toThrow(/damaged/);
    expect(fs.existsSync(path.join(work, 'never.db'))).toBe(false);
    expect(fs.existsSync(path.join(work, 'never'))).toBe(false);
  });
});
