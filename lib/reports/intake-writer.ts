import { UPLOAD_CHUNK_BYTES, uploadChunkCount } from '@/lib/attachments/layout';
import { REPORT_READER_ROLES, ZDirectoryBody } from '@/lib/crypto';
import { providerOfDb, type Db } from '@/lib/db/open-db';
import { AppError } from '@/lib/http/errors';
import { newId } from '@/lib/ids';
import { LIMIT_TRANSACTION, takeSlots, type TFullWindow, type TLimit, type TSqlClient } from '@/lib/intake/rate-limit';
import { isUniqueViolation } from './db-errors';
import type { TAttachmentAnnouncement, TSubmitReportRequest } from './intake-schemas';
import type { SqliteIntakeStore } from './sqlite-intake-store';

/**
 * Group commit for anonymous intake. A submission whose proof of work and shape were checked is
 * handed to the writer of its database; the writer stores whatever arrived meanwhile in one
 * transaction, so one durable commit (one fsync on SQLite with synchronous=FULL) serves many
 * submissions instead of one each. Nothing changes for a single reporter: a submission is stored
 * whole or not at all, and its promise resolves only after the commit that holds it.
 *
 * One bad submission never fails the others. Before the batch is written, each submission is
 * checked against the current reviewer directory and against what is already stored (spent proof
 * of work, report id, access token, attachment ids); the ones that fail get their own error and are
 * left out. Duplicates inside one batch, and a batch that still fails (another instance stored a
 * clashing row in between, on PostgreSQL), fall back to one transaction per submission, exactly the
 * path a lone submission takes.
 *
 * The global intake limits are counted in the same transaction (lib/intake/rate-limit.ts): the
 * batch locks the shared counters, the submissions that fit are stored and counted, the rest get a
 * 429, and the commit makes both visible at once. So a submission is counted exactly when it is
 * stored, across every instance, and the counters cost no commit of their own.
 *
 * This class runs Prisma's interactive transactions (PostgreSQL, and SQLite under `next dev`), or, given a `direct`
 * store, hands each batch to it: the SQLite intake thread's synchronous transaction on a connection of its own
 * (lib/reports/sqlite-intake-store.ts), which decides the same things in the same order.
 */
export type TPendingSubmission = {
  organisationId: string;
  challenge: { id: string; expiresAt: number };
  request: TSubmitReportRequest;
  accessTokenHash: string;
  day: string;
  expiresDay: string;
  /** The global limits this submission counts against, and the time to count it at. */
  limits: TLimit[];
  now: Date;
};

type TQueued = TPendingSubmission & { resolve: () => void; reject: (error: unknown) => void };
export type TReaders = { serial: number; readers: string[] };

/**
 * How a writer may store instead of through Prisma: `direct`, the SQLite intake thread's synchronous transaction on
 * a connection of its own (lib/reports/sqlite-intake-store.ts), and `onFull`, told of the limit windows it finds
 * full (the thread passes them on to the process that answers requests).
 */
export type TIntakeWriterOptions = { direct?: SqliteIntakeStore; onFull?: (full: TFullWindow[]) => void };

/** The largest number of submissions in one transaction (bounded memory and lock time). */
const MAX_BATCH = 128;

export const conflict = () => new AppError('conflict', 'This submission was already received, or its anti-spam check was already used.');

export class IntakeWriter {
  private queue: TQueued[] = [];
  private isDraining = false;
  // The readers of each organisation's latest directory, re-read only when its serial moves. The
  // serial itself is read again for every batch, so a new directory is never missed.
  private readonly readers = new Map<string, TReaders>();

  constructor(
    private readonly db: Db,
    private readonly options: TIntakeWriterOptions = {},
  ) {}

