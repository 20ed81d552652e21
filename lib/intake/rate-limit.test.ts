import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/lib/db/open-db';
import { createTestDatabase, testProviders, type TTestDatabase } from '@/lib/db/test-database';
import { AppError } from '@/lib/http/errors';
import { deleteEndedWindows, refuseIfKnownFull, takeIntakeSlot, windowEndOf, type TLimit } from './rate-limit';

/** 2026-11-21 10:37:10 UTC plus `seconds`. */
const at = (seconds = 0) => new Date(Date.UTC(2026, 10, 21, 10, 37, 10) + seconds * 1000);

async function outcome(promise: Promise<unknown>): Promise<'ok' | AppError> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

const root = path.resolve(import.meta.dirname, '..', '..');

/** Another app instance: a process of its own sending `requests` concurrent requests (lib/intake/take-slots-worker.ts). */
async function runWorker(url: string, requests: number, limits: TLimit[], now: Date): Promise<{ granted: number; refused: number }> {
  const { stdout } = await promisify(execFile)(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    ['lib/intake/take-slots-worker.ts', url, String(requests), JSON.stringify(limits), String(now.getTime())],
    { cwd: root, timeout: 120_000 },
  );
  return JSON.parse(stdout) as { granted: number; refused: number };
}

/** Every column of every row, as stored (SELECT *, so a column added later would show up here). */
async function rows(db: Db): Promise<({ id: string; count: number } & Record<string, unknown>)[]> {
  const all = await db.$queryRawUnsafe<Record<string, unknown>[]>('SELECT * FROM "IntakeWindow" ORDER BY "id"');
  return all.map((row) => ({ ...row, id: String(row.id), count: Number(row.count) }));
}

describe('the shared window arithmetic', () => {
  it('aligns windows to the clock: a minute window ends on the minute, an hour window on the hour', () => {
    expect(new Date(windowEndOf({ bucket: 'm', max: 1, windowSeconds: 60 }, at())).toISOString()).toBe('2026-11-21T10:38:00.000Z');
    expect(new Date(windowEndOf({ bucket: 'h', max: 1, windowSeconds: 3600 }, at())).toISOString()).toBe('2026-11-21T11:00:00.000Z');
  });
});

