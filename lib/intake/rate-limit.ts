/**
 * Global limits for anonymous intake, by what is asked, never by who asks: no IP address, token or
 * other sender property is a key, so the limiter stores nothing about anyone.
 *
 * The counters live in the database (`IntakeWindow`: bucket, end of the current window to the
 * minute, count), so every app instance that shares the database enforces the limits together, and
 * a restart does not reset them. Windows are fixed and aligned to the clock (a one-minute window
 * ends on the minute, a one-hour window on the hour), so a row says nothing about when within its
 * window anyone came; when a bucket's next window starts its row is overwritten, and rows of windows
 * that ended are deleted.
 *
 * Correct under concurrency on SQLite and PostgreSQL: each transaction first counts all its requests
 * with one upsert (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`, which also moves a window that
 * has ended on and locks the rows: PostgreSQL holds row locks until commit, SQLite the database
 * write lock), in a fixed order so two transactions cannot deadlock; it then decides every request
 * from the counts others had committed, and takes back what it refused before it commits. A
 * transaction can carry many requests (the intake writer counts a whole group commit of submissions
 * in the transaction that stores them) and costs one statement when nothing is refused.
 *
 * Instances' clocks should agree (NTP): a window only ever moves forward, so an instance whose clock
 * lags counts into the newer window (stricter); one that runs ahead starts the next window early by
 * its lead.
 */
import type { Database as SqliteConnection, Statement } from 'better-sqlite3';
import { providerOfDb, type Db } from '@/lib/db/open-db';
import { AppError } from '@/lib/http/errors';

export type TLimit = { bucket: string; max: number; windowSeconds: number };

/** What the limiter runs its SQL on: an interactive transaction's client. */
export type TSqlClient = Pick<Db, '$queryRawUnsafe' | '$executeRawUnsafe'>;

type TWindow = { windowEnd: number; count: number };

const MINUTE_MS = 60_000;

function checkLimit(limit: TLimit): void {
  const isWholeMinutes = Number.isInteger(limit.windowSeconds) && limit.windowSeconds % 60 === 0;
  if (!/^[a-z0-9-]{1,40}$/.test(limit.bucket) || !Number.isInteger(limit.max) || limit.max < 1 || !isWholeMinutes || limit.windowSeconds > 86_400) {
    // A programming error, not bad input: limits are fixed in code and validated configuration.
    throw new Error(`invalid intake limit ${JSON.stringify(limit)}`);
  }
}

/** The end (ms since the epoch) of the window of `limit` that `now` falls in: windows are aligned to the clock. */
export function windowEndOf(limit: TLimit, now: Date): number {
  const windowMs = limit.windowSeconds * 1000;
  return Math.floor(now.getTime() / windowMs) * windowMs + windowMs;
}

/** A window end as stored: UTC, to the minute ("2026-11-21T10:38"). */
function minuteText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

function minuteValue(text: string): number {
  return Date.parse(`${text}:00.000Z`);
}