  /** Stores one checked submission; resolves once it is committed, rejects with an `AppError` if refused. */
  write(submission: TPendingSubmission): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...submission, resolve, reject });
      if (!this.isDraining) {
        this.isDraining = true;
        // Let the requests that arrived in the same turn of the event loop join the first batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.flush(batch);
        } catch (error) {
          // flush settles every promise itself; this is only a last guard against a hung reporter.
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      this.isDraining = false;
    }
  }

  private async flush(batch: TQueued[]): Promise<void> {
    if (this.options.direct) {
      const { verdicts, full } = this.options.direct.store(batch);
      verdicts.forEach((refusal, k) => (refusal ? batch[k]!.reject(refusal) : batch[k]!.resolve()));
      if (full.length > 0) this.options.onFull?.(full);
      return;
    }
    const accepted: TQueued[] = [];
    const current = new Map<string, Promise<TReaders>>();
    for (const item of batch) {
      try {
        let readers = current.get(item.organisationId);
        if (!readers) {
          readers = this.currentReaders(item.organisationId);
          current.set(item.organisationId, readers);
        }
        checkRecipients(item.request, await readers);
        accepted.push(item);
      } catch (error) {
        item.reject(error);
      }
    }
    if (accepted.length === 1) return this.writeOne(accepted[0]!);
    if (accepted.length === 0) return;

    const { unique, repeated } = splitRepeats(accepted);
    const fresh = await this.withoutStored(unique);
    if (fresh.length > 0) {
      let verdicts: (AppError | null)[];
      try {
        verdicts = await this.store(fresh);
      } catch {
        // Someone else stored a clashing row since the check, or the batch failed as a whole: give
        // every submission its own transaction and its own answer.
        for (const item of fresh) await this.writeOne(item);
        verdicts = [];
      }
      verdicts.forEach((refusal, k) => (refusal ? fresh[k]!.reject(refusal) : fresh[k]!.resolve()));
    }
    for (const item of repeated) await this.writeOne(item);
  }

  /**
   * One transaction: counts the submissions against the shared limits, stores those that fit, and
   * returns each one's verdict (null = stored). Throws, with nothing stored or counted, if any insert fails.
   */
  private store(items: TQueued[]): Promise<(AppError | null)[]> {
    const now = new Date(Math.max(...items.map((i) => i.now.getTime())));
    return this.db.$transaction(async (tx) => {
      const verdicts = await takeSlots({ db: this.db, tx, requests: items.map((i) => i.limits), now });
      const granted = items.filter((_, k) => verdicts[k] === null);
      if (granted.length > 0) await insertSubmissions(this.db, tx, granted);
      return verdicts;
    }, LIMIT_TRANSACTION);
  }

  /** Rejects (with 409) and leaves out the submissions that clash with rows already stored. */
  private async withoutStored(items: TQueued[]): Promise<TQueued[]> {
    const challengeIds = items.map((i) => i.challenge.id);
    const reportIds = items.map((i) => i.request.envelope.reportId);
    const tokenHashes = items.map((i) => i.accessTokenHash);
    const attachmentIds = items.flatMap((i) => i.request.attachments.map((a) => a.id));
    const [challenges, reports, attachments] = await Promise.all([
      this.db.usedChallenge.findMany({ where: { id: { in: challengeIds } }, select: { id: true } }),
      this.db.report.findMany({ where: { OR: [{ id: { in: reportIds } }, { accessTokenHash: { in: tokenHashes } }] }, select: { id: true, accessTokenHash: true } }),
      attachmentIds.length > 0 ? this.db.attachment.findMany({ where: { id: { in: attachmentIds } }, select: { id: true } }) : Promise.resolve([]),
    ]);
    const taken = new Set<string>([
      ...challenges.map((c) => `c:${c.id}`),
      ...reports.flatMap((r) => [`r:${r.id}`, `t:${r.accessTokenHash}`]),
      ...attachments.map((a) => `a:${a.id}`),
    ]);
    return items.filter((item) => {
      if (keysOf(item).some((key) => taken.has(key))) {
        item.reject(conflict());
        return false;
      }
      return true;
    });
  }

  private async writeOne(item: TQueued): Promise<void> {
    try {
      const [refusal] = await this.store([item]);
      if (refusal) item.reject(refusal);
      else item.resolve();
    } catch (error) {
      item.reject(isUniqueViolation(error) ? conflict() : error);
    }
  }

  /** The readers of the organisation's latest directory: its serial is read for every batch. */
  private async currentReaders(organisationId: string): Promise<TReaders> {
    const latest = await this.db.reviewerDirectory.findFirst({ where: { organisationId }, orderBy: { serial: 'desc' }, select: { serial: true } });
    if (!latest) throw new AppError('unavailable', 'This service is not set up to receive reports yet.');
    if (this.readers.get(organisationId)?.serial !== latest.serial) {
      const directory = await this.db.reviewerDirectory.findUniqueOrThrow({ where: { organisationId_serial: { organisationId, serial: latest.serial } } });
      this.readers.set(organisationId, readersOf(latest.serial, directory.body));
    }
    return this.readers.get(organisationId)!;
  }
}

