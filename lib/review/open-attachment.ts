import 'server-only';
import { appendAuditEvent } from '@/lib/audit/audit-chain';
import type { TAttachmentStorage } from '@/lib/attachments/storage';
import type { TStaff } from '@/lib/auth/staff-auth';
import type { Db } from '@/lib/db';
import { AppError } from '@/lib/http/errors';
import { findOpenableReport } from './staff-data';

export type TAttachmentCiphertext = { stream: ReadableStream<Uint8Array>; encryptedSize: number };

/**
 * The ciphertext of attachment `index` of a report, for a staff member who holds an envelope for that report (the
 * same scope as opening the report: another organisation's report, or one the caller has no envelope for, is not
 * found). An upload that is not complete is refused (409): its bytes could not be authenticated to the end.
 * Records `attachment.open` (report id, index) in the audit log before any byte is sent. The server streams sealed
 * bytes; the key is inside the sealed report, in the reviewer's browser.
 */
export async function openAttachmentCiphertext(
  db: Db,
  staff: TStaff,
  options: { reportId: string; index: number; serverSecret: string; storage: TAttachmentStorage; now?: Date },
): Promise<TAttachmentCiphertext> {
  const attachment = await db.$transaction(async (tx) => {
    const report = await findOpenableReport(tx, staff, options.reportId);
    const found = await tx.attachment.findUnique({
      where: { reportId_index: { reportId: report.id, index: options.index } },
      select: { storageKey: true, chunkCount: true, encryptedSize: true, isComplete: true },
    });
    if (!found) throw new AppError('not_found', 'There is no such file in this report.');
    if (!found.isComplete) throw new AppError('conflict', 'This file was not received completely.');
    await appendAuditEvent(tx, {
      serverSecret: options.serverSecret,
      organisationId: staff.organisationId,
      actorId: staff.reviewerId,
      action: 'attachment.open',
      subject: report.id,
      detail: `index=${options.index}`,
      now: options.now,
    });
    return found;
  });
  return { stream: options.storage.readObject({ storageKey: attachment.storageKey, count: attachment.chunkCount }), encryptedSize: attachment.encryptedSize };
}
