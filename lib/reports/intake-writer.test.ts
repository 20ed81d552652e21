import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '@/lib/db/open-db';
import { testProviders } from '@/lib/db/test-database';
import { AppError } from '@/lib/http/errors';
import { submitReport } from './submit-report';
import { buildSubmission, createIntakeFixture, type TIntakeFixture } from './test-support';

const report = { v: 1, narrative: 'batch', when: { year: 2026, month: 11 } };

function statusOf(result: PromiseSettledResult<unknown>): number {
  if (result.status === 'fulfilled') return 201;
  return result.reason instanceof AppError ? result.reason.status : 500;
}

describe.each(testProviders())('group commit of concurrent submissions on %s', (provider) => {
  let f: TIntakeFixture;
  beforeAll(async () => {
    f = await createIntakeFixture(provider);
  });
  afterAll(async () => {
    await f?.drop();
  });

  it('stores the good submissions of a batch and refuses only the replays and the stale one', async () => {
    const stored = await buildSubmission(f, report);
    await submitReport({ db: f.t.db, request: stored.request, settings: f.settings });
    const good = await Promise.all(Array.from({ length: 10 }, () => buildSubmission(f, report)));
    const replayOfStored = await buildSubmission(f, report);
    const twin = await buildSubmission(f, report);
    const stale = await buildSubmission(f, report);
    const requests = [
      ...good.slice(0, 5).map((g) => g.request),
      // a proof of work already spent by a committed report
      { ...replayOfStored.request, pow: stored.request.pow },
      ...good.slice(5).map((g) => g.request),
      // the same proof of work twice in one batch: exactly one of them may be stored
      { ...twin.request, pow: good[0]!.request.pow },
      { ...stale.request, envelope: { ...stale.request.envelope, directorySerial: stale.request.envelope.directorySerial + 1 } },
    ];
    const before = await f.t.db.report.count();
    // Sent in one turn of the event loop, so they reach the writer as one batch.
    const results = await Promise.allSettled(requests.map((request) => submitReport({ db: f.t.db, request, settings: f.settings })));
    expect(results.map(statusOf)).toEqual([201, 201, 201, 201, 201, 409, 201, 201, 201, 201, 201, 409, 409]);
    expect(await f.t.db.report.count()).toBe(before + 10);
    const rows = await f.t.db.report.findMany({ where: { id: { in: good.map((g) => g.reportId) } }, include: { envelopes: true } });
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row.envelopes).toHaveLength(f.directory.reviewers.filter((r) => r.role !== 'analyst').length);
    for (const refusedOne of [replayOfStored, twin, stale]) expect(await f.t.db.report.findUnique({ where: { id: refusedOne.reportId } })).toBeNull();
  });

  it('acknowledges each submission exactly once when two app instances race to store the same ones', async () => {
    const other = await openDb(f.t.url);
    try {
      const subs = await Promise.all(Array.from({ length: 8 }, () => buildSubmission(f, report)));
      const [mine, theirs] = await Promise.all([
        Promise.allSettled(subs.map((s) => submitReport({ db: f.t.db, request: s.request, settings: f.settings }))),
        Promise.allSettled(subs.map((s) => submitReport({ db: other, request: s.request, settings: f.settings }))),
      ]);
      for (let i = 0; i < subs.length; i += 1) {
        expect([statusOf(mine[i]!), statusOf(theirs[i]!)].sort()).toEqual([201, 409]);
      }
      expect(await f.t.db.report.count({ where: { id: { in: subs.map((s) => s.reportId) } } })).toBe(subs.length);
    } finally {
      await other.$disconnect();
    }
  });
});
