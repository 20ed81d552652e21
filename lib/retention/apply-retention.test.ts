import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDiskStorage } from '@/lib/attachments/storage';
import { attachmentEncryptedSize } from '@/lib/crypto';
import { verifyAuditChain } from '@/lib/audit/audit-chain';
import { testProviders } from '@/lib/db/test-database';
import { newId } from '@/lib/ids';
import { listTriage } from '@/lib/review/staff-data';
import { submitReport } from '@/lib/reports/submit-report';
import { buildSubmission, createIntakeFixture, type TIntakeFixture } from '@/lib/reports/test-support';
import { applyRetention } from './apply-retention';

const now = new Date('2027-06-30T12:00:00Z');

describe.each(testProviders())('retention on %s', (provider) => {
  let f: TIntakeFixture;
  let organisationId: string;
  beforeAll(async () => {
    f = await createIntakeFixture(provider);
    organisationId = (await f.t.db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
  });
  afterAll(async () => {
    await f?.drop();
  });

  /** A stored report with the given status and last change, a triage record, a message and one stored piece. */
  async function storedReport(status: string, updatedDay: string) {
    const attachmentId = newId();
    const sub = await buildSubmission(f, { v: 1, narrative: 'retention' }, [{ id: attachmentId, index: 0, encryptedSize: attachmentEncryptedSize(10) }]);
    await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
    const { storageKey } = await f.t.db.attachment.findUniqueOrThrow({ where: { id: attachmentId } });
    await localDiskStorage(f.uploadDir).putChunk({ storageKey, n: 0, count: 1, bytes: new Uint8Array([1, 2, 3]) });
    await f.t.db.message.create({ data: { id: newId(), reportId: sub.reportId, seq: 1, direction: 'to-reporter', sealed: '{}', createdDay: updatedDay } });
    await f.t.db.triageRecord.create({ data: { id: newId(), recordId: sub.reportId, reportId: sub.reportId, organisationId, epoch: 1, sealed: '{"sealed":1}', updatedDay } });
    await f.t.db.report.update({ where: { id: sub.reportId }, data: { status, updatedDay } });
    return { id: sub.reportId, dir: path.join(f.uploadDir, storageKey.slice(0, 2), storageKey) };
  }

  it('deletes closed and spam reports past the period with their rows and files, keeping closed triage for statistics', async () => {
    await f.t.db.organisation.update({ where: { id: organisationId }, data: { retentionDays: 90, keepStatistics: true } });
    const oldClosed = await storedReport('closed', '2027-01-10');
    const oldSpam = await storedReport('spam', '2027-01-10');
    const recentClosed = await storedReport('closed', '2027-06-01');
    const oldOpen = await storedReport('in_review', '2027-01-10');
    expect(fs.existsSync(oldClosed.dir)).toBe(true);

    const [result] = await applyRetention({ db: f.t.db, storage: localDiskStorage(f.uploadDir), serverSecret: f.settings.serverSecret, now });
    expect(result).toMatchObject({ cutoffDay: '2027-04-01', deletedReports: 2, keptStatistics: 1, deletedFiles: 2 });

    for (const gone of [oldClosed, oldSpam]) {
      expect(await f.t.db.report.findUnique({ where: { id: gone.id } })).toBeNull();
      const where = { reportId: gone.id };
      expect(await Promise.all([f.t.db.reportEnvelope.count({ where }), f.t.db.message.count({ where }), f.t.db.attachment.count({ where })])).toEqual([0, 0, 0]);
      expect(fs.existsSync(gone.dir)).toBe(false);
    }
    expect(await f.t.db.triageRecord.findUnique({ where: { recordId: oldClosed.id } })).toMatchObject({ reportId: null, organisationId });
    expect(await f.t.db.triageRecord.findUnique({ where: { recordId: oldSpam.id } })).toBeNull();
    for (const kept of [recentClosed, oldOpen]) {
      expect(await f.t.db.report.findUnique({ where: { id: kept.id } })).not.toBeNull();
      expect(fs.existsSync(kept.dir)).toBe(true);
    }

    // Statistics still see the kept record, as closed, and the deleted report nowhere else.
    const staff = { organisationId } as Parameters<typeof listTriage>[1];
    const listed: Awaited<ReturnType<typeof listTriage>>['records'] = [];
    let cursor: string | null | undefined;
    do {
      const page = await listTriage(f.t.db, staff, { cursor: cursor ?? undefined });
      listed.push(...page.records);
      cursor = page.nextCursor;
    } while (cursor);
    expect(listed.filter((r) => r.reportId === oldClosed.id)).toEqual([{ reportId: oldClosed.id, status: 'closed', triage: { epoch: 1, sealed: '{"sealed":1}' } }]);

    const audit = await f.t.db.auditEvent.findFirstOrThrow({ where: { organisationId, action: 'retention.run' }, orderBy: { seq: 'desc' } });
    expect(JSON.parse(audit.detail!)).toEqual({ cutoffDay: '2027-04-01', deletedReports: 2, keptStatistics: 1 });
    expect(await verifyAuditChain(f.t.db, { serverSecret: f.settings.serverSecret, organisationId })).toMatchObject({ ok: true });
  });

  it('keeps no triage record once the organisation stops keeping statistics, and nothing at all with no period', async () => {
    await f.t.db.organisation.update({ where: { id: organisationId }, data: { retentionDays: 90, keepStatistics: false } });
    const oldClosed = await storedReport('closed', '2027-02-01');
    await applyRetention({ db: f.t.db, storage: localDiskStorage(f.uploadDir), serverSecret: f.settings.serverSecret, now });
    expect(await f.t.db.triageRecord.count({ where: { organisationId, reportId: null } })).toBe(0);
    expect(await f.t.db.report.findUnique({ where: { id: oldClosed.id } })).toBeNull();

    await f.t.db.organisation.update({ where: { id: organisationId }, data: { retentionDays: 0 } });
    const untouched = await storedReport('closed', '2020-01-01');
    expect(await applyRetention({ db: f.t.db, storage: localDiskStorage(f.uploadDir), serverSecret: f.settings.serverSecret, now })).toEqual([]);
    expect(await f.t.db.report.findUnique({ where: { id: untouched.id } })).not.toBeNull();
  });
});
