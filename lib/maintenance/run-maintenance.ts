import type { Db } from '@/lib/db';
import { cleanUpStaleUploads } from '@/lib/attachments/clean-up-uploads';
import type { TAttachmentStorage } from '@/lib/attachments/storage';

/**
 * Periodic housekeeping, run hourly inside the app (instrumentation.ts) and on demand:
 * unfinished uploads past their expiry day, and spent proof-of-work ids past their expiry hour.
 */
export async function runMaintenance(options: { db: Db; storage: TAttachmentStorage; now?: Date }) {
  const now = options.now ?? new Date();
  const staleUploads = await cleanUpStaleUploads({ ...options, now });
  const spent = await options.db.usedChallenge.deleteMany({ where: { expiresHour: { lt: now.toISOString().slice(0, 13) } } });
  return { staleUploads, expiredChallenges: spent.count };
}
