import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3_MIN_PART_BYTES, startS3TestServer, type TS3TestServer } from './s3-server';

/** The multipart operations test/s3-server.ts adds to s3rver behave as S3 documents them. */
describe('the S3 test server', () => {
  let server: TS3TestServer;
  let client: S3Client;
  beforeAll(async () => {
    server = await startS3TestServer();
    client = new S3Client({
      region: server.region,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });

  const create = async (Key: string) => (await client.send(new CreateMultipartUploadCommand({ Bucket: server.bucket, Key }))).UploadId!;
  const part = (Key: string, UploadId: string, PartNumber: number, size: number) =>
    client.send(new UploadPartCommand({ Bucket: server.bucket, Key, UploadId, PartNumber, Body: new Uint8Array(size).fill(PartNumber), ContentLength: size }));
  const errorName = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: { name?: string }) => e.name);

  it('lists uploads by prefix and their parts, and forgets an aborted upload', async () => {
    const a = await create('x/one');
    const b = await create('y/two');
    await part('x/one', a, 1, 100);
    const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: 'x/' }));
    expect(listed.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([['x/one', a]]);
    expect(listed.Uploads?.[0]?.Initiated).toBeInstanceOf(Date);
    const parts = await client.send(new ListPartsCommand({ Bucket: server.bucket, Key: 'x/one', UploadId: a }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[1, 100]]);
    await client.send(new AbortMultipartUploadCommand({ Bucket: server.bucket, Key: 'x/one', UploadId: a }));
    expect(await errorName(part('x/one', a, 2, 100))).toBe('NoSuchUpload');
    expect(await errorName(client.send(new ListPartsCommand({ Bucket: server.bucket, Key: 'x/one', UploadId: a })))).toBe('NoSuchUpload');
    expect(server.openUploads().map((u) => u.uploadId)).toEqual([b]);
  });

  it('refuses to complete with a part below 5 MiB that is not the last, or with a wrong ETag', async () => {
    const id = await create('z/three');
    const one = await part('z/three', id, 1, 1024);
    const two = await part('z/three', id, 2, 10);
    const complete = (Parts: { PartNumber: number; ETag: string }[]) =>
      client.send(new CompleteMultipartUploadCommand({ Bucket: server.bucket, Key: 'z/three', UploadId: id, MultipartUpload: { Parts } }));
    expect(await errorName(complete([{ PartNumber: 1, ETag: one.ETag! }, { PartNumber: 2, ETag: two.ETag! }]))).toBe('EntityTooSmall');
    expect(await errorName(complete([{ PartNumber: 1, ETag: two.ETag! }]))).toBe('InvalidPart');
    const big = await part('z/three', id, 1, S3_MIN_PART_BYTES);
    expect(await errorName(complete([{ PartNumber: 1, ETag: big.ETag! }, { PartNumber: 2, ETag: two.ETag! }]))).toBe('no error');
    expect(await errorName(complete([{ PartNumber: 1, ETag: big.ETag! }]))).toBe('NoSuchUpload');
  });
});
