import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '@/scripts/build-server';
import { AppError } from '@/lib/http/errors';
import { refuseIfKnownFull } from '@/lib/intake/rate-limit';
import { ThreadedIntakeWriter } from './intake-thread';
import { setIntakeWriter } from './intake-writer';
import { submitReport } from './submit-report';
import { buildSubmission, createIntakeFixture, type TIntakeFixture } from './test-support';

const report = { v: 1, narrative: 'thread', when: { year: 2026, month: 11 } };

function statusOf(result: PromiseSettledResult<unknown>): number {
  if (result.status === 'fulfilled') return 201;
  return result.reason instanceof AppError ? result.reason.status : 500;
}

// The production server's SQLite intake: the unchanged IntakeWriter in a worker thread on a connection of its own
// (bundled by scripts/build-server.ts, as for the server, into a folder of this test's own).
describe('the intake writer in a worker thread, on SQLite', () => {
  let f: TIntakeFixture;
  let writer: ThreadedIntakeWriter;
  const bundleDir = path.resolve(import.meta.dirname, '..', '..', 'var', `test-intake-thread-${process.pid}`);
  beforeAll(async () => {
    f = await createIntakeFixture('sqlite');
    await buildServer(bundleDir);
    writer = await ThreadedIntakeWriter.start(pathToFileURL(path.join(bundleDir, 'qorgau-intake-thread.mjs')), f.t.url, f.t.db);
    setIntakeWriter(f.t.db, writer);
  });
  afterAll(async () => {
    await writer?.close();
    await f?.drop();
    fs.rmSync(bundleDir, { recursive: true, force: true });
  });

  it('stores a batch and refuses replays, twins and a stale directory with the same errors as in process', async () => {
    const stored = await buildSubmission(f, report);
    await submitReport({ db: f.t.db, request: stored.request, settings: f.settings });
    const good = await Promise.all(Array.from({ length: 6 }, () => buildSubmission(f, report)));
    const replay = await buildSubmission(f, report);
    const twin = await buildSubmission(f, report);
    const stale = await buildSubmission(f, report);
    const requests = [
      ...good.map((g) => g.request),
      { ...replay.request, pow: stored.request.pow },
      { ...twin.request, pow: good[0]!.request.pow },
      { ...stale.request, envelope: { ...stale.request.envelope, directorySerial: stale.request.envelope.directorySerial + 1 } },
    ];
    const results = await Promise.allSettled(requests.map((request) => submitReport({ db: f.t.db, request, settings: f.settings })));
    expect(results.map(statusOf)).toEqual([201, 201, 201, 201, 201, 201, 409, 409, 409]);
    const refusal = (results[6] as PromiseRejectedResult).reason as AppError;
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal.code).toBe('conflict');
    // Acknowledged means committed: the app's own connection sees every stored report at once.
    expect(await f.t.db.report.count({ where: { id: { in: [stored.reportId, ...good.map((g) => g.reportId)] } } })).toBe(7);
    expect(await f.t.db.report.count({ where: { id: { in: [replay.reportId, twin.reportId, stale.reportId] } } })).toBe(0);
  });

  it('answers 429 with Retry-After from the limits counted in its transaction', async () => {
    const limits = [{ bucket: 'thread-test-minute', max: 2, windowSeconds: 60 }];
    const subs = await Promise.all(Array.from({ length: 4 }, () => buildSubmission(f, report)));
    const results = await Promise.allSettled(subs.map((s) => submitReport({ db: f.t.db, request: s.request, settings: { ...f.settings, limits } })));
    expect(results.map(statusOf).sort()).toEqual([201, 201, 429, 429]);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(Number((refused.reason as AppError).headers['Retry-After'])).toBeGreaterThan(0);
    // A later one is refused by the thread from the committed count, and the thread tells the main thread, which then
    // refuses the next before any work (its proof of work is not even checked).
    expect(() => refuseIfKnownFull(f.t.db, limits)).not.toThrow();
    const later = await buildSubmission(f, report);
    expect(statusOf((await Promise.allSettled([submitReport({ db: f.t.db, request: later.request, settings: { ...f.settings, limits } })]))[0]!)).toBe(429);
    expect(() => refuseIfKnownFull(f.t.db, limits)).toThrow(/Too many requests/);
  });
});
