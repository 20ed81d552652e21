import 'server-only';
import { checkTeamRecord, ZMessageEnvelope, ZTeamRecord, type TTeamRecord } from '@/lib/crypto';
import { appendAuditEvent, verifyAuditChain } from '@/lib/audit/audit-chain';
import type { TStaff } from '@/lib/auth/staff-auth';
import type { Statement, Database as SqliteConnection } from 'better-sqlite3';
import type { Db } from '@/lib/db';
import { providerOfDb, sqliteConnectionOf } from '@/lib/db/open-db';
import { AppError } from '@/lib/http/errors';
import { newId, today } from '@/lib/ids';
import { encodeTriageRows, encodeTriageStreamEnd, encodeTriageStreamStart, type TTriageStreamRow } from './triage-stream';
import { SEALED_BATCH, type TAuditView, type TReportDetail, type TReportPage, type TReportRow, type TInboxTriagePage, type TSaveTriageRequest, type TSealedReports, type TStaffProfile, type TTriagePage } from './api-types';

/**
 * What the staff API reads and writes. Every function takes the already-authorised staff member and scopes every
 * query to their organisation and, for reports, to reports they hold an envelope for: another organisation's
 * report or another reviewer's envelope is simply not found. The server handles sealed strings only.
 */

// The inbox index is ordered by day, so every page reads and sorts all of the organisation's reports whatever its
// size: few large pages cost less than many small ones (about 100 bytes a row; a triage record about 1 KB).
export const PAGE_LIMIT = { reports: 10_000, triage: 5000 };

export async function getStaffProfile(db: Db, staff: TStaff): Promise<TStaffProfile> {
  const reviewer = await db.reviewer.findUniqueOrThrow({
    where: { id: staff.reviewerId },
    include: { teamKeyEnvelopes: { orderBy: { epoch: 'asc' } } },
  });
  if (!reviewer.wrappedSecretKeys) throw new AppError('conflict', 'Your keys are not enrolled yet.');
  const staffList = await db.reviewer.findMany({
    where: { organisationId: staff.organisationId, status: 'active' },
    select: { id: true, displayName: true, role: true },
    orderBy: { displayName: 'asc' },
  });
  return {
    reviewerId: reviewer.id,
    login: reviewer.login,
    displayName: reviewer.displayName,
    role: reviewer.role as TStaffProfile['role'],
    passwordSalt: reviewer.passwordSalt,
    kdf: { opsLimit: reviewer.kdfOpsLimit, memLimit: reviewer.kdfMemLimit },
    wrappedSecretKeys: reviewer.wrappedSecretKeys,
    teamKeyEnvelopes: reviewer.teamKeyEnvelopes.map((e) => ({ epoch: e.epoch, envelope: e.envelope })),
    staff: staffList,
  };
}

const reportSelect = (reviewerId: string) =>
  ({
    id: true,
    status: true,
    assigneeId: true,
    receivedDay: true,
    updatedDay: true,
    isComplete: true,
    missingAttachments: true,
    sealed: true,
    envelopes: { where: { reviewerId }, select: { envelope: true } },
    triage: { select: { epoch: true, sealed: true } },
  }) as const;

type TSelected = {
  id: string;
  status: string;
  assigneeId: string | null;
  receivedDay: string;
  updatedDay: string;
  isComplete: boolean;
  missingAttachments: number;
  sealed: string;
  envelopes: { envelope: string }[];
  triage: { epoch: number; sealed: string } | null;
};

function toRow(report: TSelected): TReportRow {
  return {
    id: report.id,
    status: report.status,
    assigneeId: report.assigneeId,
    receivedDay: report.receivedDay,
    updatedDay: report.updatedDay,
    isComplete: report.isComplete,
    missingAttachments: report.missingAttachments,
    sealed: report.sealed,
    envelope: report.envelopes[0]!.envelope,
    triage: report.triage,
  };
}

const openableBy = (staff: TStaff) => ({ organisationId: staff.organisationId, isComplete: true, envelopes: { some: { reviewerId: staff.reviewerId } } }) as const;

/**
 * One page of the inbox index (newest day first): the reports this staff member holds an envelope for, with what the
 * server may read; no body, no envelope, no triage record (`listInboxTriage`). `bodies` adds the sealed bodies of the
 * page's first rows (the browser's first screen) to the same answer, saving a round trip before the inbox is usable;
 * `findSealedReports` gives any others.
 */
