import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Db, openDb } from './open-db';
import { migrate } from './migrate';

/**
 * Throw-away databases for tests: a fresh SQLite file, or a fresh database on the PostgreSQL server
 * named by QORGAU_TEST_POSTGRES_URL (a role allowed to create databases). Each test file gets its
 * own database, so tests never share data.
 */
export type TTestDatabase = { provider: 'sqlite' | 'postgresql'; url: string; db: Db; drop: () => Promise<void> };

export function postgresTestUrl(): string | undefined {
  return process.env.QORGAU_TEST_POSTGRES_URL || undefined;
}

export async function createTestDatabase(provider: 'sqlite' | 'postgresql'): Promise<TTestDatabase> {
  const name = `qorgau_t_${randomBytes(6).toString('hex')}`;
  if (provider === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-db-'));
    const url = `file:${path.join(dir, `${name}.db`)}`;
    await migrate(url);
    const db = await openDb(url);
    return {
      provider,
      url,
      db,
      drop: async () => {
        await db.$disconnect();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const admin = postgresTestUrl();
  if (!admin) throw new Error('QORGAU_TEST_POSTGRES_URL is not set');
  const { default: pg } = await import('pg');
  const control = new pg.Client({ connectionString: admin });
  await control.connect();
  // template0: nobody connects to it, so test files creating databases in parallel never collide
  // on "source database is being accessed by other users" (which template1 can raise).
  await control.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
  await control.end();
  const target = new URL(admin);
  target.pathname = `/${name}`;
  const url = target.toString();
  await migrate(url);
  const db = await openDb(url);
  return {
    provider,
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The lanes to run data-layer tests on: SQLite always, PostgreSQL when a server is configured. */
export function testProviders(): ('sqlite' | 'postgresql')[] {
  return postgresTestUrl() ? ['sqlite', 'postgresql'] : ['sqlite'];
}
