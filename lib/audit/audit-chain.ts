import 'server-only';
import { createHmac, hkdfSync } from 'node:crypto';
import type { Db } from '@/lib/db';
import { newId, today } from '@/lib/ids';

/**
 * The append-only, hash-chained audit log of staff actions (DESIGN.md invariant 8). Each entry records who
 * (a staff id), did what (an action name), to what (a report or staff id), on which day: never a time of day,
 * never anything about a reporter. Each entry's `hash` is an HMAC-SHA-256, under a key derived from the server
 * secret, over the entry's fields and the previous entry's hash, so a row that is edited, deleted or moved breaks
 * the chain at that point, and someone holding only the database cannot forge a consistent chain.
 *
 * Entries are written by `appendAuditEvent` inside the same transaction as the action they record.
 */

export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.logout',
  'auth.recovery.start',
  'auth.recover',
  'auth.password',
  'report.open',
  'report.triage',
  'report.reply',
  'attachment.open',
  'staff.invite',
  'staff.enrol',
  'staff.approve',
  'report.grant',
  'staff.revoke',
  'audit.view',
  'stats.export',
  'retention.run',
  'organisation.setup',
] as const;
export type TAuditAction = (typeof AUDIT_ACTIONS)[number];

export const GENESIS_HASH = '0'.repeat(64);

/** The part of Db a transaction gives us (an interactive transaction client). */
export type Tx = Omit<Db, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

type TEntryFields = {
  organisationId: string;
  seq: number;
  day: string;
  actorId: string | null;
  action: string;
  subject: string | null;
  detail: string | null;
  prevHash: string;
};

function auditKey(serverSecret: string): Buffer {
  const ikm = Buffer.from(serverSecret, 'base64url');
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'qorgau/v1/server/audit-chain', 32));
}

/** The chain hash of one entry. Field order is fixed; values are JSON-encoded so no two entries collide. */
export function auditHash(serverSecret: string, entry: TEntryFields): string {
  const text = JSON.stringify([
    'qorgau/v1/audit',
    entry.organisationId,
    entry.seq,
    entry.day,
    entry.actorId,
    entry.action,
    entry.subject,
    entry.detail,
    entry.prevHash,
  ]);
  return createHmac('sha256', auditKey(serverSecret)).update(text).digest('hex');
}

/**
 * Appends one entry after the organisation's newest. Call it with the transaction client of the action it records,
 * as the transaction's last write. Concurrent appends for one organisation take turns: each first locks the
 * organisation's row (a no-op update), so the next one reads the head only after the previous one committed or
 * rolled back. On SQLite the update takes the database's single write lock, as the transaction's insert would;
 * on PostgreSQL, whose transactions run side by side, it is what keeps two staff actions at the same moment from
 * both reading the same head and one of them failing on the unique (organisationId, seq). Non-key column: the
 * lock does not block inserts of rows that refer to the organisation.
 */
export async function appendAuditEvent(
  tx: Tx,
  options: {
    serverSecret: string;
    organisationId: string;
    actorId: string | null;
    action: TAuditAction;
    subject?: string | null;
    detail?: string | null;
    now?: Date;
  },
): Promise<void> {
  await tx.$executeRaw`UPDATE "Organisation" SET "name" = "name" WHERE "id" = ${options.organisationId}`;
  const last = await tx.auditEvent.findFirst({
    where: { organisationId: options.organisationId },
    orderBy: { seq: 'desc' },
    select: { seq: true, hash: true },
  });
  const fields: TEntryFields = {
    organisationId: options.organisationId,
    seq: (last?.seq ?? 0) + 1,
    day: today(options.now),
    actorId: options.actorId,
    action: options.action,
    subject: options.subject ?? null,
    detail: options.detail ?? null,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await tx.auditEvent.create({ data: { id: newId(), ...fields, hash: auditHash(options.serverSecret, fields) } });
}

export type TAuditVerification =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; brokenAtSeq: number; reason: 'hash_mismatch' | 'missing_entry' | 'wrong_link' };

/**
 * Checks the whole chain of an organisation from the first entry: sequence numbers without gaps starting at 1,
 * each entry linked to the previous entry's hash, and each hash recomputed. Returns the first broken link.
 * Limit: deleting the newest entries leaves a shorter valid chain; compare `count`/`head` with a value kept
 * elsewhere (the coordinator's audit page shows both) to notice that.
 */
export async function verifyAuditChain(db: Tx, options: { serverSecret: string; organisationId: string }): Promise<TAuditVerification> {
  const rows = await db.auditEvent.findMany({ where: { organisationId: options.organisationId }, orderBy: { seq: 'asc' } });
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const row of rows) {
    if (row.seq !== expectedSeq) return { ok: false, count: rows.length, brokenAtSeq: expectedSeq, reason: 'missing_entry' };
    if (row.prevHash !== prevHash) return { ok: false, count: rows.length, brokenAtSeq: row.seq, reason: 'wrong_link' };
    if (auditHash(options.serverSecret, row) !== row.hash) return { ok: false, count: rows.length, brokenAtSeq: row.seq, reason: 'hash_mismatch' };
    prevHash = row.hash;
    expectedSeq += 1;
  }
  return { ok: true, count: rows.length, head: prevHash };
}