/** What stores checked submissions: an `IntakeWriter`, or one running in a thread of its own (lib/reports/intake-thread.ts). */
export type TIntakeWriter = { write(submission: TPendingSubmission): Promise<void> };

const writers = new WeakMap<Db, TIntakeWriter>();

/** The intake writer of a database client (one per client, so one queue per process and database). */
export function intakeWriterFor(db: Db): TIntakeWriter {
  let writer = writers.get(db);
  if (!writer) {
    writer = new IntakeWriter(db);
    writers.set(db, writer);
  }
  return writer;
}

/**
 * Stores this client's submissions with `writer` from now on: server.ts hands SQLite's to an `IntakeWriter` in a
 * worker thread (lib/reports/intake-thread.ts), the same code on a connection of its own.
 */
export function setIntakeWriter(db: Db, writer: TIntakeWriter): void {
  writers.set(db, writer);
}

/** The readers of a stored directory (the ids of its report-reading roles, sorted); 503 if its body is damaged. */
export function readersOf(serial: number, body: string): TReaders {
  let parsed: ReturnType<typeof ZDirectoryBody.safeParse> | null;
  try {
    parsed = ZDirectoryBody.safeParse(JSON.parse(body));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) throw new AppError('unavailable', 'The reviewer directory on the server is damaged.');
  return { serial, readers: parsed.data.reviewers.filter((entry) => REPORT_READER_ROLES.includes(entry.role)).map((entry) => entry.id).sort() };
}

/**
 * The server cannot check the cryptography, but it can refuse a report that leaves out a reader or
 * adds someone who is not one: every reader of the current directory gets exactly one envelope.
 */
export function checkRecipients(request: TSubmitReportRequest, current: TReaders): void {
  const { envelope } = request;
  if (envelope.directorySerial !== current.serial) {
    throw new AppError('conflict', 'The list of reviewers has changed. Your report was not sent; it will be encrypted again for the current list.');
  }
  const recipients = envelope.recipients.map((r) => r.reviewerId).sort();
  if (current.readers.length !== recipients.length || current.readers.some((id, i) => id !== recipients[i])) {
    throw new AppError('bad_request', 'The report is not encrypted for exactly the reviewers of the current directory.');
  }
}

/** The unique values a submission would store; two submissions sharing one cannot both commit. */
export function keysOf(item: TPendingSubmission): string[] {
  return [`c:${item.challenge.id}`, `r:${item.request.envelope.reportId}`, `t:${item.accessTokenHash}`, ...item.request.attachments.map((a) => `a:${a.id}`)];
}

/** Splits a batch into submissions with no shared unique value and the later ones that repeat one. */
function splitRepeats(items: TQueued[]): { unique: TQueued[]; repeated: TQueued[] } {
  const seen = new Set<string>();
  const unique: TQueued[] = [];
  const repeated: TQueued[] = [];
  for (const item of items) {
    const keys = keysOf(item);
    if (keys.some((key) => seen.has(key))) repeated.push(item);
    else {
      unique.push(item);
      for (const key of keys) seen.add(key);
    }
  }
  return { unique, repeated };
}

