/**
 * Messages between the reporter and the reviewers of one report. Both directions are encrypted under the report's
 * message key (derived from the data key, which the reporter opens with the receipt and reviewers with their
 * wrapped copy) and signed inside the encryption by the sender:
 *
 *   messageKey = crypto_kdf_derive_from_key(32, 2, 'QRGrept1', dataKey)
 *   signature  = Ed25519(sender, frame('qorgau/v1/message-signature', [reportId, messageId, direction, senderId, text]))
 *   plaintext  = pad(signature || UTF-8 text, power-of-two bucket 256 B..64 KiB)
 *   ciphertext = nonce || XChaCha20-Poly1305(messageKey, plaintext, frame('qorgau/v1/message', [reportId, messageId, direction, senderId]))
 *
 * direction 'to-reviewers' is always sent by senderId 'reporter' (receipt-derived Ed25519 key, which is inside the
 * encrypted report); 'to-reporter' by a reviewer or coordinator of the verified directory (their Ed25519 key).
 */
import { z } from 'zod';

import { aeadOpen, aeadSeal } from './aead';
import { concatBytes, frame, fromB64, fromUtf8, toB64, utf8 } from './bytes';
import { findDirectoryEntry, REPORT_READER_ROLES, type VerifiedDirectory } from './directory';
import { BUCKETS, SIZE, TAG } from './domain';
import { CryptoError } from './errors';
import { padToBucket, unpadBucket } from './padding';
import { systemRandom, type RandomSource } from './random';
import { reportMessageKey } from './report-key';
import { parseWith, REPORTER_SENDER_ID, zB64, zRecordId, zReportId, zReviewerId } from './schemas';
import { readySodium, type Sodium } from './sodium';
import type { ReportDataKey, ReporterKeys, ReviewerKeys, SigningPublicKey, SigningSecretKey } from './types';

export type MessageDirection = 'to-reviewers' | 'to-reporter';

export const ZMessageEnvelope = z
  .object({
    v: z.literal(1),
    reportId: zReportId,
    messageId: zRecordId,
    direction: z.enum(['to-reviewers', 'to-reporter']),
    senderId: z.union([z.literal(REPORTER_SENDER_ID), zReviewerId]),
    ciphertext: zB64,
  })
  .strict();
export type TMessageEnvelope = z.infer<typeof ZMessageEnvelope>;

export type OpenedMessage = { messageId: string; direction: MessageDirection; senderId: string; text: string };

function headerFields(h: { reportId: string; messageId: string; direction: MessageDirection; senderId: string }) {
  return [h.reportId, h.messageId, h.direction, h.senderId];
}

export function sealMessageWith(
  s: Sodium,
  options: {
    reportId: string;
    dataKey: ReportDataKey;
    direction: MessageDirection;
    senderId: string;
    signingKey: SigningSecretKey;
    text: string;
    random: RandomSource;
  },
): TMessageEnvelope {
  const header = {
    reportId: parseWith(zReportId, options.reportId, 'report id'),
    messageId: toB64(s, options.random(16)),
    direction: options.direction,
    senderId: options.senderId,
  };
  const text = utf8(options.text.normalize('NFC'));
  const signature = s.crypto_sign_detached(frame(TAG.messageSignature, [...headerFields(header), text]), options.signingKey);
  const padded = padToBucket(s, concatBytes(signature, text), BUCKETS.message);
  const key = reportMessageKey(s, options.dataKey);
  const ciphertext = aeadSeal(s, key, padded, frame(TAG.message, headerFields(header)), options.random);
  s.memzero(key);
  return { v: 1, ...header, ciphertext: toB64(s, ciphertext) };
}

/**
 * The reporter writes to the reviewers of their report. @throws CryptoError('invalid_input' | 'unavailable')
 */
export async function sealMessageFromReporter(options: {
  reportId: string;
  dataKey: ReportDataKey;
  reporter: ReporterKeys;
  text: string;
}): Promise<TMessageEnvelope> {
  const s = await readySodium();
  return sealMessageWith(s, {
    ...options,
    direction: 'to-reviewers',
    senderId: REPORTER_SENDER_ID,
    signingKey: options.reporter.signing.secretKey,
    random: systemRandom(s),
  });
}

/** A reviewer writes to the reporter. @throws CryptoError('invalid_input' | 'unavailable') */
export async function sealMessageFromReviewer(options: {
  reportId: string;
  dataKey: ReportDataKey;
  reviewerId: string;
  keys: ReviewerKeys;
  text: string;
}): Promise<TMessageEnvelope> {
  const s = await readySodium();
  parseWith(zReviewerId, options.reviewerId, 'reviewer id');
  return sealMessageWith(s, {
    ...options,
    direction: 'to-reporter',
    senderId: options.reviewerId,
    signingKey: options.keys.signing.secretKey,
    random: systemRandom(s),
  });
}

/**
 * Opens a message of `reportId` (both sides use this) and verifies the sender's signature: the reporter's key from
 * the opened report for 'to-reviewers', the sender's directory entry for 'to-reporter'.
 * @throws CryptoError 'decrypt_failed' (tampered, other report, wrong key), 'bad_signature', 'unknown_key'
 *   (sender not a reviewer in the directory), 'invalid_input'
 */
export async function openMessage(options: {
  envelope: unknown;
  reportId: string;
  dataKey: ReportDataKey;
  reporterSigningKey: SigningPublicKey;
  directory: VerifiedDirectory;
}): Promise<OpenedMessage> {
  const s = await readySodium();
  const envelope = parseWith(ZMessageEnvelope, options.envelope, 'message');
  if (envelope.reportId !== options.reportId) throw new CryptoError('decrypt_failed', 'message of another report');
  const fromReporter = envelope.senderId === REPORTER_SENDER_ID;
  if (fromReporter !== (envelope.direction === 'to-reviewers')) {
    throw new CryptoError('invalid_input', 'direction does not match the sender');
  }
  let senderKey: SigningPublicKey;
  if (fromReporter) {
    senderKey = options.reporterSigningKey;
  } else {
    const entry = findDirectoryEntry(options.directory, envelope.senderId);
    if (!entry || !REPORT_READER_ROLES.includes(entry.role)) {
      throw new CryptoError('unknown_key', 'sender is not a reviewer in the verified directory');
    }
    senderKey = entry.signingPublicKey;
  }
  const key = reportMessageKey(s, options.dataKey);
  let padded: Uint8Array;
  try {
    padded = aeadOpen(s, key, fromB64(s, envelope.ciphertext), frame(TAG.message, headerFields(envelope)));
  } finally {
    s.memzero(key);
  }
  const inner = unpadBucket(s, padded, BUCKETS.message);
  if (inner.length < SIZE.signature) throw new CryptoError('decrypt_failed', 'message too short');
  const signature = inner.subarray(0, SIZE.signature);
  const text = inner.subarray(SIZE.signature);
  if (!s.crypto_sign_verify_detached(signature, frame(TAG.messageSignature, [...headerFields(envelope), text]), senderKey)) {
    throw new CryptoError('bad_signature', 'message signature does not verify');
  }
  return { messageId: envelope.messageId, direction: envelope.direction, senderId: envelope.senderId, text: fromUtf8(text) };
}
