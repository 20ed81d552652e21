/**
 * Report envelope (sealed in the reporter's browser):
 *
 *   dataKey     = 32 random bytes;  commitment = reportKeyCommitment(dataKey, reportId)
 *   bodyKey     = crypto_kdf_derive_from_key(32, 1, 'QRGrept1', dataKey)
 *   plaintext   = pad(JSON {"v":1,"reporterSigningKey":b64,"report":<report JSON>}, power-of-two bucket 1 KiB..1 MiB)
 *   body        = nonce || XChaCha20-Poly1305(bodyKey, plaintext,
 *                    frame('qorgau/v1/report-body', [reportId, u64 directorySerial, commitment]))
 *   per reviewer: kemWrap(dataKey, ad = frame('qorgau/v1/report-key-wrap', [reportId, reviewerId, commitment, pk, ct]))
 *   reporter:   nonce || XChaCha20-Poly1305(reporterKey, dataKey, frame('qorgau/v1/report-key-reporter', [reportId, commitment]))
 */
import { z } from 'zod';

import { aeadOpen, aeadSeal } from './aead';
import { bytesEqual, frame, fromB64, fromUtf8, toB64, utf8 } from './bytes';
import { parseJson } from './canonical-json';
import { findDirectoryEntry, GRANTER_ROLES, REPORT_READER_ROLES, type VerifiedDirectory } from './directory';
import { BUCKETS, SIZE, TAG } from './domain';
import { CryptoError } from './errors';
import { kemUnwrap, kemWrap } from './kem-wrap';
import { padToBucket, unpadBucket } from './padding';
import { systemRandom, type RandomSource } from './random';
import { reportBodyKey, reportKeyCommitment } from './report-key';
import { parseWith, zB64, zReportId, zReviewerId, zSerial } from './schemas';
import { readySodium, type Sodium } from './sodium';
import type { JsonValue, ReportDataKey, ReporterKeys, ReviewerKeys, SigningPublicKey } from './types';

export const ZReportRecipient = z
  .object({ reviewerId: zReviewerId, kemCiphertext: zB64, wrappedKey: zB64 })
  .strict();

export const ZReportEnvelope = z
  .object({
    v: z.literal(1),
    reportId: zReportId,
    directorySerial: zSerial,
    commitment: zB64,
    body: zB64,
    recipients: z.array(ZReportRecipient).max(10_000),
    reporterWrappedKey: zB64,
  })
  .strict();
export type TReportEnvelope = z.infer<typeof ZReportEnvelope>;

/** A coordinator's re-wrap of a report data key to a newly vetted reviewer (see grant.ts). */
export const ZReportGrant = z
  .object({
    v: z.literal(1),
    reportId: zReportId,
    reviewerId: zReviewerId,
    granterId: zReviewerId,
    directorySerial: zSerial,
    commitment: zB64,
    kemCiphertext: zB64,
    wrappedKey: zB64,
    signature: zB64,
  })
  .strict();
export type TReportGrant = z.infer<typeof ZReportGrant>;

const ZReportPlaintext = z
  .object({ v: z.literal(1), reporterSigningKey: zB64, report: z.unknown() })
  .strict();

export type OpenedReport = {
  reportId: string;
  directorySerial: number;
  /** The report JSON as the reporter wrote it: validate it with the application's own schema. */
  report: unknown;
  /** Verifies the reporter's messages for this report. */
  reporterSigningKey: SigningPublicKey;
  /** Opens and seals the report's messages; re-wrap it with grantReportAccess. */
  dataKey: ReportDataKey;
};

export function reviewerWrapAd(reportId: string, reviewerId: string, commitment: Uint8Array) {
  return { adTag: TAG.reportKeyWrap, adFields: [reportId, reviewerId, commitment] };
}

function bodyAd(reportId: string, directorySerial: number, commitment: Uint8Array): Uint8Array {
  return frame(TAG.reportBody, [reportId, directorySerial, commitment]);
}

function reporterAd(reportId: string, commitment: Uint8Array): Uint8Array {
  return frame(TAG.reportKeyReporter, [reportId, commitment]);
}

/** A new random report id (16 bytes, base64url, 22 characters). @throws CryptoError('unavailable') */
export async function createReportId(): Promise<string> {
  const s = await readySodium();
  return toB64(s, s.randombytes_buf(16));
}