/** The intake's tables and columns, in the order the rows of `rowsFor` give the values (and the order to insert). */
export const INTAKE_COLUMNS = {
  UsedChallenge: ['id', 'expiresHour'],
  Report: ['id', 'organisationId', 'directorySerial', 'sealed', 'accessTokenHash', 'expectedAttachments', 'isComplete', 'receivedDay', 'updatedDay'],
  ReportEnvelope: ['id', 'reportId', 'reviewerId', 'envelope'],
  Attachment: ['id', 'reportId', 'index', 'storageKey', 'encryptedSize', 'chunkSize', 'chunkCount', 'createdDay', 'expiresDay'],
} as const;
export type TIntakeTable = keyof typeof INTAKE_COLUMNS;
export const INTAKE_TABLES = Object.keys(INTAKE_COLUMNS) as TIntakeTable[];

/** The rows that store the given submissions, per table, with booleans as the database wants them. */
export function rowsFor(provider: 'sqlite' | 'postgresql', items: TPendingSubmission[]): Record<TIntakeTable, unknown[][]> {
  const bool = provider === 'sqlite' ? (v: boolean) => (v ? 1 : 0) : (v: boolean) => v;
  return {
    UsedChallenge: items.map((i) => [i.challenge.id, new Date(i.challenge.expiresAt * 1000).toISOString().slice(0, 13)]),
    Report: items.map((i) => {
      const { recipients: _recipients, ...core } = i.request.envelope;
      const n = i.request.attachments.length;
      return [core.reportId, i.organisationId, core.directorySerial, JSON.stringify(core), i.accessTokenHash, n, bool(n === 0), i.day, i.day];
    }),
    ReportEnvelope: items.flatMap((i) =>
      i.request.envelope.recipients.map((r) => [newId(), i.request.envelope.reportId, r.reviewerId, JSON.stringify({ kind: 'recipient', kemCiphertext: r.kemCiphertext, wrappedKey: r.wrappedKey })]),
    ),
    Attachment: items
      .flatMap((i) => attachmentRows(i.request.envelope.reportId, i.request.attachments, i.day, i.expiresDay))
      .map((a) => [a.id, a.reportId, a.index, a.storageKey, a.encryptedSize, a.chunkSize, a.chunkCount, a.createdDay, a.expiresDay]),
  };
}

/**
 * Stores the given submissions inside the caller's transaction `tx`: one multi-row raw INSERT per table (Prisma's
 * createMany spends about three times as long on the sealed reports as the database spends storing them). Throws if
 * any insert fails; the caller's transaction then rolls back. (The SQLite intake thread does not come here: it
 * stores on a connection of its own, lib/reports/sqlite-intake-store.ts.)
 */
async function insertSubmissions(db: Db, tx: TSqlClient, items: TPendingSubmission[]): Promise<void> {
  const provider = providerOfDb(db);
  const rows = rowsFor(provider, items);
  for (const table of INTAKE_TABLES) for (const statement of insertRows(tx, provider, table, [...INTAKE_COLUMNS[table]], rows[table])) await statement;
}

/** Bound values per statement, well under SQLite's 32 766 and PostgreSQL's 65 535. */
const MAX_VALUES_PER_INSERT = 10_000;

/**
 * INSERTs of many rows each, with placeholders in the dialect of the database (values are never
 * spliced in), split so that no statement binds more than MAX_VALUES_PER_INSERT values.
 */
function insertRows(db: TSqlClient, provider: 'sqlite' | 'postgresql', table: string, columns: string[], rows: unknown[][]) {
  const isPostgres = provider === 'postgresql';
  const perStatement = Math.max(1, Math.floor(MAX_VALUES_PER_INSERT / columns.length));
  const statements = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    let n = 0;
    const values = chunk.map((row) => `(${row.map(() => (isPostgres ? `$${++n}` : '?')).join(', ')})`).join(', ');
    statements.push(db.$executeRawUnsafe(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${values}`, ...chunk.flat()));
  }
  return statements;
}

/** The attachment rows announced with a report or message, each with a fresh storage key. */
export function attachmentRows(reportId: string, attachments: TAttachmentAnnouncement[], day: string, expiresDay: string) {
  return attachments.map((a) => ({
    id: a.id,
    reportId,
    index: a.index,
    storageKey: newId(),
    encryptedSize: a.encryptedSize,
    chunkSize: UPLOAD_CHUNK_BYTES,
    chunkCount: uploadChunkCount(a.encryptedSize),
    createdDay: day,
    expiresDay,
  }));
}
