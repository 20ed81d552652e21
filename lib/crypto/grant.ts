/**
 * Granting: a coordinator who can open a report re-wraps its data key to a newly vetted reviewer, exactly as the
 * reporter wrapped it for the original reviewers (same KEM wrap and associated data), and signs the result:
 *
 *   signature = Ed25519(coordinator, frame('qorgau/v1/grant-signature',
 *                 [reportId, reviewerId, granterId, u64 directorySerial, commitment, kemCiphertext, wrappedKey]))
 *
 * The new reviewer accepts a grant only from a coordinator of the current verified directory (openReportAsReviewer),
 * so grants from a coordinator who was later revoked stop working and must be re-issued: that is deliberate.
 */
import { findDirectoryEntry, GRANTER_ROLES, REPORT_READER_ROLES, type VerifiedDirectory } from './directory';
import { bytesEqual, fromB64, toB64 } from './bytes';
import { SIZE } from './domain';
import { CryptoError } from './errors';
import { kemWrap } from './kem-wrap';
import { systemRandom, type RandomSource } from './random';
import { grantSignatureMessage, reviewerWrapAd, type OpenedReport, type TReportGrant } from './report';
import { readySodium, type Sodium } from './sodium';
import type { ReviewerKeys } from './types';

export function grantReportAccessWith(
  s: Sodium,
  options: {
    opened: OpenedReport;
    commitment: string;
    directory: VerifiedDirectory;
    reviewerId: string;
    granterId: string;
    granterKeys: ReviewerKeys;
    random: RandomSource;
  },
): TReportGrant {
  const { opened, directory } = options;
  const granter = findDirectoryEntry(directory, options.granterId);
  if (!granter || !GRANTER_ROLES.includes(granter.role)) {
    throw new CryptoError('unknown_key', 'the granter is not a coordinator in the directory');
  }
  if (!bytesEqual(s, granter.signingPublicKey, options.granterKeys.signing.publicKey)) {
    throw new CryptoError('unknown_key', "the granter's keys do not match the directory");
  }
  const grantee = findDirectoryEntry(directory, options.reviewerId);
  if (!grantee || !REPORT_READER_ROLES.includes(grantee.role)) {
    throw new CryptoError('unknown_key', 'the grantee is not a reviewer in the verified directory');
  }
  const commitment = fromB64(s, options.commitment, SIZE.commitment);
  const wrapped = kemWrap(s, {
    ...reviewerWrapAd(opened.reportId, grantee.id, commitment),
    recipientPublicKey: grantee.xwingPublicKey,
    key: opened.dataKey,
    random: options.random,
  });
  const unsigned = {
    reportId: opened.reportId,
    reviewerId: grantee.id,
    granterId: granter.id,
    directorySerial: directory.serial,
    commitment: options.commitment,
    kemCiphertext: toB64(s, wrapped.kemCiphertext),
    wrappedKey: toB64(s, wrapped.wrappedKey),
  };
  const signature = s.crypto_sign_detached(
    grantSignatureMessage(unsigned, wrapped.kemCiphertext, wrapped.wrappedKey, commitment),
    options.granterKeys.signing.secretKey,
  );
  return { v: 1, ...unsigned, signature: toB64(s, signature) };
}

/**
 * Re-wraps an opened report's data key to `reviewerId` (who must be a reviewer or coordinator in the verified
 * directory), signed by the granting coordinator. `commitment` is the envelope's commitment field.
 * @throws CryptoError('unknown_key') if the granter is not a coordinator or the grantee not a reviewer there
 */
export async function grantReportAccess(options: {
  opened: OpenedReport;
  commitment: string;
  directory: VerifiedDirectory;
  reviewerId: string;
  granterId: string;
  granterKeys: ReviewerKeys;
}): Promise<TReportGrant> {
  const s = await readySodium();
  return grantReportAccessWith(s, { ...options, random: systemRandom(s) });
}
