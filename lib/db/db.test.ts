import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, today } from '../ids';
import { migrate } from './migrate';
import { openDb, providerOf, providerOfDb, sqliteConnectionOf } from './open-db';
import { createTestDatabase, postgresTestUrl, testProviders, type TTestDatabase } from './test-database';

if (process.env.QORGAU_REQUIRE_POSTGRES === '1' && !postgresTestUrl()) {
  throw new Error('QORGAU_REQUIRE_POSTGRES=1 but QORGAU_TEST_POSTGRES_URL is not set: the PostgreSQL lane cannot run');
}

const bytes = (...values: number[]) => new Uint8Array(values);

describe.each(testProviders())('data layer on %s', (provider) => {
  let t: TTestDatabase;
  let orgId: string;
  let reviewerId: string;

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    orgId = newId();
    reviewerId = newId();
    await t.db.organisation.create({
      data: { id: orgId, slug: `org-${orgId.slice(0, 6).toLowerCase()}`, name: 'Test org', signingPublicKey: bytes(1, 2, 3), createdDay: today() },
    });
    await t.db.reviewer.create({
      data: {
        id: reviewerId,
        organisationId: orgId,
        login: 'reviewer',
        displayName: 'Reviewer',
        role: 'reviewer',
        status: 'active',
        passwordSalt: 'c2FsdHNhbHRzYWx0c2FsdA', kdfOpsLimit: 1, kdfMemLimit: 8192,
        authKeyHash: 'hash',
        createdAt: new Date(),
      },
    });
  });

  afterAll(async () => {
    await t?.drop();
  });

  const newReport = (overrides: Record<string, unknown> = {}) => ({
    id: newId(),
    organisationId: orgId,
    directorySerial: 1,
    sealed: JSON.stringify({ v: 1, body: 'AAEC', commitment: 'CAgI' }),
    accessTokenHash: newId(),
    receivedDay: today(),
    updatedDay: today(),
    ...overrides,
  });

  it('applies migrations once: a second run finds nothing to do', async () => {
    const again = await migrate(t.url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.length).toBeGreaterThan(0);
  });

  it('stores sealed payloads exactly, and binary keys byte for byte including zero and 0xff bytes', async () => {
    const sealed = JSON.stringify({ v: 1, body: 'x'.repeat(300_000) });
    const report = newReport({ sealed });
    await t.db.report.create({ data: report });
    const stored = await t.db.report.findUniqueOrThrow({ where: { id: report.id } });
    expect(stored.sealed).toBe(sealed);
    expect(stored.status).toBe('new');
    const key = new Uint8Array(Array.from({ length: 256 }, (_, i) => i));
    await t.db.organisation.update({ where: { id: orgId }, data: { signingPublicKey: key } });
    const organisation = await t.db.organisation.findUniqueOrThrow({ where: { id: orgId } });
    expect(Array.from(organisation.signingPublicKey)).toEqual(Array.from(key));
  });

  it('stores a report with its envelopes whole or not at all', async () => {
    const report = newReport();
    await expect(
      t.db.$transaction([
        t.db.report.create({ data: report }),
        t.db.reportEnvelope.create({ data: { id: newId(), reportId: report.id, reviewerId, envelope: '{}' } }),
        // The same reviewer twice violates the unique constraint: the whole transaction must roll back.
        t.db.reportEnvelope.create({ data: { id: newId(), reportId: report.id, reviewerId, envelope: '{}' } }),
      ]),
    ).rejects.toThrow();
    expect(await t.db.report.findUnique({ where: { id: report.id } })).toBeNull();
    expect(await t.db.reportEnvelope.count({ where: { reportId: report.id } })).toBe(0);
  });

  it('refuses a second report with the same access-token hash', async () => {
    const first = newReport();
    await t.db.report.create({ data: first });
    await expect(t.db.report.create({ data: newReport({ accessTokenHash: first.accessTokenHash }) })).rejects.toThrow();
  });

  it('deletes envelopes, attachments and messages with their report, and unlinks its triage record', async () => {
    const report = newReport();
    await t.db.report.create({ data: report });
    await t.db.reportEnvelope.create({ data: { id: newId(), reportId: report.id, reviewerId, envelope: '{}' } });
    await t.db.attachment.create({
      data: { id: newId(), reportId: report.id, index: 0, storageKey: newId(), encryptedSize: 65536, chunkSize: 65536, chunkCount: 1, createdDay: today(), expiresDay: today() },
    });
    await t.db.message.create({ data: { id: newId(), reportId: report.id, seq: 1, direction: 'to-reporter', sealed: '{}', createdDay: today() } });
    await t.db.triageRecord.create({ data: { id: newId(), recordId: report.id, reportId: report.id, organisationId: orgId, epoch: 1, sealed: '{}', updatedDay: today() } });
    await t.db.report.delete({ where: { id: report.id } });
    const where = { reportId: report.id };
    const counts = await Promise.all([
      t.db.reportEnvelope.count({ where }),
      t.db.attachment.count({ where }),
      t.db.message.count({ where }),
      t.db.triageRecord.count({ where }),
    ]);
    expect(counts).toEqual([0, 0, 0, 0]);
    // Kept for anonymised statistics until retention decides (lib/retention), no longer linked.
    expect(await t.db.triageRecord.findUniqueOrThrow({ where: { recordId: report.id } })).toMatchObject({ reportId: null });
  });

  it('keeps the audit chain in one order per organisation', async () => {
    const event = (seq: number) => ({ id: newId(), organisationId: orgId, seq, day: today(), action: 'test', prevHash: 'p', hash: `h${seq}` });
    await t.db.auditEvent.create({ data: event(1) });
    await expect(t.db.auditEvent.create({ data: event(1) })).rejects.toThrow();
  });

  if (provider === 'sqlite') {
    it('opens SQLite durable (WAL, synchronous FULL), with foreign keys and secure delete', async () => {
      const pragma = async (name: string) => {
        const rows = await t.db.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
        return String(Object.values(rows[0] ?? {})[0]);
      };
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe('2');
      expect(await pragma('foreign_keys')).toBe('1');
      expect(await pragma('secure_delete')).toBe('1');
    });

    it('keeps every SQLite table WITHOUT ROWID, so storage order follows random ids, not arrival', async () => {
      const tables = await t.db.$queryRawUnsafe<{ name: string; sql: string }[]>(
        `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
      );
      expect(tables.length).toBeGreaterThan(10);
      for (const table of tables) expect(table.sql, table.name).toMatch(/WITHOUT ROWID\s*$/);
    });

    it("shows its one connection, which belongs to a transaction inside one, with the client's durable settings", async () => {
      const connection = sqliteConnectionOf(t.db);
      expect(connection.inTransaction).toBe(false);
      expect(Number(connection.prepare('PRAGMA synchronous').pluck().get())).toBe(2);
      const id = newId();
      await expect(
        t.db.$transaction(async (tx) => {
          expect(connection.inTransaction).toBe(true);
          connection.prepare(`INSERT INTO "UsedChallenge" ("id", "expiresHour") VALUES (?, '2099-01-01T00')`).run(id);
          expect(await tx.usedChallenge.count({ where: { id } })).toBe(1);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      // The statement run on the connection was part of the transaction that rolled back.
      expect(await t.db.usedChallenge.count({ where: { id } })).toBe(0);
    });
  } else {
    it('shows no SQLite connection', () => {
      expect(() => sqliteConnectionOf(t.db)).toThrow();
    });
  }
});

describe('migrations', () => {
  it('refuse to run when an applied migration file was edited afterwards', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-mig-'));
    fs.cpSync(path.resolve(import.meta.dirname, '..', '..', 'prisma', 'migrations'), dir, { recursive: true });
    const url = `file:${path.join(dir, 'test.db')}`;
    await migrate(url, dir);
    const first = fs.readdirSync(dir).filter((n) => /^\d{4}_/.test(n)).sort()[0]!;
    fs.appendFileSync(path.join(dir, first, 'sqlite.sql'), '\n-- edited\n');
    await expect(migrate(url, dir)).rejects.toThrow(/was changed after it was applied/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('SQLite migrations that redefine a table', () => {
  it('keep the rows of child tables (no cascade on the temporary drop)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-mig-'));
    const source = path.resolve(import.meta.dirname, '..', '..', 'prisma', 'migrations');
    fs.cpSync(source, dir, { recursive: true });
    const url = `file:${path.join(dir, 'test.db')}`;
    await migrate(url, dir);
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(url.slice(5));
    db.pragma('foreign_keys = ON');
    db.prepare(`INSERT INTO "Organisation" (id, slug, name, signingPublicKey, createdDay) VALUES ('o', 'o', 'o', x'00', '2026-01-01')`).run();
    db.prepare(`INSERT INTO "Report" (id, organisationId, directorySerial, sealed, accessTokenHash, receivedDay, updatedDay) VALUES ('r', 'o', 1, '{}', 'h', '2026-01-01', '2026-01-01')`).run();
    db.prepare(`INSERT INTO "Message" (id, reportId, seq, direction, sealed, createdDay) VALUES ('m', 'r', 1, 'to-reporter', '{}', '2026-01-01')`).run();
    db.close();
    // The shape Prisma generates when a column is added to a table that has children.
    const redefine = `CREATE TABLE "new_Report" AS SELECT * FROM "Report" WHERE 0;
DROP TABLE "new_Report";
CREATE TABLE "new_Report" ("id" TEXT NOT NULL PRIMARY KEY, "organisationId" TEXT NOT NULL, "directorySerial" INTEGER NOT NULL, "sealed" TEXT NOT NULL, "accessTokenHash" TEXT NOT NULL, "status" TEXT NOT NULL DEFAULT 'new', "assigneeId" TEXT, "expectedAttachments" INTEGER NOT NULL DEFAULT 0, "missingAttachments" INTEGER NOT NULL DEFAULT 0, "isComplete" BOOLEAN NOT NULL DEFAULT false, "receivedDay" TEXT NOT NULL, "updatedDay" TEXT NOT NULL, "extra" TEXT, CONSTRAINT "Report_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE) WITHOUT ROWID;
INSERT INTO "new_Report" SELECT *, NULL FROM "Report";
DROP TABLE "Report";
ALTER TABLE "new_Report" RENAME TO "Report";`;
    fs.mkdirSync(path.join(dir, '9999_redefine'));
    fs.writeFileSync(path.join(dir, '9999_redefine', 'sqlite.sql'), redefine);
    await migrate(url, dir);
    const after = new Database(url.slice(5));
    expect(after.prepare('SELECT count(*) AS n FROM "Message"').get()).toEqual({ n: 1 });
    after.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('SQLite transactions when another connection commits first', () => {
  it('run again instead of failing with SQLITE_BUSY_SNAPSHOT', async () => {
    const t = await createTestDatabase('sqlite');
    const { default: Database } = await import('better-sqlite3');
    const other = new Database(t.url.slice(5));
    try {
      const orgId = newId();
      await t.db.organisation.create({ data: { id: orgId, slug: 'busy', name: 'Busy', signingPublicKey: new Uint8Array([1]), createdDay: today() } });
      let attempts = 0;
      await t.db.$transaction(async (tx) => {
        attempts += 1;
        await tx.organisation.findUniqueOrThrow({ where: { id: orgId } });
        // Another connection (a maintenance command, say) commits after this read snapshot began.
        if (attempts === 1) other.prepare(`UPDATE "Organisation" SET "retentionDays" = 30 WHERE id = ?`).run(orgId);
        await tx.organisation.update({ where: { id: orgId }, data: { name: 'Busy, updated' } });
      });
      expect(attempts).toBe(2);
      expect(await t.db.organisation.findUniqueOrThrow({ where: { id: orgId } })).toMatchObject({ name: 'Busy, updated', retentionDays: 30 });
    } finally {
      other.close();
      await t.drop();
    }
  });

  it('run again instead of failing with SQLITE_BUSY when another connection holds the write lock as they start writing', async () => {
    const t = await createTestDatabase('sqlite');
    const { default: Database } = await import('better-sqlite3');
    const other = new Database(t.url.slice(5));
    try {
      const orgId = newId();
      await t.db.organisation.create({ data: { id: orgId, slug: 'locked', name: 'Locked', signingPublicKey: new Uint8Array([1]), createdDay: today() } });
      let attempts = 0;
      await t.db.$transaction(async (tx) => {
        attempts += 1;
        await tx.organisation.findUniqueOrThrow({ where: { id: orgId } });
        if (attempts === 1) {
          // Another connection is in the middle of a write transaction; it commits a moment later.
          other.exec('BEGIN IMMEDIATE');
          other.prepare(`UPDATE "Organisation" SET "retentionDays" = 7 WHERE id = ?`).run(orgId);
          setTimeout(() => other.exec('COMMIT'), 5);
        }
        await tx.organisation.update({ where: { id: orgId }, data: { name: 'Locked, updated' } });
      });
      expect(attempts).toBeGreaterThan(1);
      expect(await t.db.organisation.findUniqueOrThrow({ where: { id: orgId } })).toMatchObject({ name: 'Locked, updated', retentionDays: 7 });
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await t.drop();
    }
  });
});

describe('the driver adapter follows DATABASE_URL (lib/db.ts opens the app database with openDb)', () => {
  it('a file: URL means SQLite; a postgres:// or postgresql:// URL means PostgreSQL', () => {
    expect(providerOf('file:./var/qorgau.db')).toBe('sqlite');
    expect(providerOf('postgres://u:p@127.0.0.1:5432/q')).toBe('postgresql');
    expect(providerOf('postgresql://u:p@127.0.0.1:5432/q')).toBe('postgresql');
  });

  it.each(testProviders())('on %s the client opened for the URL talks to that database', async (provider) => {
    const t = await createTestDatabase(provider);
    const db = await openDb(t.url);
    try {
      expect(providerOfDb(db)).toBe(provider);
      if (provider === 'sqlite') {
        const [mode] = await db.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
        expect(mode?.journal_mode).toBe('wal');
      } else {
        const [row] = await db.$queryRawUnsafe<{ version: string }[]>('SELECT version() AS version');
        expect(row?.version).toMatch(/^PostgreSQL 15\./);
      }
    } finally {
      await db.$disconnect();
      await t.drop();
    }
  });
});
