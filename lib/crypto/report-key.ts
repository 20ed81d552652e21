/** Keys and commitment derived from a report data key. */
import { frame } from './bytes';
import { KDF, SIZE, TAG } from './domain';
import type { Sodium } from './sodium';
import type { ReportDataKey } from './types';

/**
 * Key commitment: BLAKE2b-256(key = dataKey, message = frame('qorgau/v1/report-key-commitment', [reportId])).
 * Published in the envelope and bound into every AEAD below; each recipient recomputes it from the key it unwrapped,
 * so a reporter cannot hand different reviewers different keys (or the same key for another report).
 */
export function reportKeyCommitment(s: Sodium, dataKey: ReportDataKey, reportId: string): Uint8Array {
  return s.crypto_generichash(SIZE.commitment, frame(TAG.reportKeyCommitment, [reportId]), dataKey);
}

export function reportBodyKey(s: Sodium, dataKey: ReportDataKey): Uint8Array {
  return s.crypto_kdf_derive_from_key(SIZE.key, KDF.report.bodyKey, KDF.report.context, dataKey);
}

export function reportMessageKey(s: Sodium, dataKey: ReportDataKey): Uint8Array {
  return s.crypto_kdf_derive_from_key(SIZE.key, KDF.report.messageKey, KDF.report.context, dataKey);
}
