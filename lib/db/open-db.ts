import { randomInt } from 'node:crypto';
import type { Database as SqliteConnection } from 'better-sqlite3';
import type { PrismaClient } from '@/generated/sqlite/client';

/**
 * Opens a Prisma client for a database URL, with the driver adapter it names: a `file:` URL opens
 * SQLite through better-sqlite3 (the embedded default), a `postgres://` URL opens PostgreSQL
 * through node-postgres. Both generated clients come from one schema (scripts/db/generate.ts), so
 * they share one type; only the one in use is loaded. The app uses `getDb()` from lib/db.ts;
 * scripts and tests open their own databases with this.
 *
 * SQLite is opened for durability and for forensics: WAL with synchronous=FULL (an acknowledged
 * write survives power loss), foreign keys on, secure_delete so that deleted sealed payloads
 * are overwritten in the file rather than left in free pages, and memory-mapped reads.
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
  const adapter = new PrismaBetterSQLite3({ url, timeout: 5000 });
  // Keep a handle on the connection the adapter opens, for the few reads that go around Prisma (sqliteConnectionOf).
  let connection: SqliteConnection | undefined;
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    const opened = await connect();
    const inner = (opened as unknown as { client?: SqliteConnection }).client;
    if (!inner || typeof inner.prepare !== 'function' || typeof inner.pragma !== 'function') throw new Error('the SQLite adapter no longer exposes its connection');
    connection = inner;
    return opened;
  };
  const client = new SqliteClient({ adapter });
  // The adapter holds a single connection, so these per-connection settings apply to every query.
  await client.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  await client.$queryRawUnsafe('PRAGMA synchronous = FULL');
  await client.$queryRawUnsafe('PRAGMA foreign_keys = ON');
  await client.$queryRawUnsafe('PRAGMA secure_delete = ON');
  // Reads through a memory map rather than a system call per page: the inbox index reads every report row, and a
  // row's later columns sit behind its 6 KB sealed body in overflow pages (about half the time of that query at
  // 10 000 reports). Writes still go through the WAL as before.
  await client.$queryRawUnsafe('PRAGMA mmap_size = 1073741824');
  const db = retryingTransactions(client);
  providers.set(db, 'sqlite');
  connections.set(db, () => {
    if (!connection?.open) throw new Error('the SQLite connection is not open');
    return connection;
  });
  return db;
}

// Prisma's SQLite adapter reports plain SQLITE_BUSY as P1008 ("Operation has timed out"); on SQLite
// nothing else produces that code.
export const SQLITE_BUSY = /SQLITE_BUSY|database is locked|\bP1008\b/;

/**
 * SQLite in WAL mode refuses to upgrade a read transaction to a write when another connection
 * (a maintenance command such as `npm run retention`, or a test harness) committed since it began
 * (SQLITE_BUSY_SNAPSHOT, "database is locked"), or holds the write lock at that moment (SQLITE_BUSY
 * at once: waiting could not help, the snapshot would be stale); the busy timeout covers neither
 * case. Such a transaction did nothing and can simply run again, so `$transaction` retries it a few
 * times after a short random pause. Every other error passes straight through. Transactions here
 * only touch the database, so running one again has no outside effect.
 */
function retryingTransactions(client: Db): Db {
  const original = client.$transaction.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const retrying = async (...args: unknown[]) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await original(...args);
      } catch (error) {
        const text = `${String((error as { code?: unknown } | null)?.code ?? '')} ${error instanceof Error ? error.message : ''}`;
        if (attempt >= 6 || !SQLITE_BUSY.test(text)) throw error;
        await new Promise((resolve) => setTimeout(resolve, randomInt(10, 50) * attempt));
      }
    }
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === '$transaction') return retrying;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

// On globalThis, not in this module: Next bundles this file into several server chunks (the routes', and
// instrumentation.ts's maintenance), each with its own module state, while the one client lib/db.ts opens is shared
// through globalThis. A per-module map would not know a client another chunk opened.
const globalForProviders = globalThis as unknown as {
  qorgauDbProviders?: WeakMap<Db, 'sqlite' | 'postgresql'>;
  qorgauDbConnections?: WeakMap<Db, () => SqliteConnection>;
};
const providers = (globalForProviders.qorgauDbProviders ??= new WeakMap<Db, 'sqlite' | 'postgresql'>());
const connections = (globalForProviders.qorgauDbConnections ??= new WeakMap<Db, () => SqliteConnection>());

/**
 * The better-sqlite3 connection behind a SQLite client opened with `openDb`: the one connection Prisma's adapter
 * uses for every query (so its PRAGMAs apply, and a statement run here takes turns with Prisma's like any other). For
 * reads that Prisma's row mapping makes slow (the statistics stream); run each statement to completion
 * synchronously (`all`, `get`, or an `iterate` drained before any await): the connection is shared.
 * @throws Error when `db` is not a SQLite client from `openDb`, or its connection is closed
 */
export function sqliteConnectionOf(db: Db): SqliteConnection {
  const connection = connections.get(db);
  if (!connection) throw new Error('this database client is not a SQLite client opened with openDb');
  return connection();
}

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
