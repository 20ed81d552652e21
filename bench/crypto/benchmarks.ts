/**
 * The crypto benchmarks, written once and run both in Chromium (bundled by run.ts) and in Node for reference. Each
 * returns plain numbers. The raw-cipher baseline talks to libsodium directly, which is why this file lives in
 * bench/crypto (the boundary test allows it there and nowhere else outside lib/crypto).
 */
import sodium from 'libsodium-wrappers-sumo';
import * as openpgp from 'openpgp';

import {
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
import { requireSodium } from '../../lib/crypto/sodium';
import { sealTeamRecordWith } from '../../lib/crypto/team-record';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
export const BULK_BYTES = 64 * MiB;
const REPORT_ID = 'bench-report-000000001';

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

/** Raw crypto_secretstream_xchacha20poly1305: 64 MiB in 64 KiB pushes. */
export async function benchSecretstream(): Promise<BenchResult> {
  await ensureCryptoReady();
  const data = bulkData();
  const key = sodium.crypto_secretstream_xchacha20poly1305_keygen();
  const start = now();
  const { state } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
  let out = 0;
  for (let offset = 0; offset < data.length; offset += CHUNK) {
    const last = offset + CHUNK >= data.length;
    const tag = last ? sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL : sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    out += sodium.crypto_secretstream_xchacha20poly1305_push(state, data.subarray(offset, offset + CHUNK), null, tag).length;
  }
  const ms = now() - start;
  if (out !== data.length + (data.length / CHUNK) * 17) throw new Error('secretstream output size');
  return { secretstream_mibps: mibps(data.length, ms) };
}

/** A Blob of `mib` MiB made of references to one 1 MiB Blob, so the test itself never holds the whole file. */
export function lazyBlob(mib: number): Blob {
  const one = new Blob([bulkData().slice(0, MiB) as Uint8Array<ArrayBuffer>]);
  return new Blob(Array.from({ length: mib }, () => one));
}

/** The project's streaming API: Blob -> encryptAttachmentBlob -> encrypted chunks ready for upload (discarded). */
export async function runPipeline(blob: Blob): Promise<{ ms: number; outBytes: number; chunks: number }> {
  await ensureCryptoReady();
  const key = await createAttachmentKey();
  const start = now();
  const stream = await encryptAttachmentBlob({ blob, key, binding: { reportId: REPORT_ID, index: 0 } });
  const reader = stream.getReader();
  let outBytes = 0;
  let chunks = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    outBytes += value.length;
    chunks += 1;
  }
  return { ms: now() - start, outBytes, chunks };
}

export async function benchPipeline(): Promise<BenchResult> {
  const blob = lazyBlob(BULK_BYTES / MiB);
  const { ms, outBytes } = await runPipeline(blob);
  const paddedPlaintext = ((outBytes - 24) / (CHUNK + 17)) * CHUNK;
  return {
    attachment_pipeline_mibps: mibps(blob.size, ms),
    attachment_pipeline_padded_mibps: mibps(paddedPlaintext, ms),
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
  secretstream: benchSecretstream,
  pipeline: benchPipeline,
  openpgp: benchOpenpgp,
  webcrypto: benchWebcrypto,
  sealReport: benchSealReport,
  teamRecords: benchTeamRecords,
  argon2id: benchArgon2id,
  proofOfWork: benchProofOfWork,
} as const;
export type BenchmarkName = keyof typeof BENCHMARKS;
