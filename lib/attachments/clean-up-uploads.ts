import type { Db } from '@/lib/db';
import { today } from '@/lib/ids';
import type { TAttachmentStorage } from './storage';

/**
 * Removes uploads that were never finished by their expiry day: the pieces on storage, then the
 * rows. The report keeps its narrative, becomes complete, and counts the files that never arrived
 * so reviewers know something is missing. Returns how many uploads were removed.
 */
export async function cleanUpStaleUploads(options: { db: Db; storage: TAttachmentStorage; now?: Date }): Promise<number> {
  const { db } = options;
  const day = today(options.now);
  const stale = await db.attachment.findMany({ where: { isComplete: false, expiresDay: { lt: day } }, select: { id: true, reportId: true, storageKey: true } });
  let removedCount = 0;
  for (const attachment of stale) {
    // The row goes first, in a transaction that only matches a still unfinished upload, so a piece
    // arriving at this moment cannot have its finished file deleted under it.
    const removed = await db.$transaction(async (tx) => {
      const gone = await tx.attachment.deleteMany({ where: { id: attachment.id, isComplete: false } });
      if (gone.count === 0) return false;
      const pending = await tx.attachment.count({ where: { reportId: attachment.reportId, isComplete: false } });
      await tx.report.update({
        where: { id: attachment.reportId },
        data: { missingAttachments: { increment: 1 }, isComplete: pending === 0, updatedDay: day },
      });
      return true;
    });
    if (!removed) continue;
    await options.storage.deleteObject(attachment.storageKey);
    removedCount += 1;
  }
  return removedCount;
}
