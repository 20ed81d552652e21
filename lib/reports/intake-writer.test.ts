import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, sqliteConnectionOf, type Db } from '@/lib/db/open-db';
import { rememberFull } from '@/lib/intake/rate-limit';
import { testProviders } from '@/lib/db/test-database';
import { AppError } from '@/lib/http/errors';
import { IntakeWriter, setIntakeWriter } from './intake-writer';
import { SqliteIntakeStore } from './sqlite-intake-store';
import { submitReport } from './submit-report';
import { buildSubmission, createIntakeFixture, type TIntakeFixture } from './test-support';

const report = { v: 1, narrative: 'batch', when: { year: 2026, month: 11 } };

function statusOf(result: PromiseSettledResult<unknown>): number {
  if (result.status === 'fulfilled') return 201;
  return result.reason instanceof AppError ? result.reason.status : 500;
}

// Prisma's path (PostgreSQL, and SQLite in a process without the intake thread) and SQLite's direct path (the intake
// thread's: one synchronous transaction on a connection of the writer's own, lib/reports/sqlite-intake-store.ts).
const paths = [...testProviders().map((provider) => [provider, 'Prisma'] as const), ['sqlite', 'direct'] as const];

describe.each(paths)('group commit of concurrent submissions on %s, %s path', (provider, path) => {
  let f: TIntakeFixture;
  let writerDb: Db | undefined;
  beforeAll(async () => {
    f = await createIntakeFixture(provider);
    if (path === 'direct') {
      writerDb = await openDb(f.t.url);
      const db = f.t.db;
      setIntakeWriter(db, new IntakeWriter(writerDb, { direct: new SqliteIntakeStore(sqliteConnectionOf(writerDb)), onFull: (full) => rememberFull(db, full) }));
    }
  });
  afterAll(async () => {
    await writerDb?.$disconnect();
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

  it('stores and counts as many submissions of a batch as the limit allows, refuses the rest with 429, and a refused one can be sent again later', async () => {
    const now = new Date();
    const limited = { ...f.settings, limits: [{ bucket: 'batch-limit', max: 5, windowSeconds: 3600 }] };
    const subs = await Promise.all(Array.from({ length: 8 }, () => buildSubmission(f, report)));
    const results = await Promise.allSettled(subs.map((s) => submitReport({ db: f.t.db, request: s.request, settings: limited, now })));
    expect(results.map(statusOf)).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
    const refusal = (results[5] as PromiseRejectedResult).reason as AppError;
    expect(Number(refusal.headers['Retry-After'])).toBeGreaterThan(0);
    expect(refusal.message).toMatch(/^Too many requests right now\. Please try again in \d+ minutes?\.$/);
    expect(await f.t.db.report.count({ where: { id: { in: subs.map((s) => s.reportId) } } })).toBe(5);
    expect(await f.t.db.intakeWindow.findUnique({ where: { id: 'batch-limit' } })).toMatchObject({ count: 5 });
    // Nothing of a refused submission was kept, its proof of work included: once there is room it goes through.
    const roomier = { ...limited, limits: [{ bucket: 'batch-limit', max: 6, windowSeconds: 3600 }] };
    await submitReport({ db: f.t.db, request: subs[5]!.request, settings: roomier, now });
    expect(await f.t.db.intakeWindow.findUnique({ where: { id: 'batch-limit' } })).toMatchObject({ count: 6 });
    expect(statusOf((await Promise.allSettled([submitReport({ db: f.t.db, request: subs[6]!.request, settings: roomier, now })]))[0]!)).toBe(429);
  });

  it('does not count a submission that is refused for another reason', async () => {
    const now = new Date();
    const limited = { ...f.settings, limits: [{ bucket: 'refused-limit', max: 3, windowSeconds: 3600 }] };
    const stored = await buildSubmission(f, report);
    await submitReport({ db: f.t.db, request: stored.request, settings: limited, now });
    const replay = await buildSubmission(f, report);
    const results = await Promise.allSettled([
      submitReport({ db: f.t.db, request: { ...replay.request, pow: stored.request.pow }, settings: limited, now }),
      submitReport({ db: f.t.db, request: stored.request, settings: limited, now }),
    ]);
    expect(results.map(statusOf)).toEqual([409, 409]);
    expect(await f.t.db.intakeWindow.findUnique({ where: { id: 'refused-limit' } })).toMatchObject({ count: 1 });
  });

  it('stores exactly the limit when two app instances take submissions at once', async () => {
    const other = await openDb(f.t.url);
    try {
      const now = new Date();
      const limited = { ...f.settings, limits: [{ bucket: 'two-writers', max: 7, windowSeconds: 3600 }] };
      const subs = await Promise.all(Array.from({ length: 14 }, () => buildSubmission(f, report)));
      const results = await Promise.allSettled(subs.map((s, i) => submitReport({ db: i % 2 === 0 ? f.t.db : other, request: s.request, settings: limited, now })));
      const statuses = results.map(statusOf);
      expect(statuses.filter((s) => s === 201)).toHaveLength(7);
      expect(statuses.filter((s) => s === 429)).toHaveLength(7);
      const storedIds = subs.filter((_, i) => statuses[i] === 201).map((s) => s.reportId).sort();
      expect((await f.t.db.report.findMany({ where: { id: { in: subs.map((s) => s.reportId) } }, select: { id: true } })).map((r) => r.id).sort()).toEqual(storedIds);
      expect(await f.t.db.intakeWindow.findUnique({ where: { id: 'two-writers' } })).toMatchObject({ count: 7 });
    } finally {
      await other.$disconnect();
    }
  });

  it.runIf(path === 'direct')('answers 503 and stores nothing while another connection holds the write lock, and stores once it is free', async () => {
    const connection = sqliteConnectionOf(writerDb!);
    const timeout = connection.pragma('busy_timeout', { simple: true }) as number;
    // A short busy timeout, so that the retries run out in a second rather than half a minute.
    connection.pragma('busy_timeout = 20');
    const { default: Database } = await import('better-sqlite3');
    const holder = new Database(f.t.url.slice('file:'.length));
    try {
      const subs = await Promise.all(Array.from({ length: 3 }, () => buildSubmission(f, report)));
      holder.exec('BEGIN IMMEDIATE');
      const refused = await Promise.allSettled(subs.map((s) => submitReport({ db: f.t.db, request: s.request, settings: f.settings })));
      expect(refused.map(statusOf)).toEqual([503, 503, 503]);
      expect(((refused[0] as PromiseRejectedResult).reason as AppError).headers['Retry-After']).toBe('60');
      holder.exec('ROLLBACK');
      expect(await f.t.db.report.count({ where: { id: { in: subs.map((s) => s.reportId) } } })).toBe(0);
      // Nothing was spent or counted: the same submissions go through now.
      const stored = await Promise.allSettled(subs.map((s) => submitReport({ db: f.t.db, request: s.request, settings: f.settings })));
      expect(stored.map(statusOf)).toEqual([201, 201, 201]);
    } finally {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
      connection.pragma(`busy_timeout = ${timeout}`);
    }
  });

  it('gives a submission sent twice in one batch the answer of its own transaction, after the batch', async () => {
    const now = new Date();
    const limited = { ...f.settings, limits: [{ bucket: `twice-${path.toLowerCase()}`, max: 1, windowSeconds: 3600 }] };
    const first = await buildSubmission(f, report);
    const twice = await buildSubmission(f, report);
    // The first takes the only slot; the twin's first copy is refused for the limit, so its second copy must not be
    // told "already received" (nothing of it was stored): it gets the 429 too.
    const results = await Promise.allSettled([first, twice, twice].map((s) => submitReport({ db: f.t.db, request: s.request, settings: limited, now })));
    expect(results.map(statusOf)).toEqual([201, 429, 429]);
    expect(await f.t.db.report.findUnique({ where: { id: twice.reportId } })).toBeNull();
  });
});
