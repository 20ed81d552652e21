/**
 * The crypto benchmarks, written once and run both in Chromium (bundled by run.ts) and in Node for reference. Each
 * returns plain numbers. The raw-cipher baseline talks to libsodium directly, which is why this file lives in
 * bench/crypto (the boundary test allows it there and nowhere else outside lib/crypto).
 */
import sodium from 'libsodium-wrappers-sumo';
import * as openpgp from 'openpgp';

import {
  attachmentEncryptedSize,
  createAttachmentKey,
  createReceipt,
  createTeamKey,
  deriveReporterKeys,
  deriveReviewerPasswordKeys,
  encryptAttachmentBlob,
  ensureCryptoReady,
  issueProofOfWorkChallenge,
  openTeamRecords,
  sealReport,
  signDirectory,
  solveProofOfWork,
  verifyDirectory,
  createOrganisationKey,
  createReviewerKeys,
  decodeServerSecret,
  createServerSecret,
  type ReporterKeys,
  type TeamKey,
  type TTeamRecord,
  type VerifiedDirectory,
} from '../../lib/crypto';
import { deterministicRandom } from '../../lib/crypto/random';
import { createSecretstreamPusher, SECRETSTREAM_ABYTES, SECRETSTREAM_TAG } from '../../lib/crypto/secretstream';
import { requireSodium } from '../../lib/crypto/sodium';
import { uploadChunkCount, uploadChunkLength } from '../../lib/attachments/layout';
import { createPieceReader } from '../../lib/reporter/upload';
import { sealTeamRecordWith } from '../../lib/crypto/team-record';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
export const BULK_BYTES = 64 * MiB;
const REPORT_ID = 'bench-report-000000001';
/** Associated data of the raw cipher runs: as long as an attachment chunk's (frame of the tag, report id, index). */
const BENCH_AD = new Uint8Array(59).fill(1);

export type BenchResult = Record<string, number>;

function now(): number {
  return performance.now();
}

function mibps(bytes: number, ms: number): number {
  return bytes / MiB / (ms / 1000);
}

let bulk: Uint8Array | null = null;
/** 64 MiB of pseudo-random bytes (ChaCha20 keyed by a constant), allocated once. */
function bulkData(): Uint8Array {
  if (!bulk) bulk = sodium.randombytes_buf_deterministic(BULK_BYTES, new Uint8Array(32).fill(9));
  return bulk;
}

/**
 * Raw crypto_secretstream_xchacha20poly1305: 64 MiB in 64 KiB pushes through lib/crypto's secretstream.ts (state, AD
 * and one chunk's buffers in WebAssembly memory; each chunk copied in from the 64 MiB array and its ciphertext copied
 * out into one reused array). Returns MiB/s.
 */
async function runSecretstream(): Promise<number> {
  await ensureCryptoReady();
  const data = bulkData();
  const chunks = data.length / CHUNK;
  const start = now();
  const pusher = createSecretstreamPusher(requireSodium(), { key: sodium.crypto_secretstream_xchacha20poly1305_keygen(), ad: BENCH_AD, maxMessageLength: CHUNK });
  const out = new Uint8Array(CHUNK + SECRETSTREAM_ABYTES);
  for (let i = 0; i < chunks; i += 1) {
    pusher.push(data.subarray(i * CHUNK, (i + 1) * CHUNK), i === chunks - 1 ? SECRETSTREAM_TAG.final : SECRETSTREAM_TAG.message, out);
  }
  pusher.close();
  return mibps(data.length, now() - start);
}

/** The same through libsodium-wrappers' push (allocates, copies and frees per chunk, returns a fresh array). */
async function runSecretstreamWrapper(): Promise<number> {
  await ensureCryptoReady();
  const data = bulkData();
  const chunks = data.length / CHUNK;
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const start = now();
  const { state } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  let outBytes = 0;
  for (let i = 0; i < chunks; i += 1) {
    const tag = i === chunks - 1 ? SECRETSTREAM_TAG.final : SECRETSTREAM_TAG.message;
    outBytes += sodium.crypto_secretstream_xchacha20poly1305_push(state, data.subarray(i * CHUNK, (i + 1) * CHUNK), BENCH_AD, tag).length;
  }
  const ms = now() - start;
  if (outBytes !== data.length + chunks * SECRETSTREAM_ABYTES) throw new Error('secretstream output size');
  return mibps(data.length, ms);
}

/** A Blob of `mib` MiB made of references to one 1 MiB Blob, so the test itself never holds the whole file. */
export function lazyBlob(mib: number): Blob {
  const one = new Blob([bulkData().slice(0, MiB) as Uint8Array<ArrayBuffer>]);
  return new Blob(Array.from({ length: mib }, () => one));
}

/**
 * The project's streaming API: Blob -> encryptAttachmentBlob -> encrypted pieces ready for upload (discarded).
 * `uploader` reads them as the reporter's uploader does (lib/reporter/upload.ts: exact 1 MiB pieces into one reused
 * buffer through a BYOB reader); `default-reader` reads the stream's own 65 553-byte chunks with a default reader.
 */
