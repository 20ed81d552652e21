import { randomInt } from 'node:crypto';
import type { Database as SqliteConnection, Statement } from 'better-sqlite3';
import { AppError } from '@/lib/http/errors';
import { takeSlotsSqlite, type TFullWindow } from '@/lib/intake/rate-limit';
import { conflict, checkRecipients, INTAKE_COLUMNS, INTAKE_TABLES, keysOf, readersOf, rowsFor, type TIntakeTable, type TPendingSubmission, type TReaders } from './intake-writer';

/**
 * The SQLite intake writer's direct path: one group commit as one synchronous better-sqlite3 transaction
 * (`BEGIN IMMEDIATE … COMMIT`) with statements prepared once, on a connection nobody else in this thread uses (the
 * intake thread's own, lib/reports/intake-thread-main.ts). Prisma's interactive transaction cost the writer more
 * than the inserts and the fsync together (its query compiler, a statement prepared again for every query, a trip
 * through the event loop between statements); here the whole batch is a few hundred microseconds of SQLite.
 *
 * It decides exactly what `IntakeWriter`'s Prisma path decides, in the same order: the current directory's readers
 * (read again for every batch), clashes with what is stored (409; a submission that repeats an earlier one of the
 * same batch is tried alone after it), the shared limits counted in the same transaction (429 for those that do not fit, lib/intake/rate-limit.ts), and
 * then the inserts. The write lock is taken at BEGIN, so nothing another connection or instance commits can slip in
 * between the checks and the inserts, and a unique index can only fail on a programming error. If the transaction
 * fails anyway, nothing of it is stored or counted (see `storeOrSplit`). lib/reports/intake-writer.test.ts runs the
 * writer's tests on this path as well.
 */
export class SqliteIntakeStore {
  private readonly statements: Record<TIntakeTable, Statement<unknown[]>>;
  private readonly latestSerial: Statement<[string]>;
  private readonly directoryBody: Statement<[string, number]>;
  private readonly challengeTaken: Statement<[string]>;
  private readonly reportTaken: Statement<[string, string]>;
  private readonly attachmentTaken: Statement<[string]>;
  private readonly readers = new Map<string, TReaders>();

