import fs from 'node:fs';
import path from 'node:path';
import { AbortMultipartUploadCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentEncryptedSize, createAttachmentKey, decryptAttachmentStream, encryptAttachmentBlob } from '@/lib/crypto';
import { AppError } from '@/lib/http/errors';
import { newId } from '@/lib/ids';
import { applyRetention } from '@/lib/retention/apply-retention';
import { submitReport } from '@/lib/reports/submit-report';
import { buildSubmission, createIntakeFixture, type TIntakeFixture } from '@/lib/reports/test-support';
import { startS3TestServer, type TS3TestServer } from '@/test/s3-server';
import { cleanUpStaleUploads } from './clean-up-uploads';
import { UPLOAD_CHUNK_BYTES, uploadChunkCount } from './layout';
import { createS3Client, PIECES_PER_PART, s3ObjectKey, s3ObjectStorage, type TS3StorageConfig } from './s3-storage';
import { localDiskStorage, type TAttachmentStorage } from './storage';
import { getUploadStatus, storeChunk } from './store-chunk';

/**
 * The attachment storage contract, run against both implementations through the real upload path
 * (store-chunk.ts, a real database, real encryption): the local disk, and S3-compatible object
 * storage over HTTP against s3rver (test/s3-server.ts) on a random loopback port.
 */

const CANARY = 'Canary-файл-қазақ-attachment';

type TLane = {
  storage: TAttachmentStorage;
  /** Every folder whose files hold what the storage keeps. */
  folder: string;
  /** True while anything (a piece, an object, an unfinished upload) is kept under the key. */
  holds(storageKey: string): Promise<boolean>;
  /** Multipart uploads in progress (object storage only). */
  openUploads(): number;
  close(): Promise<void>;
};

async function diskLane(f: TIntakeFixture): Promise<TLane> {
  const folder = path.join(f.uploadDir, 'uploads');
  return {
    storage: localDiskStorage(folder),
    folder,
    holds: async (storageKey) => fs.existsSync(path.join(folder, storageKey.slice(0, 2), storageKey)),
    openUploads: () => 0,
    close: async () => undefined,
  };
}

async function s3Lane(): Promise<TLane & { server: TS3TestServer; config: TS3StorageConfig }> {
  const server = await startS3TestServer();
  const config: TS3StorageConfig = { bucket: server.bucket, region: server.region, endpoint: server.endpoint, forcePathStyle: true, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
  const client = createS3Client(config);
  const keys = async (Prefix: string) => ((await client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix }))).Contents ?? []).map((o) => o.Key!);
  return {
    server,
    config,
    storage: s3ObjectStorage(config),
    folder: server.directory,
    holds: async (storageKey) =>
      (await keys(s3ObjectKey(storageKey))).length + (await keys(`pieces/${storageKey}/`)).length + server.openUploads().filter((u) => u.key === s3ObjectKey(storageKey)).length > 0,
    openUploads: () => server.openUploads().length,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

// Vitest's deep equality takes tens of seconds on megabytes; Buffer compares them at once.
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function pieceRequest(bytes: Uint8Array) {
  return new Request('http://localhost/x', { method: 'PUT', body: new Uint8Array(bytes), headers: { 'content-type': 'application/octet-stream' } });
}

async function refusal(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).status;
}

/** Every file under `folder`, as latin1 text (so any byte sequence can be searched). */
function everythingUnder(folder: string): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(entry.name, fs.readFileSync(full).toString('latin1'));
    }
  };
  if (fs.existsSync(folder)) walk(folder);
  return out.join('\n');
}