export async function runPipeline(
  blob: Blob,
  reading: 'uploader' | 'default-reader' = 'uploader',
): Promise<{ ms: number; outBytes: number; chunks: number }> {
  await ensureCryptoReady();
  const key = await createAttachmentKey();
  const start = now();
  const stream = await encryptAttachmentBlob({ blob, key, binding: { reportId: REPORT_ID, index: 0 } });
  let outBytes = 0;
  let chunks = 0;
  if (reading === 'uploader') {
    const encryptedSize = attachmentEncryptedSize(blob.size);
    const pieces = createPieceReader(stream);
    for (let n = 0; n < uploadChunkCount(encryptedSize); n += 1) {
      outBytes += (await pieces.read(uploadChunkLength(encryptedSize, n))).length;
      chunks += 1;
    }
    await pieces.cancel();
  } else {
    const reader = stream.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      outBytes += value.length;
      chunks += 1;
    }
  }
  return { ms: now() - start, outBytes, chunks };
}

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Back-to-back pairs of raw cipher and pipeline per round: their ratio compares like with like on a busy machine. */
export const STREAMING_PAIRS = 3;

/**
 * The raw cipher (secretstream_mibps) and the attachment pipeline (attachment_pipeline_mibps: a 64 MiB Blob through
 * encryptAttachmentBlob, read in 1 MiB upload pieces as the uploader reads them), measured STREAMING_PAIRS times back
 * to back; each figure is the median, attachment_pipeline_ratio the median of the pairs' ratios. Then once each, for
 * reference: libsodium-wrappers' push, and the pipeline read by default in 64 KiB chunks.
 */
export async function benchStreaming(): Promise<BenchResult> {
  await ensureCryptoReady();
  const raw: number[] = [];
  const pipeline: number[] = [];
  const padded: number[] = [];
  const ratios: number[] = [];
  for (let pair = 0; pair < STREAMING_PAIRS; pair += 1) {
    // Alternate which of the two runs first, so a drift in the machine's load does not favour one of them.
    const blob = lazyBlob(BULK_BYTES / MiB);
    const isCipherFirst = pair % 2 === 0;
    const first = isCipherFirst ? await runSecretstream() : 0;
    const { ms, outBytes } = await runPipeline(blob, 'uploader');
    const cipher = isCipherFirst ? first : await runSecretstream();
    const paddedPlaintext = ((outBytes - 24) / (CHUNK + 17)) * CHUNK;
    raw.push(cipher);
    pipeline.push(mibps(blob.size, ms));
    padded.push(mibps(paddedPlaintext, ms));
    ratios.push(mibps(blob.size, ms) / cipher);
  }
  const byDefault = await runPipeline(lazyBlob(BULK_BYTES / MiB), 'default-reader');
  return {
    secretstream_mibps: middle(raw),
    secretstream_wrapper_mibps: await runSecretstreamWrapper(),
    attachment_pipeline_mibps: middle(pipeline),
    attachment_pipeline_padded_mibps: middle(padded),
    attachment_pipeline_ratio: middle(ratios),
    attachment_pipeline_default_reader_mibps: mibps(BULK_BYTES, byDefault.ms),
  };
}

let pgpKey: openpgp.PublicKey | null = null;
async function benchOpenpgpWith(aead: boolean): Promise<number> {
  if (!pgpKey) {
    const { publicKey } = await openpgp.generateKey({
      type: 'curve25519',
      userIDs: [{ name: 'bench' }],
      format: 'object',
    });
    pgpKey = publicKey;
  }
  const data = bulkData();
  const start = now();
  const message = await openpgp.createMessage({ binary: data });
  const encrypted = await openpgp.encrypt({
    message,
    encryptionKeys: pgpKey,
    format: 'binary',
    config: { aeadProtect: aead },
  });
  const ms = now() - start;
  if (!(encrypted instanceof Uint8Array) || encrypted.length < data.length) throw new Error('openpgp output');
  return mibps(data.length, ms);
}

/** OpenPGP.js 6 public-key encryption of the same 64 MiB (default SEIPDv1, and with AEAD). */
export async function benchOpenpgp(): Promise<BenchResult> {
  return { openpgp_mibps: await benchOpenpgpWith(false), openpgp_aead_mibps: await benchOpenpgpWith(true) };
}

/** Native AES-256-GCM (WebCrypto) over the same 64 KiB chunks, one call per chunk. */
export async function benchWebcrypto(): Promise<BenchResult> {
  const data = bulkData();
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt']);
  const iv = new Uint8Array(12);
  const view = new DataView(iv.buffer);
  const start = now();
  let counter = 0;
  for (let offset = 0; offset < data.length; offset += CHUNK) {
    view.setUint32(8, counter++);
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, data.subarray(offset, offset + CHUNK) as Uint8Array<ArrayBuffer>);
  }
  return { webcrypto_aesgcm_mibps: mibps(data.length, now() - start) };
}

