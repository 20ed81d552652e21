import 'server-only';
import { appendAuditEvent } from '@/lib/audit/audit-chain';
import type { TStaff } from '@/lib/auth/staff-auth';
import type { Db } from '@/lib/db';
import type { TExportKind } from './export-context';

/**
 * Records in the audit log that a staff member produced an export: who, which kind, which day. The export itself
 * is made in their browser (or the export command) and never sent here; neither are its period or filters.
 */
export async function recordExport(db: Db, staff: TStaff, options: { kind: TExportKind; serverSecret: string; now?: Date }): Promise<void> {
  await db.$transaction((tx) =>
    appendAuditEvent(tx, {
      serverSecret: options.serverSecret,
      organisationId: staff.organisationId,
      actorId: staff.reviewerId,
      action: 'stats.export',
      subject: options.kind,
      now: options.now,
    }),
  );
}
