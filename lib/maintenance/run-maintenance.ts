import type { Db } from '@/lib/db';
import { cleanUpStaleUploads } from '@/lib/attachments/clean-up-uploads';
import type { TAttachmentStorage } from '@/lib/attachments/storage';
import { deleteEndedWindows } from '@/lib/intake/rate-limit';
import { applyRetention } from '@/lib/retention/apply-retention';

/**
 * Periodic housekeeping, run hourly inside the app (instrumentation.ts) and on demand:
 * unfinished uploads past their expiry day, spent proof-of-work ids past their expiry hour, the
 * counters of intake-limit windows that have ended, and each organisation's retention period
 * (lib/retention/apply-retention.ts).
 */
export async function runMaintenance(options: { db: Db; storage: TAttachmentStorage; serverSecret: string; now?: Date }) {
  const now = options.now ?? new Date();
  const staleUploads = await cleanUpStaleUploads({ ...options, now });
  const spent = await options.db.usedChallenge.deleteMany({ where: { expiresHour: { lt: now.toISOString().slice(0, 13) } } });
  const endedWindows = await deleteEndedWindows(options.db, now);
  const retention = await applyRetention({ db: options.db, storage: options.storage, serverSecret: options.serverSecret, now });
  return { staleUploads, expiredChallenges: spent.count, endedWindows, retention };
}
