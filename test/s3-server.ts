import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/**
 * An S3-compatible server for tests: s3rver (npm) in this process, on a random loopback port, with
 * its files in a temporary folder. Clients reach it over real HTTP with the AWS SDK.
 *
 * s3rver 3.7.1 implements CreateMultipartUpload, UploadPart and CompleteMultipartUpload, but not
 * AbortMultipartUpload, ListParts or ListMultipartUploads (it answers 405 or 501), and it completes
 * an upload without the checks real S3 makes. Those are exactly what resumable uploads and their
 * clean-up depend on, so this file adds them in front of s3rver's router, over s3rver's own upload
 * folder (`<bucket>/._S3rver_uploads/<uploadId>/{key,metadata,<n>,<n>.md5}`), as the S3 API
 * reference describes them:
 * - AbortMultipartUpload (DELETE ?uploadId): removes the upload and its parts; NoSuchUpload after.
 * - ListParts (GET ?uploadId): part number, ETag (MD5) and size of each part.
 * - ListMultipartUploads (GET bucket?uploads&prefix=): key, upload id and initiation time.
 * - UploadPart and CompleteMultipartUpload on an unknown or aborted upload: NoSuchUpload (s3rver
 *   would create it again); CompleteMultipartUpload also refuses parts out of order
 *   (InvalidPartOrder), a listed part that is missing or whose ETag differs (InvalidPart), and a
 *   part other than the last one below 5 MiB (EntityTooSmall), as AWS S3 and MinIO do.
 * Everything else (objects, listings, deletes, signatures) is s3rver's own behaviour.
 */

export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;

export type TS3TestServer = {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** s3rver's folder: every byte the server stores is under it (tests search it for plaintext). */
  directory: string;
  /** Multipart uploads in progress in the bucket, read from s3rver's folder. */
  openUploads(): { key: string; uploadId: string; parts: number }[];
  close(): Promise<void>;
};

type KoaContext = {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  req: NodeJS.ReadableStream;
  status: number;
  type: string;
  body: unknown;
  set(field: string, value: string): void;
};
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

// s3rver's fixed development credentials (any other key is refused with InvalidAccessKeyId).
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';

const xmlEscape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function xml(ctx: KoaContext, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}

function s3Error(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.set('x-amz-error-code', code);
  xml(ctx, status, `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`);
}