/** The 429 for an exhausted limit: Retry-After in seconds and a plain "try again in N minutes". */
export function rateLimited(retryAfterSeconds: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
  const minutes = Math.max(1, Math.ceil(retryAfter / 60));
  return new AppError('rate_limited', `Too many requests right now. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, {
    headers: { 'Retry-After': String(retryAfter) },
  });
}

// Per database client (or SQLite connection, for the intake writer's direct path), the buckets this process has
// seen full, and until when. Counts only grow within a window, so a full window stays full: refusing from this memo
// can never let more through than the database would, it only spares the database a trip while a flood goes on.
const knownFull = new WeakMap<object, Map<string, TWindow>>();

function fullMemo(owner: object): Map<string, TWindow> {
  let memo = knownFull.get(owner);
  if (!memo) {
    memo = new Map();
    knownFull.set(owner, memo);
  }
  return memo;
}

/**
 * Throws the 429 at once when this process already knows one of the limits is exhausted for the current window.
 * Cheap (no database); callers use it before expensive work. Passing it does not take a slot.
 */
export function refuseIfKnownFull(db: Db, limits: TLimit[], now: Date = new Date()): void {
  const memo = fullMemo(db);
  let retryAfterMs = 0;
  for (const limit of limits) {
    const seen = memo.get(limit.bucket);
    if (seen && seen.windowEnd >= windowEndOf(limit, now) && seen.windowEnd > now.getTime() && seen.count >= limit.max) {
      retryAfterMs = Math.max(retryAfterMs, seen.windowEnd - now.getTime());
    }
  }
  if (retryAfterMs > 0) throw rateLimited(retryAfterMs / 1000);
}

/** A full window learnt elsewhere (the intake thread's 429), remembered for `refuseIfKnownFull` on `db`. */
export function rememberFull(db: Db, full: TFullWindow[]): void {
  const memo = fullMemo(db);
  for (const { bucket, windowEnd, count } of full) {
    const seen = memo.get(bucket);
    if (!seen || seen.windowEnd < windowEnd || (seen.windowEnd === windowEnd && seen.count < count)) memo.set(bucket, { windowEnd, count });
  }
}

/** A bucket found full for the window ending at `windowEnd` (ms), with the count others had committed in it. */
export type TFullWindow = { bucket: string; windowEnd: number; count: number };

/** What one counting needs to run: the upsert, and the buckets it names with how many requests name each. */
type TSlotPlan = { buckets: string[]; named: Map<string, number>; sql: string; params: unknown[] };

function planSlots(requests: TLimit[][], now: Date, isPostgres: boolean): TSlotPlan | null {
  const p = (n: number) => (isPostgres ? `$${n}` : '?');
  const byBucket = new Map<string, TLimit>();
  for (const limit of requests.flat()) {
    checkLimit(limit);
    const known = byBucket.get(limit.bucket);
    if (known && known.windowSeconds !== limit.windowSeconds) throw new Error(`bucket ${limit.bucket} has two window lengths`);
    byBucket.set(limit.bucket, limit);
  }
  // One statement counts every request against every bucket it names, and so locks the rows (in name order, so two
  // transactions never wait for each other in a cycle); what it returns, less what it added, is what others had
  // committed. Until this transaction commits nobody else sees the optimistic counts, and the buckets where some
  // requests are refused are put right below.
  const buckets = [...byBucket.keys()].sort();
  if (buckets.length === 0) return null;
  const named = new Map(buckets.map((bucket) => [bucket, requests.filter((limits) => limits.some((l) => l.bucket === bucket)).length]));
  const values = buckets.map((_, k) => `(${p(3 * k + 1)}, ${p(3 * k + 2)}, ${p(3 * k + 3)})`).join(', ');
  return {
    buckets,
    named,
    sql: `INSERT INTO "IntakeWindow" ("id", "windowEnd", "count") VALUES ${values}
     ON CONFLICT ("id") DO UPDATE SET
       "count" = CASE WHEN excluded."windowEnd" > "IntakeWindow"."windowEnd" THEN excluded."count" ELSE "IntakeWindow"."count" + excluded."count" END,
       "windowEnd" = CASE WHEN excluded."windowEnd" > "IntakeWindow"."windowEnd" THEN excluded."windowEnd" ELSE "IntakeWindow"."windowEnd" END
     RETURNING "id", "windowEnd", "count"`,
    params: buckets.flatMap((bucket) => [bucket, minuteText(windowEndOf(byBucket.get(bucket)!, now)), named.get(bucket)!]),
  };
}

/** What the counts returned by the upsert decide: each request's verdict, what to give back, whether to clean up. */
type TSlotDecision = { verdicts: (AppError | null)[]; refunds: [bucket: string, refused: number][]; endedBefore: string | null };

function decideSlots(plan: TSlotPlan, rows: { id: string; windowEnd: string; count: number | bigint }[], requests: TLimit[][], now: Date, memo: Map<string, TWindow>): TSlotDecision {
  const { buckets, named } = plan;
  const windows = new Map<string, TWindow>();
  for (const row of rows) windows.set(row.id, { windowEnd: minuteValue(row.windowEnd), count: Number(row.count) - named.get(row.id)! });
  if (windows.size !== buckets.length) throw new Error('the intake window upsert did not return every bucket');
  const hasNewWindow = [...windows.values()].some((window) => window.count === 0);

  const taken = new Map<string, number>(buckets.map((bucket) => [bucket, 0]));
  const verdicts = requests.map((limits) => {
    const full = limits.filter((limit) => windows.get(limit.bucket)!.count >= limit.max);
    if (full.length > 0) {
      const retryAfterMs = Math.max(...full.map((limit) => windows.get(limit.bucket)!.windowEnd - now.getTime()));
      for (const limit of full) {
        // Only what others had committed is remembered, not this transaction's own grants, which a rollback could
        // undo.
        const window = windows.get(limit.bucket)!;
        if (window.count - taken.get(limit.bucket)! >= limit.max) memo.set(limit.bucket, { ...window });
      }
      return rateLimited(retryAfterMs / 1000);
    }
    for (const limit of limits) {
      windows.get(limit.bucket)!.count += 1;
      taken.set(limit.bucket, taken.get(limit.bucket)! + 1);
    }
    return null;
  });
  const refunds = buckets.map((bucket) => [bucket, named.get(bucket)! - taken.get(bucket)!] as [string, number]).filter(([, refused]) => refused > 0);
  // A window started: the rows of windows that have ended (other buckets, idle since) are deleted.
  const endedBefore = hasNewWindow ? minuteText(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS) : null;
  return { verdicts, refunds, endedBefore };
}

/**
 * Inside the caller's transaction, counts each request (the list of limits it falls under) in order against the
 * shared windows: a request is granted when every one of its limits has room, and then counts against all of them;
 * a refused request counts against none. Returns, per request, `null` (granted) or the 429 to answer with.
 * The counts are written by the time it returns and become visible to other instances when the caller commits;
 * if the transaction rolls back, nothing was counted.
 */
export async function takeSlots(options: { db: Db; tx: TSqlClient; requests: TLimit[][]; now: Date }): Promise<(AppError | null)[]> {
  const { db, tx, requests, now } = options;
  const isPostgres = providerOfDb(db) === 'postgresql';
  const plan = planSlots(requests, now, isPostgres);
  if (!plan) return requests.map(() => null);
  const rows = await tx.$queryRawUnsafe<{ id: string; windowEnd: string; count: number | bigint }[]>(plan.sql, ...plan.params);
  const { verdicts, refunds, endedBefore } = decideSlots(plan, rows, requests, now, fullMemo(db));
  for (const [bucket, refused] of refunds) {
    await tx.$executeRawUnsafe(`UPDATE "IntakeWindow" SET "count" = "count" - ${isPostgres ? '$1' : '?'} WHERE "id" = ${isPostgres ? '$2' : '?'}`, refused, bucket);
  }
  if (endedBefore) {
    // On PostgreSQL rows another transaction holds are skipped rather than waited for (it is moving them to a new
    // window anyway).
    await tx.$executeRawUnsafe(
      isPostgres
        ? `DELETE FROM "IntakeWindow" WHERE "id" IN (SELECT "id" FROM "IntakeWindow" WHERE "windowEnd" <= $1 FOR UPDATE SKIP LOCKED)`
        : `DELETE FROM "IntakeWindow" WHERE "windowEnd" <= ?`,
      endedBefore,
    );
  }
  return verdicts;
}

/**
 * `takeSlots` on a better-sqlite3 connection that is inside a write transaction (the SQLite intake writer's direct
 * path, lib/reports/sqlite-intake-store.ts): the same statements and the same decisions, run synchronously. Also
 * returns the buckets found full, so that the thread can tell the process that answers requests
 * (`rememberFull`).
 */
export function takeSlotsSqlite(connection: SqliteConnection, requests: TLimit[][], now: Date): { verdicts: (AppError | null)[]; full: TFullWindow[] } {
  if (!connection.inTransaction) throw new Error('takeSlotsSqlite runs inside a transaction');
  const plan = planSlots(requests, now, false);
  if (!plan) return { verdicts: requests.map(() => null), full: [] };
  const rows = cachedStatement(connection, plan.sql).all(...plan.params) as { id: string; windowEnd: string; count: number | bigint }[];
  const memo = fullMemo(connection);
  const { verdicts, refunds, endedBefore } = decideSlots(plan, rows, requests, now, memo);
  for (const [bucket, refused] of refunds) cachedStatement(connection, `UPDATE "IntakeWindow" SET "count" = "count" - ? WHERE "id" = ?`).run(refused, bucket);
  if (endedBefore) cachedStatement(connection, `DELETE FROM "IntakeWindow" WHERE "windowEnd" <= ?`).run(endedBefore);
  const full = verdicts.some((v) => v !== null) ? [...memo].map(([bucket, window]) => ({ bucket, ...window })).filter((w) => w.windowEnd > now.getTime()) : [];
  return { verdicts, full };
}

const statementCache = new WeakMap<SqliteConnection, Map<string, Statement>>();

/** A statement prepared once per connection and text (the upsert's text depends only on the buckets named). */
function cachedStatement(connection: SqliteConnection, sql: string): Statement {
  let cache = statementCache.get(connection);
  if (!cache) {
    cache = new Map();
    statementCache.set(connection, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = connection.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

/** Interactive transactions that count slots wait their turn behind the intake writer's group commits. */
export const LIMIT_TRANSACTION = { maxWait: 15_000, timeout: 30_000 };

/**
 * Counts one request against every limit in `limits`, in a transaction of its own; throws the 429 (`AppError`
 * 'rate_limited', Retry-After, "try again in N minutes") when any is exhausted, in which case nothing is counted.
 */
export async function takeIntakeSlot(db: Db, limits: TLimit[], now: Date = new Date()): Promise<void> {
  refuseIfKnownFull(db, limits, now);
  const [refusal] = await db.$transaction((tx) => takeSlots({ db, tx, requests: [limits], now }), LIMIT_TRANSACTION);
  if (refusal) throw refusal;
}

/** Deletes the rows of windows that have ended (hourly maintenance; the limiter does it too when a window starts). */
export async function deleteEndedWindows(db: Db, now: Date = new Date()): Promise<number> {
  const { count } = await db.intakeWindow.deleteMany({ where: { windowEnd: { lte: minuteText(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS) } } });
  return count;
}
