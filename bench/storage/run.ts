/**
 * Attachment storage benchmark (`npm run bench:storage`): the same 20 MiB of ciphertext uploaded in
 * 1 MiB pieces (`putChunk`, in order, as the upload route does), read back as one stream and deleted,
 * on the local disk and on S3-compatible object storage (s3rver on a random loopback port, the test
 * server of test/s3-server.ts). A few rounds each; prints a table of medians and, last, one JSON line.
 * It measures the storage layer alone (no database, no HTTP from a browser). Bounded: 3 rounds by
 * default (BENCH_ROUNDS), and it gives up after BENCH_TIME_LIMIT_MS (default 5 minutes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UPLOAD_CHUNK_BYTES, uploadChunkCount } from '../../lib/attachments/layout';
import { s3ObjectStorage } from '../../lib/attachments/s3-storage';
import { localDiskStorage, type TAttachmentStorage } from '../../lib/attachments/storage';
import { newId } from '../../lib/ids';
import { startS3TestServer } from '../../test/s3-server';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TIME_LIMIT_MS = Number(process.env.BENCH_TIME_LIMIT_MS ?? 5 * 60_000);
const SIZE = 20 * 1024 * 1024 + 12_345;
const MiB = 1024 * 1024;

setTimeout(() => {
  console.error(`bench:storage: time limit of ${TIME_LIMIT_MS} ms reached, stopping`);
  process.exit(2);
}, TIME_LIMIT_MS).unref();

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function round(storage: TAttachmentStorage, data: Uint8Array) {
  const storageKey = newId();
  const count = uploadChunkCount(data.length);
  const pieceMs: number[] = [];
  const started = performance.now();
  for (let n = 0; n < count; n += 1) {
    const t = performance.now();
    await storage.putChunk({ storageKey, n, count, bytes: data.subarray(n * UPLOAD_CHUNK_BYTES, Math.min(data.length, (n + 1) * UPLOAD_CHUNK_BYTES)) });
    pieceMs.push(performance.now() - t);
  }
  const uploadMs = performance.now() - started;
  const readStart = performance.now();
  let read = 0;
  for await (const chunk of storage.readObject({ storageKey, count }) as unknown as AsyncIterable<Uint8Array>) read += chunk.length;
  const readMs = performance.now() - readStart;
  if (read !== data.length) throw new Error(`read ${read} bytes of ${data.length}`);
  const deleteStart = performance.now();
  await storage.deleteObject(storageKey);
  const deleteMs = performance.now() - deleteStart;
  return { uploadMs, readMs, deleteMs, pieceP50: median(pieceMs), pieceMax: Math.max(...pieceMs) };
}

async function main() {
  const data = randomBytes(SIZE);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-bench-storage-'));
  const s3 = await startS3TestServer();
  const lanes: [string, TAttachmentStorage][] = [
    ['disk', localDiskStorage(dir)],
    ['s3', s3ObjectStorage({ bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey })],
  ];
  const results: Record<string, Record<string, number>> = {};
  try {
    for (const [name, storage] of lanes) {
      const rounds: Awaited<ReturnType<typeof round>>[] = [];
      for (let i = 0; i < ROUNDS; i += 1) rounds.push(await round(storage, data));
      const pick = (k: keyof (typeof rounds)[number]) => median(rounds.map((r) => r[k]));
      results[name] = {
        upload_mib_s: SIZE / MiB / (pick('uploadMs') / 1000),
        piece_p50_ms: pick('pieceP50'),
        piece_max_ms: pick('pieceMax'),
        read_mib_s: SIZE / MiB / (pick('readMs') / 1000),
        delete_ms: pick('deleteMs'),
      };
    }
  } finally {
    await s3.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const load = os.loadavg()[0]!;
  console.log(`attachment storage, ${(SIZE / MiB).toFixed(1)} MiB in 1 MiB pieces, median of ${ROUNDS} rounds, load ${load.toFixed(2)}`);
  console.log('storage  upload MiB/s  piece p50 ms  piece max ms  read MiB/s  delete ms');
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(8)} ${r.upload_mib_s!.toFixed(1).padStart(12)} ${r.piece_p50_ms!.toFixed(1).padStart(13)} ${r.piece_max_ms!.toFixed(1).padStart(13)} ${r.read_mib_s!.toFixed(1).padStart(11)} ${r.delete_ms!.toFixed(1).padStart(10)}`);
  }
  const round1 = (v: number) => Math.round(v * 10) / 10;
  console.log(JSON.stringify({ bench: 'storage', size_mib: round1(SIZE / MiB), rounds: ROUNDS, load_1m: round1(load), ...Object.fromEntries(Object.entries(results).flatMap(([name, r]) => Object.entries(r).map(([k, v]) => [`${name}_${k}`, round1(v)]))) }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