export async function listReports(db: Db, staff: TStaff, options: { cursor?: string; limit?: number; bodies?: number }): Promise<TReportPage> {
  const limit = Math.min(options.limit ?? PAGE_LIMIT.reports, PAGE_LIMIT.reports);
  const rows = await db.report.findMany({
    where: openableBy(staff),
    orderBy: [{ receivedDay: 'desc' }, { id: 'asc' }],
    take: limit + 1,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
    select: { id: true, status: true, assigneeId: true, receivedDay: true, updatedDay: true, missingAttachments: true },
  });
  const page = rows.slice(0, limit);
  const first = page.slice(0, Math.min(options.bodies ?? 0, SEALED_BATCH)).map((row) => row.id);
  const bodies = first.length > 0 ? (await findSealedReports(db, staff, { ids: first })).reports : [];
  return { reports: page, nextCursor: rows.length > limit ? page.at(-1)!.id : null, bodies };
}

/**
 * One page (by report id) of the sealed triage records of the reports this staff member holds an envelope for. The
 * browser joins them to the index by report id; a record of a report not in its index is ignored there.
 */
export async function listInboxTriage(db: Db, staff: TStaff, options: { cursor?: string; limit?: number }): Promise<TInboxTriagePage> {
  const limit = Math.min(options.limit ?? PAGE_LIMIT.reports, PAGE_LIMIT.reports);
  const rows = await db.triageRecord.findMany({
    where: { organisationId: staff.organisationId, report: { is: { envelopes: { some: { reviewerId: staff.reviewerId } } } }, ...(options.cursor ? { reportId: { gt: options.cursor } } : {}) },
    orderBy: { reportId: 'asc' },
    take: limit + 1,
    select: { reportId: true, epoch: true, sealed: true },
  });
  const page = rows.slice(0, limit).map((row) => ({ reportId: row.reportId!, epoch: row.epoch, sealed: row.sealed }));
  return { records: page, nextCursor: rows.length > limit ? page.at(-1)!.reportId : null };
}

/**
 * The sealed bodies and the caller's own envelopes of the given reports, in the order asked. Ids the caller cannot
 * open (another organisation's report, no envelope, unfinished upload, unknown) are simply left out, as
 * `findOpenableReport` answers not found for them. Not audited, like the index: a body opened in the list shows its
 * first line; opening the report itself is `report.open`.
 */
export async function findSealedReports(db: Db, staff: TStaff, options: { ids: readonly string[] }): Promise<TSealedReports> {
  const ids = [...new Set(options.ids)];
  const rows = await db.report.findMany({
    where: { ...openableBy(staff), id: { in: ids } },
    select: { id: true, sealed: true, envelopes: { where: { reviewerId: staff.reviewerId }, select: { envelope: true } } },
  });
  const byId = new Map(rows.map((row) => [row.id, { id: row.id, sealed: row.sealed, envelope: row.envelopes[0]!.envelope }]));
  return { reports: ids.flatMap((id) => byId.get(id) ?? []) };
}

export async function findOpenableReport(db: Pick<Db, 'report'>, staff: TStaff, reportId: string): Promise<TSelected> {
  const report = await db.report.findFirst({
    where: { ...openableBy(staff), id: reportId },
    select: reportSelect(staff.reviewerId),
  });
  if (!report) throw new AppError('not_found', 'There is no such report, or you have no access to it.');
  return report;
}

/** A report with its messages, for the report view. Records `report.open` in the audit log. */
export async function openReport(db: Db, staff: TStaff, options: { reportId: string; serverSecret: string }): Promise<TReportDetail> {
  return db.$transaction(async (tx) => {
    const report = await findOpenableReport(tx, staff, options.reportId);
    const messages = await tx.message.findMany({ where: { reportId: report.id }, orderBy: { seq: 'asc' } });
    const attachments = await tx.attachment.findMany({
      where: { reportId: report.id },
      orderBy: { index: 'asc' },
      select: { index: true, encryptedSize: true, isComplete: true },
    });
    await appendAuditEvent(tx, { serverSecret: options.serverSecret, organisationId: staff.organisationId, actorId: staff.reviewerId, action: 'report.open', subject: report.id });
    return {
      report: toRow(report),
      attachments,
      messages: messages.map((m) => ({ seq: m.seq, direction: m.direction, sealed: m.sealed, createdDay: m.createdDay })),
    };
  });
}

