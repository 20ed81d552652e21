import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AppError } from '@/lib/http/errors';
import { UPLOAD_CHUNK_BYTES } from './layout';
import { storageKeyPattern, type TAttachmentStorage } from './storage';

/**
 * Attachment storage on S3-compatible object storage (AWS S3, MinIO, Ceph RGW, …) with the AWS SDK.
 *
 * The reporter's browser uploads 1 MiB pieces, but S3 refuses multipart parts below 5 MiB (except
 * the last), so one part cannot be one piece. The mapping:
 * - every piece is first stored as its own object, `pieces/<key>/<n>` (so a piece is durable, and
 *   can be written again, before its answer goes out, exactly like a file on the local disk);
 * - each run of PIECES_PER_PART pieces (5 × 1 MiB = the 5 MiB minimum) becomes one part of the
 *   multipart upload of `attachments/<key>`, uploaded when the run's last piece arrives;
 * - when the file's last piece arrives the upload is completed (any part that is missing or of the
 *   wrong size, e.g. after two copies of a piece raced, is uploaded again from the pieces first),
 *   and only then are the piece objects deleted. Until then they are also what a backup copies.
 * Reading a finished file is one GET, streamed. `deleteObject` aborts every multipart upload under
 * the key and deletes the pieces and the object; the clean-up of abandoned uploads and retention
 * call it. The multipart upload id is found with ListMultipartUploads, never kept in the database.
 *
 * Nothing but ciphertext is stored and no metadata is set: no `x-amz-meta-*`, no tags, no names;
 * keys are the random storage key. The app talks to the bucket itself (no presigned URLs), so the
 * object store never sees a reporter's address.
 */

export type TS3StorageConfig = {
  bucket: string;
  region: string;
  /** For MinIO and other S3-compatible servers; empty for AWS S3. */
  endpoint?: string;
  /** Path-style addressing (`https://host/bucket/key`), which MinIO usually needs. */
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
};

const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
/** Pieces per multipart part: the fewest whole pieces that reach S3's minimum part size. */
export const PIECES_PER_PART = Math.ceil(S3_MIN_PART_BYTES / UPLOAD_CHUNK_BYTES);

export const s3ObjectKey = (storageKey: string) => `attachments/${checked(storageKey)}`;
const piecePrefix = (storageKey: string) => `pieces/${checked(storageKey)}/`;
const pieceKey = (storageKey: string, n: number) => `${piecePrefix(storageKey)}${String(n).padStart(6, '0')}`;

function checked(storageKey: string): string {
  if (!storageKeyPattern.test(storageKey)) throw new Error('invalid storage key');
  return storageKey;
}

const partOf = (n: number) => Math.floor(n / PIECES_PER_PART) + 1;
const isLastOfPart = (n: number, count: number) => n === count - 1 || (n + 1) % PIECES_PER_PART === 0;

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode === 404 || e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.name === 'NoSuchUpload';
}

/** Any failure of the object store other than "not found": a 503 the reporter's browser retries. */
function unavailable(error: unknown): never {
  if (error instanceof AppError) throw error;
  throw new AppError('unavailable', 'The file store did not answer. Nothing was lost; please try again.');
}

export function createS3Client(config: TS3StorageConfig): S3Client {
  return new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, ...(config.sessionToken ? { sessionToken: config.sessionToken } : {}) },
    // Checksums only where S3 requires them: many S3-compatible servers do not accept the
    // CRC trailers the SDK would otherwise add to every upload.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}

