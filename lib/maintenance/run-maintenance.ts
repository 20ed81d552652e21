import type { Db } from '@/lib/db';
import { cleanUpStaleUploads } from '@/lib/attachments/clean-up-uploads';
import type { TAttachmentStorage } from '@/lib/attachments/storage';
import { applyRetention } from '@/lib/retention/apply-retention';

/**
 * Periodic housekeeping, run hourly inside the app (instrumentation.ts) and on demand:
 * unfinished uploads past their expiry day, spent proof-of-work ids past their expiry hour, and
 * each organisation's retention period (lib/retention/apply-retention.ts).
 */
export async function runMaintenance(options: { db: Db; storage: TAttachmentStorage; serverSecret: string; now?: Date }) {
  const now = options.now ?? new Date();
  const staleUploads = await cleanUpStaleUploads({ ...options, now });
  const spent = await options.db.usedChallenge.deleteMany({ where: { expiresHour: { lt: now.toISOString().slice(0, 13) } } });
  const retention = await applyRetention({ db: options.db, storage: options.storage, serverSecret: options.serverSecret, now });
  return { staleUploads, expiredChallenges: spent.count, retention };
}