/**
 * Stores a triage: the sealed record (checked to be a team record for this report, so it cannot be moved to another
 * report) and the three facts the server may know: status, assignee, day. Audit `report.triage` in the same
 * transaction. The assignee must be an active reviewer or coordinator of the organisation.
 */
export async function saveTriage(db: Db, staff: TStaff, options: { reportId: string; request: TSaveTriageRequest; serverSecret: string; now?: Date }): Promise<void> {
  const { request } = options;
  let record: ReturnType<typeof ZTeamRecord.parse>;
  try {
    record = ZTeamRecord.parse(JSON.parse(request.sealed));
  } catch {
    throw new AppError('validation_failed', 'The triage record is not a sealed team record.');
  }
  if (record.recordId !== options.reportId || record.epoch !== request.epoch || record.kind !== 'triage') {
    throw new AppError('validation_failed', 'The triage record belongs to another report, epoch or kind.');
  }
  const day = today(options.now);
  await db.$transaction(async (tx) => {
    await findOpenableReport(tx, staff, options.reportId);
    if (request.assigneeId) {
      const assignee = await tx.reviewer.findFirst({
        where: { id: request.assigneeId, organisationId: staff.organisationId, status: 'active', role: { in: ['reviewer', 'coordinator'] } },
      });
      if (!assignee) throw new AppError('validation_failed', 'The assignee is not an active reviewer of this organisation.');
    }
    await tx.triageRecord.upsert({
      where: { reportId: options.reportId },
      create: { id: newId(), recordId: options.reportId, reportId: options.reportId, organisationId: staff.organisationId, epoch: request.epoch, sealed: request.sealed, updatedDay: day },
      update: { epoch: request.epoch, sealed: request.sealed, updatedDay: day },
    });
    await tx.report.update({ where: { id: options.reportId }, data: { status: request.status, assigneeId: request.assigneeId, updatedDay: day } });
    await appendAuditEvent(tx, {
      serverSecret: options.serverSecret,
      organisationId: staff.organisationId,
      actorId: staff.reviewerId,
      action: 'report.triage',
      subject: options.reportId,
      detail: `status=${request.status}`,
      now: options.now,
    });
  });
}

/**
 * Stores a reviewer's message to the reporter: a message envelope for this report, direction to-reporter, sent
 * under the caller's own id (the reporter's browser checks the signature against the directory). Audit
 * `report.reply`.
 */
export async function addReply(db: Db, staff: TStaff, options: { reportId: string; sealed: string; serverSecret: string; now?: Date }): Promise<{ seq: number }> {
  let envelope: ReturnType<typeof ZMessageEnvelope.parse>;
  try {
    envelope = ZMessageEnvelope.parse(JSON.parse(options.sealed));
  } catch {
    throw new AppError('validation_failed', 'The message is not a sealed message envelope.');
  }
  if (envelope.reportId !== options.reportId || envelope.direction !== 'to-reporter' || envelope.senderId !== staff.reviewerId) {
    throw new AppError('validation_failed', 'The message belongs to another report, direction or sender.');
  }
  const day = today(options.now);
  return db.$transaction(async (tx) => {
    await findOpenableReport(tx, staff, options.reportId);
    // Update (and so, on PostgreSQL, lock) the report before numbering, as addReporterMessage does:
    // replies and reporter messages at the same moment take turns instead of taking one number.
    await tx.report.update({ where: { id: options.reportId }, data: { updatedDay: day } });
    const last = await tx.message.findFirst({ where: { reportId: options.reportId }, orderBy: { seq: 'desc' }, select: { seq: true } });
    const seq = (last?.seq ?? 0) + 1;
    await tx.message.create({ data: { id: newId(), reportId: options.reportId, seq, direction: 'to-reporter', sealed: options.sealed, createdDay: day } });
    await appendAuditEvent(tx, { serverSecret: options.serverSecret, organisationId: staff.organisationId, actorId: staff.reviewerId, action: 'report.reply', subject: options.reportId, now: options.now });
    return { seq };
  });
}

/**
 * Sealed triage records of every report of the organisation (statistics): no report body, no envelope, no message.
 * Two passes, each in the primary-key order of the table it walks, one statement per page reading only the columns
 * sent: first every triage record with its report's status (`closed` for a record that retention kept after
 * deleting its closed report), then the complete reports that have no record. Cursors: `t:<record id>` in the
 * first pass, `r:<report id>` in the second.
 *
 * Why this shape (measured at 100 000 records, docs/architecture.md): triage records are large rows (about 1.4 KB)
 * in a table clustered on a random id, so walking them in their own order reads the table once, sequentially, where
 * reaching them report by report through the reportId index read it in random order (about 2-3 times slower). The
 * organisation is compared through an expression (`|| ''`) on purpose: a deployment holds one organisation, so its
 * index matches every row, and a planner without statistics (SQLite as the app leaves it) that picked it had to read
 * and sort every row on every page (0.5 s a page instead of 20 ms).
 */
