import { decodeServerSecret, hashServerToken, isCryptoError } from '@/lib/crypto';
import type { Db } from '@/lib/db';
import { AppError } from '@/lib/http/errors';

/** The one answer for any receipt that does not open a report: it says nothing about existence. */
export const NO_MATCH_MESSAGE = 'No report matches this receipt. Check the digits and try again.';

/**
 * The report an access token belongs to. Throws `AppError('not_found')` with the same message for
 * a malformed token and for one that matches nothing, so answers reveal no more than "no match".
 */
export async function findReportByToken(db: Db, serverSecret: string, accessToken: string) {
  let hash: string;
  try {
    hash = await hashServerToken({ serverSecret: await decodeServerSecret(serverSecret), token: accessToken, purpose: 'access-token' });
  } catch (error) {
    if (isCryptoError(error)) throw new AppError('not_found', NO_MATCH_MESSAGE);
    throw error;
  }
  const report = await db.report.findUnique({ where: { accessTokenHash: hash } });
  if (!report) throw new AppError('not_found', NO_MATCH_MESSAGE);
  return report;
}