export function sealReportWith(
  s: Sodium,
  options: { reportId: string; report: JsonValue; directory: VerifiedDirectory; reporter: ReporterKeys; random: RandomSource },
): { envelope: TReportEnvelope; dataKey: ReportDataKey } {
  const { directory, reporter, random } = options;
  const reportId = parseWith(zReportId, options.reportId, 'report id');
  const readers = directory.reviewers.filter((entry) => REPORT_READER_ROLES.includes(entry.role));
  if (readers.length === 0) throw new CryptoError('invalid_input', 'the directory lists no reviewers');

  const dataKey = random(SIZE.key) as ReportDataKey;
  const commitment = reportKeyCommitment(s, dataKey, reportId);
  let plaintextJson: string;
  try {
    plaintextJson = JSON.stringify({ v: 1, reporterSigningKey: toB64(s, reporter.signing.publicKey), report: options.report });
  } catch (cause) {
    throw new CryptoError('invalid_input', 'report is not JSON-serialisable', { cause });
  }
  const padded = padToBucket(s, utf8(plaintextJson), BUCKETS.reportBody);
  const bodyKey = reportBodyKey(s, dataKey);
  const body = aeadSeal(s, bodyKey, padded, bodyAd(reportId, directory.serial, commitment), random);
  s.memzero(bodyKey);
  s.memzero(padded);

  const recipients = readers.map((entry) => {
    const wrapped = kemWrap(s, {
      ...reviewerWrapAd(reportId, entry.id, commitment),
      recipientPublicKey: entry.xwingPublicKey,
      key: dataKey,
      random,
    });
    return {
      reviewerId: entry.id,
      kemCiphertext: toB64(s, wrapped.kemCiphertext),
      wrappedKey: toB64(s, wrapped.wrappedKey),
    };
  });
  const reporterWrapped = aeadSeal(s, reporter.reporterKey, dataKey, reporterAd(reportId, commitment), random);
  return {
    envelope: {
      v: 1,
      reportId,
      directorySerial: directory.serial,
      commitment: toB64(s, commitment),
      body: toB64(s, body),
      recipients,
      reporterWrappedKey: toB64(s, reporterWrapped),
    },
    dataKey,
  };
}

/**
 * Seals a report in the reporter's browser to every reviewer and coordinator of the verified directory, and to the
 * reporter's own receipt-derived key. Returns the envelope to upload and the data key (for the first messages).
 * @throws CryptoError('invalid_input') (bad id, no reviewers, report over 1 MiB), 'unavailable'
 */
export async function sealReport(options: {
  reportId: string;
  report: JsonValue;
  directory: VerifiedDirectory;
  reporter: ReporterKeys;
}): Promise<{ envelope: TReportEnvelope; dataKey: ReportDataKey }> {
  const s = await readySodium();
  return sealReportWith(s, { ...options, random: systemRandom(s) });
}

/** Checks the commitment, then decrypts and parses the body. Shared by reviewers and the reporter. */
export function openReportBody(s: Sodium, envelope: TReportEnvelope, dataKey: Uint8Array): OpenedReport {
  const commitment = fromB64(s, envelope.commitment, SIZE.commitment);
  if (dataKey.length !== SIZE.key || !bytesEqual(s, reportKeyCommitment(s, dataKey as ReportDataKey, envelope.reportId), commitment)) {
    throw new CryptoError('key_commitment_mismatch', 'the unwrapped key does not match the report commitment');
  }
  const bodyKey = reportBodyKey(s, dataKey as ReportDataKey);
  let padded: Uint8Array;
  try {
    padded = aeadOpen(s, bodyKey, fromB64(s, envelope.body), bodyAd(envelope.reportId, envelope.directorySerial, commitment));
  } finally {
    s.memzero(bodyKey);
  }
  const json = fromUtf8(unpadBucket(s, padded, BUCKETS.reportBody));
  let inner: z.infer<typeof ZReportPlaintext>;
  try {
    inner = parseWith(ZReportPlaintext, parseJson(json), 'report plaintext');
  } catch (cause) {
    // Authenticated but malformed: only a buggy or malicious sender can produce this.
    throw new CryptoError('decrypt_failed', 'report plaintext is malformed', { cause });
  }
  return {
    reportId: envelope.reportId,
    directorySerial: envelope.directorySerial,
    report: inner.report,
    reporterSigningKey: fromB64(s, inner.reporterSigningKey, SIZE.ed25519PublicKey) as SigningPublicKey,
    dataKey: dataKey as ReportDataKey,
  };
}