describe.each(testProviders())('global intake limits held in the database on %s', (provider) => {
  let t: TTestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(provider);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('allows up to the limit, then answers 429 with Retry-After to the end of the window and the minutes to wait', async () => {
    const limits = [{ bucket: 'plain', max: 3, windowSeconds: 60 }];
    for (let i = 0; i < 3; i += 1) await takeIntakeSlot(t.db, limits, at(i));
    const error = await outcome(takeIntakeSlot(t.db, limits, at(10)));
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(429);
    // 10:37:20 → the window ends at 10:38:00.
    expect((error as AppError).headers['Retry-After']).toBe('40');
    expect((error as AppError).message).toBe('Too many requests right now. Please try again in 1 minute.');
  });

  it('opens again when the window has ended, in the same row', async () => {
    const limits = [{ bucket: 'reopen', max: 2, windowSeconds: 60 }];
    await takeIntakeSlot(t.db, limits, at(0));
    await takeIntakeSlot(t.db, limits, at(1));
    expect(await outcome(takeIntakeSlot(t.db, limits, at(49)))).toBeInstanceOf(AppError);
    // 10:38:00 is the next window.
    expect(await outcome(takeIntakeSlot(t.db, limits, at(50)))).toBe('ok');
    expect((await rows(t.db)).filter((r) => r.id === 'reopen')).toEqual([{ id: 'reopen', windowEnd: '2026-11-21T10:39', count: 1 }]);
  });

  it('stores the bucket, the end of the window to the minute and the count, and nothing else', async () => {
    await takeIntakeSlot(t.db, [{ bucket: 'shape', max: 5, windowSeconds: 3600 }], at(0));
    const row = (await rows(t.db)).find((r) => r.id === 'shape');
    expect(row).toEqual({ id: 'shape', windowEnd: '2026-11-21T11:00', count: 1 });
  });

  it('does not count a refused request against its other limits', async () => {
    const both = [
      { bucket: 'pair-a', max: 1, windowSeconds: 60 },
      { bucket: 'pair-b', max: 5, windowSeconds: 60 },
    ];
    await takeIntakeSlot(t.db, both, at(0));
    expect(await outcome(takeIntakeSlot(t.db, both, at(1)))).toBeInstanceOf(AppError);
    expect((await rows(t.db)).find((r) => r.id === 'pair-b')?.count).toBe(1);
    await takeIntakeSlot(t.db, [{ bucket: 'pair-b', max: 2, windowSeconds: 60 }], at(2));
    expect(await outcome(takeIntakeSlot(t.db, [{ bucket: 'pair-b', max: 2, windowSeconds: 60 }], at(3)))).toBeInstanceOf(AppError);
  });

  it('takes the longest wait when several limits are exhausted', async () => {
    const both = [
      { bucket: 'wait-minute', max: 1, windowSeconds: 60 },
      { bucket: 'wait-hour', max: 1, windowSeconds: 3600 },
    ];
    await takeIntakeSlot(t.db, both, at(0));
    const error = (await outcome(takeIntakeSlot(t.db, both, at(20)))) as AppError;
    // 10:37:30 → 11:00:00.
    expect(error.headers['Retry-After']).toBe(String(22 * 60 + 30));
    expect(error.message).toContain('try again in 23 minutes');
  });

  it('only moves a window forward: an instance whose clock lags counts into the newer window', async () => {
    const limits = [{ bucket: 'skew', max: 2, windowSeconds: 60 }];
    await takeIntakeSlot(t.db, limits, at(55));
    await takeIntakeSlot(t.db, limits, at(45));
    expect((await rows(t.db)).find((r) => r.id === 'skew')).toEqual({ id: 'skew', windowEnd: '2026-11-21T10:39', count: 2 });
    expect(await outcome(takeIntakeSlot(t.db, limits, at(46)))).toBeInstanceOf(AppError);
  });

  it('deletes the rows of ended windows when a new window starts, and in maintenance', async () => {
    const d = await createTestDatabase(provider);
    try {
      await takeIntakeSlot(d.db, [{ bucket: 'idle', max: 9, windowSeconds: 60 }], at(0));
      await takeIntakeSlot(d.db, [{ bucket: 'busy', max: 9, windowSeconds: 60 }], at(1));
      expect((await rows(d.db)).map((r) => r.id)).toEqual(['busy', 'idle']);
      // 10:39:10: busy starts a new window, and the idle bucket's ended window goes.
      await takeIntakeSlot(d.db, [{ bucket: 'busy', max: 9, windowSeconds: 60 }], at(120));
      expect(await rows(d.db)).toEqual([{ id: 'busy', windowEnd: '2026-11-21T10:40', count: 1 }]);
      await takeIntakeSlot(d.db, [{ bucket: 'hourly', max: 9, windowSeconds: 3600 }], at(130));
      expect(await deleteEndedWindows(d.db, at(200))).toBe(1);
      expect((await rows(d.db)).map((r) => r.id)).toEqual(['hourly']);
    } finally {
      await d.drop();
    }
  });

  it('remembers a window it found full and refuses at once until that window ends', async () => {
    const limits = [{ bucket: 'memo', max: 1, windowSeconds: 60 }];
    await takeIntakeSlot(t.db, limits, at(0));
    expect(() => refuseIfKnownFull(t.db, limits, at(1))).not.toThrow();
    expect(await outcome(takeIntakeSlot(t.db, limits, at(1)))).toBeInstanceOf(AppError);
    // Now known: refused without the database, even if the row were gone.
    await t.db.intakeWindow.delete({ where: { id: 'memo' } });
    expect(() => refuseIfKnownFull(t.db, limits, at(2))).toThrow(AppError);
    expect(await outcome(takeIntakeSlot(t.db, limits, at(2)))).toBeInstanceOf(AppError);
    expect(() => refuseIfKnownFull(t.db, limits, at(50))).not.toThrow();
    expect(await outcome(takeIntakeSlot(t.db, limits, at(50)))).toBe('ok');
  });

  it('counts requests from several app instances (database clients) together', async () => {
    const other = await openDb(t.url);
    try {
      const limits = [{ bucket: 'two-instances', max: 3, windowSeconds: 60 }];
      await takeIntakeSlot(t.db, limits, at(0));
      await takeIntakeSlot(other, limits, at(1));
      await takeIntakeSlot(t.db, limits, at(2));
      expect(await outcome(takeIntakeSlot(other, limits, at(3)))).toBeInstanceOf(AppError);
      expect(await outcome(takeIntakeSlot(t.db, limits, at(4)))).toBeInstanceOf(AppError);
    } finally {
      await other.$disconnect();
    }
  });

  it('never lets concurrent requests within one instance past the limit', async () => {
    const limits = [{ bucket: 'race-one', max: 25, windowSeconds: 60 }];
    const results = await Promise.all(Array.from({ length: 80 }, () => outcome(takeIntakeSlot(t.db, limits, at(0)))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(25);
    for (const r of results.filter((r) => r !== 'ok')) expect((r as AppError).status).toBe(429);
    expect((await rows(t.db)).find((r) => r.id === 'race-one')?.count).toBe(25);
  });

  it('never lets concurrent requests from three instances (processes) past the limit', async () => {
    const limits = [{ bucket: 'race-three', max: 40, windowSeconds: 60 }];
    const results = await Promise.all([1, 2, 3].map(() => runWorker(t.url, 40, limits, at(0))));
    expect(results.reduce((sum, r) => sum + r.granted, 0)).toBe(40);
    expect(results.reduce((sum, r) => sum + r.refused, 0)).toBe(80);
    expect((await rows(t.db)).find((r) => r.id === 'race-three')?.count).toBe(40);
  });

  it('keeps every limit under concurrency when requests name their limits in different orders, without deadlock', async () => {
    const a: TLimit = { bucket: 'mixed-a', max: 20, windowSeconds: 60 };
    const b: TLimit = { bucket: 'mixed-b', max: 30, windowSeconds: 3600 };
    // Three instances: one sends [a, b], one [b] only, one [b, a].
    const kinds = [[a, b], [b], [b, a]];
    const results = await Promise.all(kinds.map((limits) => runWorker(t.url, 40, limits, at(0))));
    const stored = await rows(t.db);
    const countOf = (bucket: string) => stored.find((r) => r.id === bucket)?.count;
    // 40 requests name only b, so b fills exactly; a may or may not fill, but never goes over.
    expect(countOf('mixed-b')).toBe(30);
    expect(results.reduce((sum, r) => sum + r.granted, 0)).toBe(30);
    expect(countOf('mixed-a')).toBe(results[0]!.granted + results[2]!.granted);
    expect(countOf('mixed-a')).toBeLessThanOrEqual(20);
  });
});