export function s3ObjectStorage(config: TS3StorageConfig, client: S3Client = createS3Client(config)): TAttachmentStorage {
  const Bucket = config.bucket;

  async function getBytes(Key: string): Promise<Uint8Array> {
    const answer = await client.send(new GetObjectCommand({ Bucket, Key }));
    return answer.Body!.transformToByteArray();
  }

  async function objectSize(storageKey: string): Promise<number | null> {
    try {
      return (await client.send(new HeadObjectCommand({ Bucket, Key: s3ObjectKey(storageKey) }))).ContentLength ?? null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** The multipart uploads in progress for this key, oldest first (ties: by upload id). */
  async function findUploads(storageKey: string): Promise<string[]> {
    const Key = s3ObjectKey(storageKey);
    const found: { id: string; at: number }[] = [];
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (;;) {
      const page = await client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: Key, KeyMarker, UploadIdMarker }));
      for (const upload of page.Uploads ?? []) {
        if (upload.Key === Key && upload.UploadId) found.push({ id: upload.UploadId, at: upload.Initiated?.getTime() ?? 0 });
      }
      if (!page.IsTruncated) break;
      KeyMarker = page.NextKeyMarker;
      UploadIdMarker = page.NextUploadIdMarker;
    }
    return found.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((u) => u.id);
  }

  /**
   * The upload the parts go to. Two copies of one piece can race to create it; both then choose
   * the oldest, and completion repairs any part that went to the other (from the piece objects).
   */
  async function ensureUpload(storageKey: string): Promise<string> {
    const existing = await findUploads(storageKey);
    if (existing[0]) return existing[0];
    await client.send(new CreateMultipartUploadCommand({ Bucket, Key: s3ObjectKey(storageKey), ContentType: 'application/octet-stream' }));
    return (await findUploads(storageKey))[0]!;
  }

  /** Uploads part `part` from the stored pieces (and `current`, the piece just received). */
  async function uploadPart(options: { storageKey: string; uploadId: string; part: number; count: number; current?: { n: number; bytes: Uint8Array } }) {
    const first = (options.part - 1) * PIECES_PER_PART;
    const last = Math.min(options.part * PIECES_PER_PART, options.count) - 1;
    const pieces: Uint8Array[] = [];
    // At most PIECES_PER_PART MiB in memory per request; bounded, and retried whole by the SDK.
    for (let n = first; n <= last; n += 1) pieces.push(options.current?.n === n ? options.current.bytes : await getBytes(pieceKey(options.storageKey, n)));
    const body = Buffer.concat(pieces);
    const answer = await client.send(
      new UploadPartCommand({ Bucket, Key: s3ObjectKey(options.storageKey), UploadId: options.uploadId, PartNumber: options.part, Body: body, ContentLength: body.length }),
    );
    return { PartNumber: options.part, ETag: answer.ETag!, size: body.length };
  }

  async function listParts(storageKey: string, uploadId: string) {
    const parts = new Map<number, { ETag: string; size: number }>();
    let PartNumberMarker: string | undefined;
    for (;;) {
      const page = await client.send(new ListPartsCommand({ Bucket, Key: s3ObjectKey(storageKey), UploadId: uploadId, PartNumberMarker }));
      for (const p of page.Parts ?? []) if (p.PartNumber && p.ETag) parts.set(p.PartNumber, { ETag: p.ETag, size: p.Size ?? -1 });
      if (!page.IsTruncated) break;
      PartNumberMarker = page.NextPartNumberMarker;
    }
    return parts;
  }

  async function deletePieces(storageKey: string): Promise<void> {
    let ContinuationToken: string | undefined;
    for (;;) {
      const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: piecePrefix(storageKey), ContinuationToken }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys, Quiet: true } }));
      if (!page.IsTruncated) break;
      ContinuationToken = page.NextContinuationToken;
    }
  }

  async function abortUploads(storageKey: string, keep?: string): Promise<void> {
    for (const UploadId of await findUploads(storageKey)) {
      if (UploadId === keep) continue;
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket, Key: s3ObjectKey(storageKey), UploadId }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }

  /** Completes the upload once the last piece is in, repairing missing or short parts first. */
  async function complete(options: { storageKey: string; uploadId: string; count: number; lastBytes: Uint8Array; expectedSize: number }) {
    const { storageKey, uploadId, count } = options;
    const listed = await listParts(storageKey, uploadId);
    const parts: { PartNumber: number; ETag: string }[] = [];
    for (let part = 1; part <= partOf(count - 1); part += 1) {
      const last = Math.min(part * PIECES_PER_PART, count) - 1;
      const size = (last - (part - 1) * PIECES_PER_PART) * UPLOAD_CHUNK_BYTES + (last === count - 1 ? options.lastBytes.length : UPLOAD_CHUNK_BYTES);
      const have = listed.get(part);
      parts.push(have && have.size === size ? { PartNumber: part, ETag: have.ETag } : await uploadPart({ storageKey, uploadId, part, count, current: { n: count - 1, bytes: options.lastBytes } }));
    }
    try {
      await client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key: s3ObjectKey(storageKey), UploadId: uploadId, MultipartUpload: { Parts: parts.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) } }),
      );
    } catch (error) {
      // Another copy of the last piece completed it first: the object is there, whole.
      if (!(isNotFound(error) && (await objectSize(storageKey)) === options.expectedSize)) throw error;
    }
    await deletePieces(storageKey);
    await abortUploads(storageKey);
  }

  return {
    async putChunk({ storageKey, n, count, bytes }) {
      try {
        const isLast = n === count - 1;
        const expectedSize = (count - 1) * UPLOAD_CHUNK_BYTES + bytes.length;
        // The last piece again after a crash between completion and the database: already whole.
        if (isLast && (await objectSize(storageKey)) === expectedSize) return;
        await client.send(new PutObjectCommand({ Bucket, Key: pieceKey(storageKey, n), Body: bytes, ContentLength: bytes.length, ContentType: 'application/octet-stream' }));
        if (!isLastOfPart(n, count)) return;
        const uploadId = await ensureUpload(storageKey);
        await uploadPart({ storageKey, uploadId, part: partOf(n), count, current: { n, bytes } });
        if (isLast) await complete({ storageKey, uploadId, count, lastBytes: bytes, expectedSize });
      } catch (error) {
        unavailable(error);
      }
    },

    readObject({ storageKey, count, received = count }) {
      // A finished file is one object; an unfinished one (read by backups) is its piece objects,
      // or ranges of the object if it was completed since the caller counted its pieces.
      const sources: (() => Promise<Readable>)[] = [];
      const open = async (Key: string, Range?: string) => (await client.send(new GetObjectCommand({ Bucket, Key, ...(Range ? { Range } : {}) }))).Body as Readable;
      if (received === count) {
        sources.push(() => open(s3ObjectKey(storageKey)));
      } else {
        for (let n = 0; n < received; n += 1) {
          sources.push(async () => {
            try {
              return await open(pieceKey(storageKey, n));
            } catch (error) {
              if (!isNotFound(error)) throw error;
              return open(s3ObjectKey(storageKey), `bytes=${n * UPLOAD_CHUNK_BYTES}-${(n + 1) * UPLOAD_CHUNK_BYTES - 1}`);
            }
          });
        }
      }
      let next = 0;
      let current: { body: Readable; chunks: AsyncIterator<Buffer> } | null = null;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          for (;;) {
            if (!current) {
              if (next >= sources.length) return controller.close();
              const body = await sources[next]!();
              next += 1;
              current = { body, chunks: body[Symbol.asyncIterator]() };
            }
            const chunk = await current.chunks.next();
            if (chunk.done) {
              current = null;
              continue;
            }
            controller.enqueue(new Uint8Array(chunk.value));
            return;
          }
        },
        cancel() {
          current?.body.destroy();
        },
      });
    },

    async deleteObject(storageKey) {
      try {
        await abortUploads(storageKey);
        await deletePieces(storageKey);
        await client.send(new DeleteObjectCommand({ Bucket, Key: s3ObjectKey(storageKey) }));
      } catch (error) {
        unavailable(error);
      }
    },
  };
}