async function readText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts a server with one empty bucket. */
export async function startS3TestServer(options: { bucket?: string } = {}): Promise<TS3TestServer> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-s3-'));
  const bucket = options.bucket ?? `qorgau-test-${randomBytes(4).toString('hex')}`;
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const store = (server as unknown as { store: { putObjectMultipart(bucket: string, uploadId: string, parts: { number: number; etag: string }[]): Promise<{ md5: string }> } }).store;
  const uploadsDir = (name: string) => path.join(directory, name, '._S3rver_uploads');
  const uploadDir = (name: string, uploadId: string) => (/^[0-9a-f]{32}$/.test(uploadId) ? path.join(uploadsDir(name), uploadId) : null);

  const listUploads = (name: string) => {
    if (!fs.existsSync(uploadsDir(name))) return [];
    return fs.readdirSync(uploadsDir(name)).map((uploadId) => {
      const dir = path.join(uploadsDir(name), uploadId);
      const parts = fs
        .readdirSync(dir)
        .filter((f) => /^\d+$/.test(f))
        .map((f) => ({ number: Number(f), size: fs.statSync(path.join(dir, f)).size, md5: fs.readFileSync(path.join(dir, `${f}.md5`), 'utf8') }))
        .sort((a, b) => a.number - b.number);
      return { key: fs.readFileSync(path.join(dir, 'key'), 'utf8'), uploadId, initiated: fs.statSync(path.join(dir, 'key')).mtime, parts };
    });
  };
  const findUpload = (name: string, key: string, uploadId: string) => {
    const dir = uploadDir(name, uploadId);
    if (!dir || !fs.existsSync(path.join(dir, 'key')) || fs.readFileSync(path.join(dir, 'key'), 'utf8') !== key) return null;
    return listUploads(name).find((u) => u.uploadId === uploadId) ?? null;
  };

  const multipart: Middleware = async (ctx, next) => {
    const match = /^\/([^/]+)(?:\/(.*))?$/.exec(ctx.path);
    if (!match) return next();
    const name = decodeURIComponent(match[1]!);
    const key = match[2] ? decodeURIComponent(match[2]) : undefined;
    const uploadId = typeof ctx.query.uploadId === 'string' ? ctx.query.uploadId : undefined;

    if (key === undefined) {
      if (ctx.method !== 'GET' || !('uploads' in ctx.query)) return next();
      const prefix = typeof ctx.query.prefix === 'string' ? ctx.query.prefix : '';
      const uploads = listUploads(name)
        .filter((u) => u.key.startsWith(prefix))
        .sort((a, b) => a.key.localeCompare(b.key) || a.initiated.getTime() - b.initiated.getTime());
      const entries = uploads.map((u) => `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`);
      return xml(
        ctx,
        200,
        `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(name)}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><Prefix>${xmlEscape(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${entries.join('')}</ListMultipartUploadsResult>`,
      );
    }
    if (uploadId === undefined) return next();
    const upload = findUpload(name, key, uploadId);
    if (!upload) return s3Error(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.');

    if (ctx.method === 'DELETE') {
      fs.rmSync(uploadDir(name, uploadId)!, { recursive: true, force: true });
      ctx.status = 204;
      ctx.body = null;
      return;
    }
    if (ctx.method === 'GET') {
      const parts = upload.parts.map((p) => `<Part><PartNumber>${p.number}</PartNumber><ETag>"${p.md5}"</ETag><Size>${p.size}</Size></Part>`);
      return xml(
        ctx,
        200,
        `<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(name)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId><PartNumberMarker>0</PartNumberMarker><MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`,
      );
    }
    if (ctx.method === 'POST') {
      const body = await readText(ctx.req);
      const listed = [...body.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({
        number: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(m[1]!)?.[1]),
        etag: (/<ETag>([\s\S]*?)<\/ETag>/.exec(m[1]!)?.[1] ?? '').replace(/&quot;|&#34;|"/g, ''),
      }));
      if (listed.length === 0) return s3Error(ctx, 400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
      for (let i = 0; i < listed.length; i += 1) {
        const part = listed[i]!;
        if (i > 0 && part.number <= listed[i - 1]!.number) return s3Error(ctx, 400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
        const stored = upload.parts.find((p) => p.number === part.number);
        if (!stored || stored.md5 !== part.etag) return s3Error(ctx, 400, 'InvalidPart', `Part ${part.number} could not be found or its ETag does not match.`);
        if (i < listed.length - 1 && stored.size < S3_MIN_PART_BYTES) return s3Error(ctx, 400, 'EntityTooSmall', `Part ${part.number} is smaller than the minimum allowed size.`);
      }
      const { md5 } = await store.putObjectMultipart(name, uploadId, listed);
      return xml(
        ctx,
        200,
        `<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(name)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>"${md5}"</ETag></CompleteMultipartUploadResult>`,
      );
    }
    return next(); // PUT ?partNumber&uploadId on an existing upload: s3rver's UploadPart
  };

  // Before s3rver's router (the last middleware), after its logging and XML encoding.
  const middleware = (server as unknown as { middleware: Middleware[] }).middleware;
  middleware.splice(middleware.length - 1, 0, multipart);
  const address = await server.run();

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    region: 'us-east-1',
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    directory,
    openUploads: () => listUploads(bucket).map((u) => ({ key: u.key, uploadId: u.uploadId, parts: u.parts.length })),
    close: async () => {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