export function grantSignatureMessage(grant: Omit<TReportGrant, 'signature' | 'v'>, kemCiphertext: Uint8Array, wrappedKey: Uint8Array, commitment: Uint8Array): Uint8Array {
  return frame(TAG.grantSignature, [
    grant.reportId,
    grant.reviewerId,
    grant.granterId,
    grant.directorySerial,
    commitment,
    kemCiphertext,
    wrappedKey,
  ]);
}

/**
 * Opens a report as a reviewer: from the reviewer's own recipient entry, or else from a grant signed by a
 * coordinator listed in the verified directory.
 * @throws CryptoError 'unknown_key' (not a recipient, no valid grant, granter not a coordinator), 'bad_signature'
 *   (grant), 'decrypt_failed' (tampering, wrong key, envelope moved), 'key_commitment_mismatch', 'invalid_input'
 */
export async function openReportAsReviewer(options: {
  envelope: unknown;
  reviewerId: string;
  keys: ReviewerKeys;
  grant?: unknown;
  directory?: VerifiedDirectory;
}): Promise<OpenedReport> {
  const s = await readySodium();
  const envelope = parseWith(ZReportEnvelope, options.envelope, 'report envelope');
  const commitment = fromB64(s, envelope.commitment, SIZE.commitment);
  let source: { kemCiphertext: Uint8Array; wrappedKey: Uint8Array };

  const own = envelope.recipients.find((entry) => entry.reviewerId === options.reviewerId);
  if (own) {
    source = {
      kemCiphertext: fromB64(s, own.kemCiphertext, SIZE.xwingCiphertext),
      wrappedKey: fromB64(s, own.wrappedKey),
    };
  } else if (options.grant !== undefined) {
    const grant = parseWith(ZReportGrant, options.grant, 'report grant');
    if (!options.directory) throw new CryptoError('invalid_input', 'a grant needs the verified directory');
    if (grant.reportId !== envelope.reportId || grant.reviewerId !== options.reviewerId) {
      throw new CryptoError('unknown_key', 'grant is for another report or reviewer');
    }
    if (grant.commitment !== envelope.commitment) {
      throw new CryptoError('key_commitment_mismatch', 'grant commits to another key');
    }
    const granter = findDirectoryEntry(options.directory, grant.granterId);
    if (!granter || !GRANTER_ROLES.includes(granter.role)) {
      throw new CryptoError('unknown_key', 'grant is not signed by a coordinator of the current directory');
    }
    if (grant.directorySerial > options.directory.serial) {
      throw new CryptoError('invalid_input', 'grant refers to a newer directory than the verified one');
    }
    const kemCiphertext = fromB64(s, grant.kemCiphertext, SIZE.xwingCiphertext);
    const wrappedKey = fromB64(s, grant.wrappedKey);
    const signature = fromB64(s, grant.signature, SIZE.signature);
    const message = grantSignatureMessage(grant, kemCiphertext, wrappedKey, commitment);
    if (!s.crypto_sign_verify_detached(signature, message, granter.signingPublicKey)) {
      throw new CryptoError('bad_signature', 'grant signature does not verify');
    }
    source = { kemCiphertext, wrappedKey };
  } else {
    throw new CryptoError('unknown_key', 'this reviewer is not a recipient of the report');
  }

  const dataKey = kemUnwrap(s, {
    ...reviewerWrapAd(envelope.reportId, options.reviewerId, commitment),
    recipient: options.keys.xwing,
    ...source,
  });
  return openReportBody(s, envelope, dataKey);
}

/**
 * Opens a report as the reporter (after entering the receipt) and checks it was sealed with this receipt's
 * signing key. @throws CryptoError('decrypt_failed' | 'key_commitment_mismatch' | 'invalid_input' | 'unavailable')
 */
export async function openReportAsReporter(options: { envelope: unknown; reporter: ReporterKeys }): Promise<OpenedReport> {
  const s = await readySodium();
  const envelope = parseWith(ZReportEnvelope, options.envelope, 'report envelope');
  const commitment = fromB64(s, envelope.commitment, SIZE.commitment);
  const dataKey = aeadOpen(s, options.reporter.reporterKey, fromB64(s, envelope.reporterWrappedKey), reporterAd(envelope.reportId, commitment));
  const opened = openReportBody(s, envelope, dataKey);
  if (!bytesEqual(s, opened.reporterSigningKey, options.reporter.signing.publicKey)) {
    throw new CryptoError('decrypt_failed', 'report was sealed with another receipt');
  }
  return opened;
}