describe.each(['local disk', 'S3-compatible object storage'] as const)('attachment storage contract: %s', (kind) => {
  let f: TIntakeFixture;
  let lane: TLane;

  beforeAll(async () => {
    f = await createIntakeFixture('sqlite');
    // Files of several multipart parts (5 pieces each), as a real deployment allows.
    f.settings = { ...f.settings, maxAttachmentBytes: 16 * 1024 * 1024 };
    lane = kind === 'local disk' ? await diskLane(f) : await s3Lane();
  });
  afterAll(async () => {
    await lane?.close();
    await f?.drop();
  });

  /** A submitted report announcing one encrypted file of `size` bytes, and an uploader for it. */
  async function announcedFile(size: number) {
    const file = new Uint8Array(size).map((_, i) => (i * 31 + 7) % 253);
    file.set(new TextEncoder().encode(CANARY), 1000);
    const key = await createAttachmentKey();
    const id = newId();
    const encryptedSize = attachmentEncryptedSize(file.length);
    const sub = await buildSubmission(f, { v: 1, narrative: 'storage contract' }, [{ id, index: 0, encryptedSize }]);
    await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
    const ciphertext = new Uint8Array(await new Response(await encryptAttachmentBlob({ blob: new Blob([file]), key, binding: { reportId: sub.reportId, index: 0 } })).arrayBuffer());
    const count = uploadChunkCount(encryptedSize);
    const piece = (n: number) => ciphertext.subarray(n * UPLOAD_CHUNK_BYTES, Math.min(encryptedSize, (n + 1) * UPLOAD_CHUNK_BYTES));
    const access = { db: f.t.db, serverSecret: f.settings.serverSecret, accessToken: sub.reporter.accessToken, attachmentId: id };
    const put = (n: number, bytes = piece(n)) => storeChunk({ ...access, storage: lane.storage, n, request: pieceRequest(bytes) });
    const status = () => getUploadStatus(access);
    const row = () => f.t.db.attachment.findUniqueOrThrow({ where: { id } });
    const readBack = async () => {
      const { storageKey, chunkCount } = await row();
      const plain = await decryptAttachmentStream({ source: lane.storage.readObject({ storageKey, count: chunkCount }), key, binding: { reportId: sub.reportId, index: 0 } });
      return new Uint8Array(await new Response(plain).arrayBuffer());
    };
    return { file, sub, count, piece, put, status, row, readBack, encryptedSize };
  }

  it('takes pieces in order, resumes after a lost answer, refuses replays and gaps, completes, and reads back byte for byte', async () => {
    const upload = await announcedFile(11 * 1024 * 1024 + 5000);
    expect(upload.count).toBeGreaterThan(2 * PIECES_PER_PART); // three parts on object storage
    for (let n = 0; n < 3; n += 1) await upload.put(n);
    // Piece 3 reaches the server, but its answer is lost: the status says it arrived.
    void (await upload.put(3));
    expect((await upload.status()).receivedChunks).toBe(4);
    expect(await refusal(upload.put(3))).toBe(409); // the browser's replay of it
    expect(await refusal(upload.put(6))).toBe(409); // out of order
    expect(await refusal(upload.put(4, upload.piece(4).subarray(1)))).toBe(400); // truncated
    for (let n = 4; n < upload.count; n += 1) await upload.put(n);
    expect(await upload.status()).toMatchObject({ receivedChunks: upload.count, isComplete: true });
    expect(await refusal(upload.put(upload.count - 1))).toBe(409);
    expect(sameBytes(await upload.readBack(), upload.file)).toBe(true);
    expect(lane.openUploads()).toBe(0);
    // Nothing readable anywhere the storage keeps its bytes.
    expect(everythingUnder(lane.folder)).not.toContain(CANARY);
  });

  it('accepts again a piece that was stored just before a crash but never counted', async () => {
    const upload = await announcedFile(6 * 1024 * 1024);
    expect(upload.count).toBe(PIECES_PER_PART + 2);
    const { storageKey, chunkCount } = await upload.row();
    for (let n = 0; n < 4; n += 1) await upload.put(n);
    // Piece 4 (the end of the first part) is stored, then the process dies before the database moves on.
    await lane.storage.putChunk({ storageKey, n: 4, count: chunkCount, bytes: upload.piece(4) });
    expect((await upload.status()).receivedChunks).toBe(4);
    await upload.put(4);
    await upload.put(5);
    // The same for the last piece, which completes the file on object storage.
    await lane.storage.putChunk({ storageKey, n: 6, count: chunkCount, bytes: upload.piece(6) });
    await upload.put(6);
    expect((await upload.status()).isComplete).toBe(true);
    expect(sameBytes(await upload.readBack(), upload.file)).toBe(true);
    expect(lane.openUploads()).toBe(0);
  });

  it('keeps one copy when the same piece arrives twice at once', async () => {
    const upload = await announcedFile(6 * 1024 * 1024);
    for (let n = 0; n < 4; n += 1) await upload.put(n);
    // Both copies may pass the order check and both reach the storage; one is counted.
    const results = await Promise.allSettled([upload.put(4), upload.put(4)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (let n = 5; n < upload.count; n += 1) await upload.put(n);
    expect(sameBytes(await upload.readBack(), upload.file)).toBe(true);
    expect(lane.openUploads()).toBe(0);
  });

  it('deletes a finished file completely, and deleting again is harmless', async () => {
    const upload = await announcedFile(1_500_000);
    for (let n = 0; n < upload.count; n += 1) await upload.put(n);
    const { storageKey } = await upload.row();
    expect(await lane.holds(storageKey)).toBe(true);
    await lane.storage.deleteObject(storageKey);
    expect(await lane.holds(storageKey)).toBe(false);
    await lane.storage.deleteObject(storageKey);
  });

  it('lets the clean-up of abandoned uploads abort an unfinished upload and remove its pieces', async () => {
    const upload = await announcedFile(11 * 1024 * 1024);
    for (let n = 0; n < 7; n += 1) await upload.put(n); // one whole part sent, two pieces of the next
    const { storageKey, id } = await upload.row();
    if (kind !== 'local disk') expect(lane.openUploads()).toBe(1);
    const removed = await cleanUpStaleUploads({ db: f.t.db, storage: lane.storage, now: new Date(Date.now() + 4 * 86_400_000) });
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await f.t.db.attachment.findUnique({ where: { id } })).toBeNull();
    expect(await lane.holds(storageKey)).toBe(false);
    expect(lane.openUploads()).toBe(0);
  });

  it('lets retention delete a closed report whose upload never finished, aborting the upload', async () => {
    const upload = await announcedFile(6 * 1024 * 1024);
    for (let n = 0; n < 5; n += 1) await upload.put(n);
    const { storageKey } = await upload.row();
    expect(await lane.holds(storageKey)).toBe(true);
    await f.t.db.report.update({ where: { id: upload.sub.reportId }, data: { status: 'closed', updatedDay: '2020-01-01' } });
    const organisation = await f.t.db.organisation.update({ where: { slug: 'demo' }, data: { retentionDays: 30 } });
    const [result] = await applyRetention({ db: f.t.db, storage: lane.storage, serverSecret: f.settings.serverSecret, organisationId: organisation.id });
    expect(result).toMatchObject({ deletedReports: 1, deletedFiles: 1 });
    expect(await lane.holds(storageKey)).toBe(false);
    expect(lane.openUploads()).toBe(0);
  });
});

describe('S3-compatible object storage', () => {
  let f: TIntakeFixture;
  let lane: Awaited<ReturnType<typeof s3Lane>>;
  beforeAll(async () => {
    f = await createIntakeFixture('sqlite');
    f.settings = { ...f.settings, maxAttachmentBytes: 16 * 1024 * 1024 };
    lane = await s3Lane();
  });
  afterAll(async () => {
    await lane?.close();
    await f?.drop();
  });

  it('stores one object per finished file under its random key, in parts of at least 5 MiB, with no metadata', async () => {
    const id = newId();
    const encryptedSize = attachmentEncryptedSize(7 * 1024 * 1024);
    const sub = await buildSubmission(f, { v: 1, narrative: 'layout' }, [{ id, index: 0, encryptedSize }]);
    await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
    const { storageKey, chunkCount } = await f.t.db.attachment.findUniqueOrThrow({ where: { id } });
    const ciphertext = new Uint8Array(encryptedSize).map((_, i) => i % 256);
    for (let n = 0; n < chunkCount; n += 1) {
      await storeChunk({
        db: f.t.db,
        storage: lane.storage,
        serverSecret: f.settings.serverSecret,
        accessToken: sub.reporter.accessToken,
        attachmentId: id,
        n,
        request: pieceRequest(ciphertext.subarray(n * UPLOAD_CHUNK_BYTES, (n + 1) * UPLOAD_CHUNK_BYTES)),
      });
      // While the first part is being gathered its pieces are objects; after it, one upload is open.
      if (n === PIECES_PER_PART - 2) expect(lane.server.openUploads()).toHaveLength(0);
      if (n === PIECES_PER_PART - 1) expect(lane.server.openUploads()).toEqual([{ key: `attachments/${storageKey}`, uploadId: expect.any(String), parts: 1 }]);
    }
    const client = createS3Client(lane.config);
    try {
      const listed = (await client.send(new ListObjectsV2Command({ Bucket: lane.config.bucket }))).Contents ?? [];
      expect(listed.map((o) => o.Key)).toEqual([`attachments/${storageKey}`]);
      expect(listed[0]!.Size).toBe(encryptedSize);
      const head = await client.send(new HeadObjectCommand({ Bucket: lane.config.bucket, Key: `attachments/${storageKey}` }));
      expect(head.Metadata).toEqual({});
      expect(head.ContentType).toBe('application/octet-stream');
    } finally {
      client.destroy();
    }
    const back = new Uint8Array(await new Response(lane.storage.readObject({ storageKey, count: chunkCount })).arrayBuffer());
    expect(sameBytes(back, ciphertext)).toBe(true);
  });

  it('completes a file whose open upload was aborted meanwhile (e.g. by a bucket lifecycle rule), from the stored pieces', async () => {
    const id = newId();
    const encryptedSize = attachmentEncryptedSize(6 * 1024 * 1024);
    const sub = await buildSubmission(f, { v: 1, narrative: 'repair' }, [{ id, index: 0, encryptedSize }]);
    await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
    const { storageKey, chunkCount } = await f.t.db.attachment.findUniqueOrThrow({ where: { id } });
    const ciphertext = new Uint8Array(encryptedSize).map((_, i) => (i * 3) % 256);
    const put = (n: number) =>
      storeChunk({
        db: f.t.db,
        storage: lane.storage,
        serverSecret: f.settings.serverSecret,
        accessToken: sub.reporter.accessToken,
        attachmentId: id,
        n,
        request: pieceRequest(ciphertext.subarray(n * UPLOAD_CHUNK_BYTES, (n + 1) * UPLOAD_CHUNK_BYTES)),
      });
    for (let n = 0; n < PIECES_PER_PART; n += 1) await put(n);
    const [first] = lane.server.openUploads();
    const client = createS3Client(lane.config);
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: lane.config.bucket, Key: first!.key, UploadId: first!.uploadId }));
    } finally {
      client.destroy();
    }
    for (let n = PIECES_PER_PART; n < chunkCount; n += 1) await put(n);
    expect(lane.server.openUploads()).toEqual([]);
    const back = new Uint8Array(await new Response(lane.storage.readObject({ storageKey, count: chunkCount })).arrayBuffer());
    expect(sameBytes(back, ciphertext)).toBe(true);
  });

  it('answers 503, not 500, when the object store cannot be reached', async () => {
    const storage = s3ObjectStorage({ ...lane.config, endpoint: 'http://127.0.0.1:9' });
    const status = await refusal(storage.putChunk({ storageKey: newId(), n: 0, count: 1, bytes: new Uint8Array(10) }));
    expect(status).toBe(503);
  });
});
