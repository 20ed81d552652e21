import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Applies the committed SQL migrations (prisma/migrations/NNNN_name/{sqlite,postgresql}.sql) in
 * order, each in its own transaction, and records name and checksum in `_qorgau_migrations`.
 * One code path for both databases: Prisma 6.19's WebAssembly schema engine cannot apply
 * migrations to PostgreSQL, and a single applier keeps the two lanes identical.
 *
 * Throws if an applied migration's file has changed since (a checksum mismatch), so an edited
 * history is caught rather than silently diverging.
 */

export type TMigrationResult = { applied: string[]; alreadyApplied: string[] };

const defaultDir = path.resolve(import.meta.dirname, '..', '..', 'prisma', 'migrations');

type Migration = { name: string; sql: string; checksum: string };

export function listMigrations(provider: 'sqlite' | 'postgresql', dir = defaultDir): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((name) => /^\d{4}_[a-z0-9_]+$/.test(name))
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, `${provider}.sql`), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

function checkRecorded(migration: Migration, recorded: Map<string, string>): boolean {
  const checksum = recorded.get(migration.name);
  if (checksum === undefined) return false;
  if (checksum !== migration.checksum) {
    throw new Error(`migration ${migration.name} was changed after it was applied; restore the original file`);
  }
  return true;
}

export async function migrateSqlite(url: string, dir?: string): Promise<TMigrationResult> {
  const { default: Database } = await import('better-sqlite3');
  const file = url.replace(/^file:/, '');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.exec('CREATE TABLE IF NOT EXISTS "_qorgau_migrations" ("name" TEXT NOT NULL PRIMARY KEY, "checksum" TEXT NOT NULL) WITHOUT ROWID');
    const rows = db.prepare('SELECT name, checksum FROM "_qorgau_migrations"').all() as { name: string; checksum: string }[];
    const recorded = new Map(rows.map((row) => [row.name, row.checksum]));
    const result: TMigrationResult = { applied: [], alreadyApplied: [] };
    for (const migration of listMigrations('sqlite', dir)) {
      if (checkRecorded(migration, recorded)) {
        result.alreadyApplied.push(migration.name);
        continue;
      }
      // Prisma redefines SQLite tables (create new, copy, drop old, rename). With foreign keys on,
      // dropping the old table would cascade-delete every child row, and SQLite ignores changes to
      // foreign_keys inside a transaction, so they are switched off around it and checked before
      // committing instead.
      db.pragma('foreign_keys = OFF');
      try {
        db.transaction(() => {
          db.exec(migration.sql);
          const violations = db.pragma('foreign_key_check') as unknown[];
          if (violations.length > 0) throw new Error(`migration ${migration.name} leaves ${violations.length} broken foreign keys`);
          db.prepare('INSERT INTO "_qorgau_migrations" (name, checksum) VALUES (?, ?)').run(migration.name, migration.checksum);
        })();
      } finally {
        db.pragma('foreign_keys = ON');
      }
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    db.close();
  }
}

export async function migratePostgres(url: string, dir?: string): Promise<TMigrationResult> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE TABLE IF NOT EXISTS "_qorgau_migrations" ("name" TEXT NOT NULL PRIMARY KEY, "checksum" TEXT NOT NULL)');
    // One migrator at a time, even with several app instances starting together.
    await client.query('SELECT pg_advisory_lock(7402019)');
    const { rows } = await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM "_qorgau_migrations"');
    const recorded = new Map(rows.map((row) => [row.name, row.checksum]));
    const result: TMigrationResult = { applied: [], alreadyApplied: [] };
    for (const migration of listMigrations('postgresql', dir)) {
      if (checkRecorded(migration, recorded)) {
        result.alreadyApplied.push(migration.name);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO "_qorgau_migrations" (name, checksum) VALUES ($1, $2)', [migration.name, migration.checksum]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await client.end();
  }
}

/** Applies pending migrations to the database named by a `file:` or `postgres://` URL. */
export function migrate(url: string, dir?: string): Promise<TMigrationResult> {
  return /^postgres(ql)?:/.test(url) ? migratePostgres(url, dir) : migrateSqlite(url, dir);
}