export async function listTriage(db: Db, staff: TStaff, options: { cursor?: string; limit?: number }): Promise<TTriagePage> {
  const limit = Math.min(options.limit ?? PAGE_LIMIT.triage, PAGE_LIMIT.triage);
  const cursor = options.cursor ?? 't:';
  const isSqlite = providerOfDb(db) === 'sqlite';
  if (cursor.startsWith('t:')) {
    const params: [string, string, number] = [staff.organisationId, cursor.slice(2), limit + 1];
    const rows = isSqlite
      ? sqliteTriageStatements(db).records.all(...params).map(([id, recordId, epoch, sealed, status]) => ({ id, recordId, epoch, sealed, status }))
      : await db.$queryRaw<TTriageRecordRow[]>`
      SELECT t."id", t."recordId", t."epoch", t."sealed", r."status" FROM "TriageRecord" t LEFT JOIN "Report" r ON r."id" = t."reportId"
      WHERE t."organisationId" || '' = ${params[0]} AND t."id" > ${params[1]} AND (t."reportId" IS NULL OR r."isComplete" = true)
      ORDER BY t."id" LIMIT ${params[2]}`;
    const page = rows.slice(0, limit);
    return {
      records: page.map((r) => ({ reportId: r.recordId, status: r.status ?? 'closed', triage: { epoch: Number(r.epoch), sealed: r.sealed } })),
      nextCursor: rows.length > limit ? `t:${page.at(-1)!.id}` : 'r:',
    };
  }
  if (!cursor.startsWith('r:')) throw new AppError('validation_failed', 'Bad paging cursor.');
  const params: [string, string, number] = [staff.organisationId, cursor.slice(2), limit + 1];
  const rows = isSqlite
    ? sqliteTriageStatements(db).untriaged.all(...params).map(([id, status]) => ({ id, status }))
    : await db.$queryRaw<{ id: string; status: string }[]>`
    SELECT r."id", r."status" FROM "Report" r
    WHERE r."organisationId" || '' = ${params[0]} AND r."isComplete" = true AND r."id" > ${params[1]}
      AND NOT EXISTS (SELECT 1 FROM "TriageRecord" t WHERE t."reportId" = r."id")
    ORDER BY r."id" LIMIT ${params[2]}`;
  const page = rows.slice(0, limit);
  return { records: page.map((r) => ({ reportId: r.id, status: r.status, triage: null })), nextCursor: rows.length > limit ? `r:${page.at(-1)!.id}` : null };
}

type TTriageRecordRow = { id: string; recordId: string; epoch: number; sealed: string; status: string | null };
type TSqliteTriageStatements = {
  records: Statement<[string, string, number], [string, string, number, string, string | null]>;
  untriaged: Statement<[string, string, number], [string, string]>;
};
const sqliteStatements = new WeakMap<SqliteConnection, TSqliteTriageStatements>();

/**
 * listTriage's two statements on SQLite, prepared once per connection and run on the adapter's own connection:
 * Prisma's generic row mapping cost more than the reads themselves. Each runs to completion synchronously (`all`), as
 * the shared connection requires. `INDEXED BY` makes SQLite reach a report's status and completeness through the
 * covering index Report_statistics_idx, never the report row: a planner without statistics prefers the primary key,
 * and the row's status sits behind its 6-11 KB sealed body in overflow pages (4-6 s instead of 0.7 s for 100 000
 * records, docs/architecture.md). A database without the index refuses the statement rather than running slowly.
 */