let reportSetup: { directory: VerifiedDirectory; reporter: ReporterKeys } | null = null;
async function setupReport(): Promise<{ directory: VerifiedDirectory; reporter: ReporterKeys }> {
  if (reportSetup) return reportSetup;
  const org = await createOrganisationKey();
  const reviewers = await Promise.all(
    ['r1', 'r2', 'r3', 'r4', 'r5'].map(async (id) => {
      const keys = await createReviewerKeys();
      return { id, role: 'reviewer' as const, xwingPublicKey: keys.xwing.publicKey, signingPublicKey: keys.signing.publicKey };
    }),
  );
  const issuedAt = new Date();
  const signed = await signDirectory({
    organisation: 'bench',
    serial: 1,
    issuedAt,
    expiresAt: new Date(issuedAt.getTime() + 86_400_000),
    teamEpoch: 1,
    reviewers,
    organisationKey: org,
  });
  const directory = await verifyDirectory({ signed, pinnedKeys: [org.publicKey], now: issuedAt });
  reportSetup = { directory, reporter: await deriveReporterKeys(await createReceipt()) };
  return reportSetup;
}

/** sealReport: a 4 KiB report to 5 reviewers (5 X-Wing encapsulations), for about a second. */
export async function benchSealReport(): Promise<BenchResult> {
  const { directory, reporter } = await setupReport();
  const report = { narrative: 'x'.repeat(4096 - 200), region: 'Almaty', year: 2026 };
  let count = 0;
  const start = now();
  while (now() - start < 1000) {
    await sealReport({ reportId: REPORT_ID, report, directory, reporter });
    count += 1;
  }
  return { seal_report_per_s: count / ((now() - start) / 1000) };
}

let records: { teamKey: TeamKey; records: TTeamRecord[] } | null = null;
/** 100 000 triage-sized records under one team key (fixture sealed once, with a fast deterministic nonce source). */
async function setupRecords() {
  if (records) return records;
  const teamKey = await createTeamKey(1);
  const s = requireSodium();
  const random = deterministicRandom(s, s.randombytes_buf(32));
  const list: TTeamRecord[] = [];
  for (let i = 0; i < 100_000; i += 1) {
    list.push(
      sealTeamRecordWith(s, {
        teamKey,
        recordId: `report-${i}`,
        kind: 'triage',
        data: {
          categories: ['Police and law enforcement', 'Bias-motivated violence'],
          region: 'Almaty',
          month: '2026-10',
          perpetrator: 'police',
          harms: ['physical', 'psychological'],
          verification: 'verified',
          hateCrime: i % 3 === 0,
        },
        random,
      }),
    );
  }
  records = { teamKey, records: list };
  return records;
}

export async function benchTeamRecords(): Promise<BenchResult> {
  const { teamKey, records: list } = await setupRecords();
  const start = now();
  const results = await openTeamRecords({ teamKeys: [teamKey], records: list, expectedKind: 'triage' });
  const ms = now() - start;
  if (results.length !== 100_000 || results.some((r) => !r.ok)) throw new Error('team records failed to open');
  return { open_team_records_ms_100k: ms };
}

export async function benchArgon2id(): Promise<BenchResult> {
  await ensureCryptoReady();
  const salt = 'AAAAAAAAAAAAAAAAAAAAAA';
  let start = now();
  await deriveReviewerPasswordKeys({ password: 'correct horse battery staple', salt });
  const argon2id_ms = now() - start;
  start = now();
  await deriveReporterKeys(await createReceipt());
  return { argon2id_ms, receipt_kdf_ms: now() - start };
}

/** One solve at the default difficulty, and the raw hash rate (for extrapolating to slower phones). */
export async function benchProofOfWork(): Promise<BenchResult> {
  const serverSecret = await decodeServerSecret(await createServerSecret());
  const challenge = await issueProofOfWorkChallenge({ serverSecret, now: new Date() });
  let tries = 0;
  const start = now();
  const solution = await solveProofOfWork(challenge, { batchSize: 10_000, onProgress: (n) => (tries = n) });
  const ms = now() - start;
  // Hash rate from a fixed 200 000-try run at an unreachable difficulty.
  const hard = await issueProofOfWorkChallenge({ serverSecret, now: new Date(), difficulty: 32 });
  const controller = new AbortController();
  let counted = 0;
  const rateStart = now();
  await solveProofOfWork(hard, {
    signal: controller.signal,
    batchSize: 10_000,
    onProgress: (n) => {
      counted = n;
      if (n >= 200_000) controller.abort();
    },
  }).catch(() => undefined);
  const rate = counted / ((now() - rateStart) / 1000);
  void solution;
  return { pow_ms: ms, pow_tries_lower_bound: tries, pow_hashes_per_s: rate };
}

export const BENCHMARKS = {
  streaming: benchStreaming,
  openpgp: benchOpenpgp,
  webcrypto: benchWebcrypto,
  sealReport: benchSealReport,
  teamRecords: benchTeamRecords,
  argon2id: benchArgon2id,
  proofOfWork: benchProofOfWork,
} as const;
export type BenchmarkName = keyof typeof BENCHMARKS;