  constructor(private readonly connection: SqliteConnection) {
    this.statements = Object.fromEntries(
      INTAKE_TABLES.map((table) => {
        const columns = INTAKE_COLUMNS[table];
        return [table, connection.prepare(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`)];
      }),
    ) as Record<TIntakeTable, Statement<unknown[]>>;
    this.latestSerial = connection.prepare(`SELECT "serial" FROM "ReviewerDirectory" WHERE "organisationId" = ? ORDER BY "serial" DESC LIMIT 1`).pluck();
    this.directoryBody = connection.prepare(`SELECT "body" FROM "ReviewerDirectory" WHERE "organisationId" = ? AND "serial" = ?`).pluck();
    this.challengeTaken = connection.prepare(`SELECT 1 FROM "UsedChallenge" WHERE "id" = ?`).pluck();
    this.reportTaken = connection.prepare(`SELECT 1 FROM "Report" WHERE "id" = ? OR "accessTokenHash" = ?`).pluck();
    this.attachmentTaken = connection.prepare(`SELECT 1 FROM "Attachment" WHERE "id" = ?`).pluck();
  }

  /**
   * Stores what it can of `items` in one transaction and returns each one's verdict (null = stored and committed by
   * the time this returns), with the limit windows found full. A submission that repeats a unique value of an
   * earlier one in the batch (the same submission sent twice) is tried after the batch, alone, as on Prisma's path:
   * it gets the answer its own transaction gives (409 if the first was stored, else its own verdict).
   */
  store(items: TPendingSubmission[]): { verdicts: (AppError | Error | null)[]; full: TFullWindow[] } {
    const verdicts: (AppError | Error | null)[] = items.map(() => null);
    const full: TFullWindow[] = [];
    const seen = new Set<string>();
    const unique: number[] = [];
    const repeated: number[] = [];
    items.forEach((item, k) => {
      const keys = keysOf(item);
      if (keys.some((key) => seen.has(key))) repeated.push(k);
      else {
        unique.push(k);
        for (const key of keys) seen.add(key);
      }
    });
    const settle = (indices: number[], outcome: { verdicts: (AppError | Error | null)[]; full: TFullWindow[] }) => {
      indices.forEach((k, j) => (verdicts[k] = outcome.verdicts[j]!));
      full.push(...outcome.full);
    };
    settle(unique, this.storeOrSplit(unique.map((k) => items[k]!)));
    for (const k of repeated) settle([k], this.storeOrSplit([items[k]!]));
    return { verdicts, full };
  }

  /**
   * One transaction for `items`; if it fails, nothing of it is stored or counted, and each submission is tried again
   * in a transaction of its own, so that one cannot take the others down with it. A database that stays locked
   * (another connection or process holding the write lock past the busy timeout and the retries) fails the batch as
   * a whole with a 503: trying each alone would only wait again.
   */
  private storeOrSplit(items: TPendingSubmission[]): { verdicts: (AppError | Error | null)[]; full: TFullWindow[] } {
    if (items.length === 0) return { verdicts: [], full: [] };
    try {
      return this.storeRetrying(items);
    } catch (error) {
      if (isBusy(error)) return { verdicts: items.map(() => busy()), full: [] };
      if (items.length === 1) return { verdicts: [asFailure(error)], full: [] };
      const verdicts: (AppError | Error | null)[] = [];
      const full: TFullWindow[] = [];
      for (const item of items) {
        try {
          const one = this.storeRetrying([item]);
          verdicts.push(one.verdicts[0]!);
          full.push(...one.full);
        } catch (alone) {
          verdicts.push(isBusy(alone) ? busy() : asFailure(alone));
        }
      }
      return { verdicts, full };
    }
  }

  /**
   * `storeTogether`, run again after a short pause when SQLite reports the database busy (the busy timeout of
   * `openDb` has then already been waited), as `openDb`'s `$transaction` does for Prisma's path. The pause blocks
   * only this thread, whose work is exactly this.
   */
  private storeRetrying(items: TPendingSubmission[]): { verdicts: (AppError | null)[]; full: TFullWindow[] } {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return this.storeTogether(items);
      } catch (error) {
        if (attempt >= BUSY_ATTEMPTS || !isBusy(error)) throw error;
        Atomics.wait(pause, 0, 0, randomInt(10, 50) * attempt);
      }
    }
  }

  private storeTogether(items: TPendingSubmission[]): { verdicts: (AppError | null)[]; full: TFullWindow[] } {
    const run = this.connection.transaction(() => {
      const verdicts: (AppError | null)[] = items.map(() => null);
      const readers = new Map<string, TReaders | AppError>();
      const candidates: number[] = [];
      items.forEach((item, k) => {
        let current = readers.get(item.organisationId);
        if (!current) {
          current = this.currentReaders(item.organisationId);
          readers.set(item.organisationId, current);
        }
        try {
          if (current instanceof AppError) throw current;
          checkRecipients(item.request, current);
        } catch (error) {
          verdicts[k] = error as AppError;
          return;
        }
        if (this.isStored(item)) {
          verdicts[k] = conflict();
          return;
        }
        candidates.push(k);
      });
      const now = new Date(Math.max(...items.map((i) => i.now.getTime())));
      const slots = candidates.length > 0 ? takeSlotsSqlite(this.connection, candidates.map((k) => items[k]!.limits), now) : { verdicts: [], full: [] };
      const granted: TPendingSubmission[] = [];
      candidates.forEach((k, j) => {
        const refusal = slots.verdicts[j] ?? null;
        if (refusal) verdicts[k] = refusal;
        else granted.push(items[k]!);
      });
      const rows = rowsFor('sqlite', granted);
      for (const table of INTAKE_TABLES) for (const row of rows[table]) this.statements[table].run(...row);
      return { verdicts, full: slots.full };
    });
    // BEGIN IMMEDIATE: the write lock from the start, so the checks above see what the inserts will be next to.
    return run.immediate();
  }

  /** Whether a row this submission would store (spent challenge, report id, access token, attachment id) exists. */
  private isStored(item: TPendingSubmission): boolean {
    if (this.challengeTaken.get(item.challenge.id) !== undefined) return true;
    if (this.reportTaken.get(item.request.envelope.reportId, item.accessTokenHash) !== undefined) return true;
    return item.request.attachments.some((a) => this.attachmentTaken.get(a.id) !== undefined);
  }

  /** The readers of the organisation's latest directory; its serial is read in every transaction. */
  private currentReaders(organisationId: string): TReaders | AppError {
    // The adapter's connection reads integers as BigInt (safeIntegers).
    const found = this.latestSerial.get(organisationId) as number | bigint | undefined;
    if (found === undefined) return new AppError('unavailable', 'This service is not set up to receive reports yet.');
    const serial = Number(found);
    const known = this.readers.get(organisationId);
    if (known?.serial === serial) return known;
    try {
      const readers = readersOf(serial, this.directoryBody.get(organisationId, serial) as string);
      this.readers.set(organisationId, readers);
      return readers;
    } catch (error) {
      return error as AppError;
    }
  }
}

/** Attempts of one transaction while the database is busy (as `openDb`'s retries for Prisma). */
const BUSY_ATTEMPTS = 6;
const pause = new Int32Array(new SharedArrayBuffer(4));

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

const busy = () => new AppError('unavailable', 'The server is busy. Your report was not stored; please send it again in a minute.', { headers: { 'Retry-After': '60' } });

/** A lone submission's failed transaction: a clash with a unique row is the 409 it would be on the Prisma path. */
function asFailure(error: unknown): AppError | Error {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return conflict();
  return error instanceof Error ? error : new Error(String(error));
}
