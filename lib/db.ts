import 'server-only';
import { getEnv } from './env';
import { openDb, type Db } from './db/open-db';

export type { Db } from './db/open-db';

const globalForDb = globalThis as unknown as { qorgauDb?: Promise<Db> };

/** The Prisma client of this server process, for DATABASE_URL, opened once. */
export function getDb(): Promise<Db> {
  globalForDb.qorgauDb ??= openDb(getEnv().DATABASE_URL);
  return globalForDb.qorgauDb;
}
