import type { Db } from '@/lib/db';
import { findReportByToken } from '@/lib/reports/find-report-by-token';

/** What a reporter may see of the status: three words, not the reviewers' internal workflow. */
export type TReporterStatus = 'received' | 'in_review' | 'closed';

export function reporterStatus(status: string): TReporterStatus {
  if (status === 'new') return 'received';
  if (status === 'closed' || status === 'spam') return 'closed';
  return 'in_review';
}

/**
 * Everything the reporter's browser needs to show a follow-up page, all still sealed: the report
 * core (opened with the receipt-derived key), the message thread in order, and the state of each
 * upload so unfinished ones can resume. Throws the uniform not-found `AppError` for a wrong receipt.
 */
export async function openFollowUp(options: { db: Db; serverSecret: string; accessToken: string }) {
  const report = await findReportByToken(options.db, options.serverSecret, options.accessToken);
  const [messages, attachments] = await Promise.all([
    options.db.message.findMany({ where: { reportId: report.id }, orderBy: { seq: 'asc' }, select: { seq: true, sealed: true } }),
    options.db.attachment.findMany({
      where: { reportId: report.id },
      orderBy: { index: 'asc' },
      select: { id: true, index: true, encryptedSize: true, chunkCount: true, receivedChunks: true, isComplete: true },
    }),
  ]);
  return {
    status: reporterStatus(report.status),
    report: { ...(JSON.parse(report.sealed) as Record<string, unknown>), recipients: [] },
    messages: messages.map((m) => ({ seq: m.seq, envelope: JSON.parse(m.sealed) as unknown })),
    attachments,
    missingAttachments: report.missingAttachments,
  };
}
