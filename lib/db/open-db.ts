import type { PrismaClient } from '@/generated/sqlite/client';

/**
 * Opens a Prisma client for a database URL, with the driver adapter it names: a `file:` URL opens
 * SQLite through better-sqlite3 (the embedded default), a `postgres://` URL opens PostgreSQL
 * through node-postgres. Both generated clients come from one schema (scripts/db/generate.ts), so
 * they share one type; only the one in use is loaded. The app uses `getDb()` from lib/db.ts;
 * scripts and tests open their own databases with this.
 *
 * SQLite is opened for durability and for forensics: WAL with synchronous=FULL (an acknowledged
 * write survives power loss), foreign keys on, and secure_delete so that deleted sealed payloads
 * are overwritten in the file rather than left in free pages.
 */
export type Db = PrismaClient;

export async function openDb(url: string): Promise<Db> {
  if (providerOf(url) === 'postgresql') {
    const [{ PrismaClient: PgClient }, { PrismaPg }] = await Promise.all([
      import('@/generated/postgres/client'),
      import('@prisma/adapter-pg'),
    ]);
    const client = new PgClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
    providers.set(client, 'postgresql');
    return client;
  }
  const [{ PrismaClient: SqliteClient }, { PrismaBetterSQLite3 }] = await Promise.all([
    import('@/generated/sqlite/client'),
    import('@prisma/adapter-better-sqlite3'),
  ]);
  const client = new SqliteClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 5000 }) });
  // The adapter holds a single connection, so these per-connection settings apply to every query.
  await client.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await client.$queryRawUnsafe('PRAGMA synchronous = FULL');
  await client.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  await client.$queryRawUnsafe('PRAGMA secure_delete = ON');
  providers.set(client, 'sqlite');
  return client;
}

const providers = new WeakMap<Db, 'sqlite' | 'postgresql'>();

/** Which database a client opened with `openDb` talks to (for the few raw SQL statements). */
export function providerOfDb(db: Db): 'sqlite' | 'postgresql' {
  const provider = providers.get(db);
  if (!provider) throw new Error('this database client was not opened with openDb');
  return provider;
}

/** Which database a URL names. */
export function providerOf(url: string): 'sqlite' | 'postgresql' {
  return /^postgres(ql)?:/.test(url) ? 'postgresql' : 'sqlite';
}
