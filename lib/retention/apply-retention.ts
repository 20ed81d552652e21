import type { TAttachmentStorage } from '@/lib/attachments/storage';
import { appendAuditEvent } from '@/lib/audit/audit-chain';
import type { Db } from '@/lib/db/open-db';
import { today } from '@/lib/ids';

export type TRetentionResult = { organisationId: string; cutoffDay: string; deletedReports: number; keptStatistics: number; deletedFiles: number };

/** Reports past retention are deleted in slices of this many (bounded memory and transaction size). */
const SLICE = 200;

/**
 * Applies each organisation's retention period (Organisation.retentionDays; 0 keeps everything):
 * closed and spam reports last changed before the cut-off day are deleted with their envelopes,
 * messages and attachments (the encrypted pieces are removed from storage first, then the rows; on
 * SQLite secure_delete overwrites the freed pages). A closed report's sealed triage record is kept,
 * unlinked, when the organisation keeps anonymised statistics, and deleted otherwise, together with
 * any kept earlier. Each organisation's run is one transaction with its audit entry
 * (`retention.run`, detail: counts and cut-off day; actor: the coordinator who asked, or none for
 * the hourly run). Safe to run again after a crash: what was not deleted is found next time.
 */
export async function applyRetention(options: { db: Db; storage: TAttachmentStorage; serverSecret: string; now?: Date; actorId?: string | null; organisationId?: string }): Promise<TRetentionResult[]> {
  const { db } = options;
  const now = options.now ?? new Date();
  const organisations = await db.organisation.findMany({
    where: { retentionDays: { gt: 0 }, ...(options.organisationId ? { id: options.organisationId } : {}) },
    select: { id: true, retentionDays: true, keepStatistics: true },
  });
  const results: TRetentionResult[] = [];
  for (const organisation of organisations) {
    const cutoffDay = today(new Date(now.getTime() - organisation.retentionDays * 86_400_000));
    let deletedReports = 0;
    let keptStatistics = 0;
    let deletedFiles = 0;
    for (;;) {
      const expired = await db.report.findMany({
        where: { organisationId: organisation.id, status: { in: ['closed', 'spam'] }, updatedDay: { lt: cutoffDay } },
        select: { id: true, status: true, attachments: { select: { storageKey: true } }, triage: { select: { id: true } } },
        take: SLICE,
      });
      if (expired.length === 0) break;
      for (const report of expired) {
        for (const attachment of report.attachments) {
          await options.storage.deleteObject(attachment.storageKey);
          deletedFiles += 1;
        }
      }
      // Spam is never statistics; closed reports keep their triage only if the organisation says so.
      const dropTriage = expired.filter((r) => r.triage && (r.status === 'spam' || !organisation.keepStatistics)).map((r) => r.id);
      keptStatistics += expired.filter((r) => r.triage).length - dropTriage.length;
      await db.$transaction([
        db.triageRecord.deleteMany({ where: { reportId: { in: dropTriage } } }),
        db.report.deleteMany({ where: { id: { in: expired.map((r) => r.id) } } }),
      ]);
      deletedReports += expired.length;
    }
    await db.$transaction(async (tx) => {
      // An organisation that stopped keeping statistics loses the records kept so far as well.
      if (!organisation.keepStatistics) await tx.triageRecord.deleteMany({ where: { organisationId: organisation.id, reportId: null } });
      await appendAuditEvent(tx, {
        serverSecret: options.serverSecret,
        organisationId: organisation.id,
        actorId: options.actorId ?? null,
        action: 'retention.run',
        detail: JSON.stringify({ cutoffDay, deletedReports, keptStatistics }),
        now,
      });
    });
    results.push({ organisationId: organisation.id, cutoffDay, deletedReports, keptStatistics, deletedFiles });
  }
  return results;
}
