import 'server-only';
import type { TReportGrant } from '@/lib/crypto';
import { appendAuditEvent } from '@/lib/audit/audit-chain';
import type { TStaff } from '@/lib/auth/staff-auth';
import type { Db } from '@/lib/db';
import { AppError } from '@/lib/http/errors';
import { newId } from '@/lib/ids';

/**
 * Stores a batch of report grants made in the coordinator's browser for an approved member: each grant must be
 * signed by the caller (granterId), name this member and a report of the organisation that the caller can open
 * (holds an envelope for: nobody grants what they cannot read), and a directory serial that exists. A report the
 * member can already open is skipped. One audit entry per batch (`report.grant`, detail: count).
 */
export async function storeGrants(db: Db, staff: TStaff, options: { memberId: string; grants: TReportGrant[]; serverSecret: string; now?: Date }): Promise<{ stored: number }> {
  return db.$transaction(async (tx) => {
    const member = await tx.reviewer.findFirst({ where: { id: options.memberId, organisationId: staff.organisationId, status: 'active', role: { in: ['reviewer', 'coordinator'] } } });
    if (!member) throw new AppError('not_found', 'Grants can only go to an active reviewer or coordinator of this organisation.');
    const latest = await tx.reviewerDirectory.findFirst({ where: { organisationId: staff.organisationId }, orderBy: { serial: 'desc' }, select: { serial: true } });
    const reportIds = [...new Set(options.grants.map((g) => g.reportId))];
    if (reportIds.length !== options.grants.length) throw new AppError('validation_failed', 'Two grants for the same report.');
    for (const grant of options.grants) {
      if (grant.reviewerId !== member.id || grant.granterId !== staff.reviewerId || grant.directorySerial > (latest?.serial ?? 0)) {
        throw new AppError('validation_failed', 'A grant is not signed by you for this member under a published directory.');
      }
    }
    const readable = await tx.report.findMany({
      where: { id: { in: reportIds }, organisationId: staff.organisationId, envelopes: { some: { reviewerId: staff.reviewerId } } },
      select: { id: true, envelopes: { where: { reviewerId: member.id }, select: { id: true } } },
    });
    if (readable.length !== reportIds.length) throw new AppError('validation_failed', 'A grant names a report you cannot open, or that does not exist.');
    const already = new Set(readable.filter((r) => r.envelopes.length > 0).map((r) => r.id));
    const fresh = options.grants.filter((g) => !already.has(g.reportId));
    for (const grant of fresh) {
      await tx.reportEnvelope.create({ data: { id: newId(), reportId: grant.reportId, reviewerId: member.id, envelope: JSON.stringify({ kind: 'grant', grant }) } });
    }
    await appendAuditEvent(tx, { serverSecret: options.serverSecret, organisationId: staff.organisationId, actorId: staff.reviewerId, action: 'report.grant', subject: member.id, detail: `count=${fresh.length}`, now: options.now });
    return { stored: fresh.length };
  });
}
