import { REPORTER_SENDER_ID } from '@/lib/crypto';
import type { Db } from '@/lib/db';
import { AppError } from '@/lib/http/errors';
import { newId, today } from '@/lib/ids';
import { isUniqueViolation } from '@/lib/reports/db-errors';
import { findReportByToken } from '@/lib/reports/find-report-by-token';
import type { TReporterMessageRequest } from '@/lib/reports/intake-schemas';
import { attachmentRows, checkAttachments, type TIntakeSettings } from '@/lib/reports/submit-report';

/**
 * Appends the reporter's sealed message (and announces its attachments) to the thread of the
 * report the access token opens, in one transaction. Throws 400 when the envelope is not a reporter
 * message for this report, 409 when a message id or attachment index is already taken.
 */
export async function addReporterMessage(options: { db: Db; request: TReporterMessageRequest; settings: TIntakeSettings; now?: Date }) {
  const { db, request, settings } = options;
  const report = await findReportByToken(db, settings.serverSecret, request.accessToken);
  const { message } = request;
  if (message.reportId !== report.id || message.direction !== 'to-reviewers' || message.senderId !== REPORTER_SENDER_ID) {
    throw new AppError('bad_request', 'This message is not a reporter message for this report.');
  }
  checkAttachments(request.attachments, settings);
  const now = options.now ?? new Date();
  const day = today(now);
  const expiresDay = today(new Date(now.getTime() + settings.uploadExpiryDays * 86_400_000));
  try {
    await db.$transaction(async (tx) => {
      // The report row is updated first: on PostgreSQL that locks it, so messages to one report
      // arriving at the same moment take turns and each reads the number the previous one took
      // (otherwise both take the same number and one is refused). SQLite has one writer anyway.
      await tx.report.update({
        where: { id: report.id },
        data: {
          updatedDay: day,
          expectedAttachments: { increment: request.attachments.length },
          ...(request.attachments.length > 0 ? { isComplete: false } : {}),
        },
      });
      const last = await tx.message.findFirst({ where: { reportId: report.id }, orderBy: { seq: 'desc' }, select: { seq: true } });
      await tx.message.create({
        data: { id: newId(), reportId: report.id, seq: (last?.seq ?? 0) + 1, direction: 'to-reviewers', sealed: JSON.stringify(message), createdDay: day },
      });
      for (const data of attachmentRows(report.id, request.attachments, day, expiresDay)) await tx.attachment.create({ data });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('conflict', 'This message or one of its files was already received.');
    throw error;
  }
}