function sqliteTriageStatements(db: Db): TSqliteTriageStatements {
  const connection = sqliteConnectionOf(db);
  let statements = sqliteStatements.get(connection);
  if (!statements) {
    statements = {
      records: connection
        .prepare<[string, string, number], [string, string, number, string, string | null]>(
          `SELECT t."id", t."recordId", t."epoch", t."sealed", r."status"
           FROM "TriageRecord" t LEFT JOIN "Report" r INDEXED BY "Report_statistics_idx" ON r."id" = t."reportId"
           WHERE t."organisationId" || '' = ? AND t."id" > ? AND (t."reportId" IS NULL OR r."isComplete" = true)
           ORDER BY t."id" LIMIT ?`,
        )
        .raw()
        .safeIntegers(false),
      untriaged: connection
        .prepare<[string, string, number], [string, string]>(
          `SELECT r."id", r."status" FROM "Report" r INDEXED BY "Report_statistics_idx"
           WHERE r."organisationId" || '' = ? AND r."isComplete" = true AND r."id" > ?
             AND NOT EXISTS (SELECT 1 FROM "TriageRecord" t WHERE t."reportId" = r."id")
           ORDER BY r."id" LIMIT ?`,
        )
        .raw()
        .safeIntegers(false),
    };
    sqliteStatements.set(connection, statements);
  }
  return statements;
}

/**
 * Every report's status and sealed triage record as one binary stream (lib/review/triage-stream.ts), read page by
 * page with `listTriage` as the reader asks for more (so the server holds one page at a time). Before every page after
 * the first, `isStillAllowed` runs the caller's authorisation again: a session that ends (logout, revocation) stops the
 * stream before its closing frame, so the reader refuses it as cut short. A stored record that is not a well-formed team record goes
 * out as a report without one, as it would have failed to open in the browser.
 */
export function streamTriage(db: Db, staff: TStaff, options: { isStillAllowed: () => Promise<boolean>; pageSize?: number }): ReadableStream<Uint8Array> {
  let cursor: string | undefined;
  let rows = 0;
  let isFirst = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (isFirst) {
        controller.enqueue(encodeTriageStreamStart());
      } else if (!(await options.isStillAllowed())) {
        // Ended without its closing frame: the reader refuses the stream as cut short, and nothing is logged here.
        controller.close();
        return;
      }
      isFirst = false;
      const page = await listTriage(db, staff, { cursor, limit: options.pageSize });
      const encoded: TTriageStreamRow[] = page.records.map((record) => ({ id: record.reportId, status: record.status, triage: record.triage ? binaryRecord(record.triage.sealed) : null }));
      controller.enqueue(encodeTriageRows(encoded));
      rows += encoded.length;
      if (page.nextCursor === null) {
        controller.enqueue(encodeTriageStreamEnd(rows));
        controller.close();
      } else {
        cursor = page.nextCursor;
      }
    },
  });
}

/**
 * A stored team record in its binary form (lib/crypto teamRecordToBytes, with Node's native base64 decoder: the
 * JavaScript one was a quarter of the stream's time): the fields checked as ZTeamRecord does, the ciphertext taken
 * only in its one canonical base64url text. Null for anything else.
 */
function binaryRecord(sealed: string): TTriageStreamRow['triage'] {
  let record: TTeamRecord;
  try {
    record = checkTeamRecord(JSON.parse(sealed));
  } catch {
    return null;
  }
  const ciphertext = Buffer.from(record.ciphertext, 'base64url');
  // Node's decoder skips characters outside the alphabet, takes '+', '/' and '=' and ignores stray trailing bits:
  // re-encoding gives back the text only when it was the canonical base64url of these bytes.
  if (ciphertext.toString('base64url') !== record.ciphertext) return null;
  return { v: record.v, recordId: record.recordId, epoch: record.epoch, kind: record.kind, ciphertext };
}


/** The newest audit entries with actor names, and the verification of the whole chain. Records `audit.view`. */
export async function viewAudit(db: Db, staff: TStaff, options: { serverSecret: string }): Promise<TAuditView> {
  const verification = await verifyAuditChain(db, { serverSecret: options.serverSecret, organisationId: staff.organisationId });
  const events = await db.auditEvent.findMany({ where: { organisationId: staff.organisationId }, orderBy: { seq: 'desc' }, take: 500 });
  const people = await db.reviewer.findMany({ where: { organisationId: staff.organisationId }, select: { id: true, displayName: true, login: true } });
  const names = new Map(people.map((p) => [p.id, `${p.displayName} (${p.login})`]));
  await db.$transaction((tx) =>
    appendAuditEvent(tx, { serverSecret: options.serverSecret, organisationId: staff.organisationId, actorId: staff.reviewerId, action: 'audit.view' }),
  );
  return {
    verification,
    events: events.map((e) => ({ seq: e.seq, day: e.day, actor: e.actorId ? (names.get(e.actorId) ?? e.actorId) : null, action: e.action, subject: e.subject, hash: e.hash })),
  };
}
