import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testProviders } from '@/lib/db/test-database';
import { newId, today } from '@/lib/ids';
import { openStoredReport } from '@/lib/reports/open-stored-report';
import { submitReport } from '@/lib/reports/submit-report';
import { buildSubmission, createIntakeFixture, type TIntakeFixture } from '@/lib/reports/test-support';
import type { TStaff } from '@/lib/auth/staff-auth';
import { ZInboxTriagePage, ZReportPage, ZSealedReports } from './api-types';
import { findSealedReports, listInboxTriage, listReports } from './staff-data';

/**
 * The inbox's two reads: the index (everything the list needs except the bodies) and the sealed bodies of the rows a
 * browser asks for. Real encrypted submissions through the intake, on SQLite and PostgreSQL.
 */
describe.each(testProviders())('inbox data on %s', (provider) => {
  let f: TIntakeFixture;
  let staff: TStaff;
  const ids: string[] = [];

  beforeAll(async () => {
    f = await createIntakeFixture(provider);
    const organisationId = (await f.t.db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
    staff = { sessionId: 'test', reviewerId: f.reviewer.id, organisationId, role: 'reviewer', login: 'reviewer', displayName: 'Reviewer' };
    for (let i = 0; i < 7; i += 1) {
      const sub = await buildSubmission(f, { v: 1, narrative: `report ${i}` });
      await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
      ids.push(sub.reportId);
    }
    await f.t.db.triageRecord.create({ data: { id: newId(), recordId: ids[0]!, reportId: ids[0]!, organisationId, epoch: 1, sealed: '{"sealed":"triage"}', updatedDay: today() } });
  });
  afterAll(async () => {
    await f?.drop();
  });

  it('lists every openable report once, page by page, without body, envelope or triage record', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = ZReportPage.parse(await listReports(f.t.db, staff, { cursor, limit: 3 }));
      for (const row of page.reports) {
        expect(Object.keys(row).sort()).toEqual(['assigneeId', 'id', 'missingAttachments', 'receivedDay', 'status', 'updatedDay']);
        expect(page.bodies).toEqual([]);
        seen.push(row.id);
      }
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('gives the sealed triage records of the openable reports, page by page', async () => {
    await f.t.db.triageRecord.create({ data: { id: newId(), recordId: ids[1]!, reportId: ids[1]!, organisationId: staff.organisationId, epoch: 2, sealed: '{"sealed":"second"}', updatedDay: today() } });
    const first = ZInboxTriagePage.parse(await listInboxTriage(f.t.db, staff, { limit: 1 }));
    expect(first.records).toHaveLength(1);
    const second = ZInboxTriagePage.parse(await listInboxTriage(f.t.db, staff, { cursor: first.nextCursor!, limit: 1 }));
    expect(second.nextCursor).toBeNull();
    expect([...first.records, ...second.records].sort((a, b) => a.epoch - b.epoch)).toEqual([
      { reportId: ids[0], epoch: 1, sealed: '{"sealed":"triage"}' },
      { reportId: ids[1], epoch: 2, sealed: '{"sealed":"second"}' },
    ]);
    // Nobody else's: no envelope, or another organisation.
    expect((await listInboxTriage(f.t.db, { ...staff, reviewerId: newId() }, {})).records).toEqual([]);
    expect((await listInboxTriage(f.t.db, { ...staff, organisationId: newId() }, {})).records).toEqual([]);
  });

  it('adds the sealed bodies of the first rows of a page when asked, and none otherwise', async () => {
    const page = await listReports(f.t.db, staff, { bodies: 4 });
    expect(page.bodies.map((b) => b.id)).toEqual(page.reports.slice(0, 4).map((r) => r.id));
    expect(page.bodies[0]).toEqual((await findSealedReports(f.t.db, staff, { ids: [page.reports[0]!.id] })).reports[0]);
    expect((await listReports(f.t.db, staff, {})).bodies).toEqual([]);
  });

  it('gives the sealed bodies asked for, in order, once each, and they open with the reviewer key', async () => {
    const asked = [ids[4]!, ids[1]!, ids[4]!, 'AAAAAAAAAAAAAAAAAAAAAA', ids[2]!];
    const answer = ZSealedReports.parse(await findSealedReports(f.t.db, staff, { ids: asked }));
    expect(answer.reports.map((r) => r.id)).toEqual([ids[4], ids[1], ids[2]]);
    for (const row of answer.reports) {
      const opened = await openStoredReport({ report: { id: row.id, sealed: row.sealed, envelopes: [{ reviewerId: f.reviewer.id, envelope: row.envelope }] }, reviewerId: f.reviewer.id, keys: f.reviewer.keys, directory: f.directory });
      expect(opened.reportId).toBe(row.id);
      expect((opened.report as { narrative: string }).narrative).toBe(`report ${ids.indexOf(row.id)}`);
    }
  });

  it('gives nothing to a staff member without an envelope, nor from another organisation, nor an unfinished report', async () => {
    const stranger = { ...staff, reviewerId: newId() };
    expect((await findSealedReports(f.t.db, stranger, { ids })).reports).toEqual([]);
    expect((await listReports(f.t.db, stranger, {})).reports).toEqual([]);
    const elsewhere = { ...staff, organisationId: newId() };
    expect((await findSealedReports(f.t.db, elsewhere, { ids })).reports).toEqual([]);
    await f.t.db.report.update({ where: { id: ids[6]! }, data: { isComplete: false } });
    try {
      expect((await findSealedReports(f.t.db, staff, { ids: [ids[6]!] })).reports).toEqual([]);
      expect((await listReports(f.t.db, staff, {})).reports.map((r) => r.id)).not.toContain(ids[6]);
    } finally {
      await f.t.db.report.update({ where: { id: ids[6]! }, data: { isComplete: true } });
    }
  });
});
