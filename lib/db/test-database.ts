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
  const url = await createPostgresDatabase(name);
  await migrate(url);
  const db = await openDb(url);
  return {
    provider,
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      await dropPostgresDatabase(url);
    },
  };
}

/**
 * Creates an empty database called `name` on the server named by QORGAU_TEST_POSTGRES_URL and
 * returns its URL. With `replace`, a database of that name left by an earlier run is dropped first
 * (the end-to-end servers name theirs after their folder, so that a fresh start replaces it as the
 * SQLite lane replaces its file). Throws if QORGAU_TEST_POSTGRES_URL is not set.
 */
export async function createPostgresDatabase(name: string, options: { replace?: boolean } = {}): Promise<string> {
  const admin = await asAdmin([
    ...(options.replace ? [`DROP DATABASE IF EXISTS ${quoteName(name)} WITH (FORCE)`] : []),
    // template0: nobody connects to it, so test files creating databases in parallel never collide
    // on "source database is being accessed by other users" (which template1 can raise).
    `CREATE DATABASE ${quoteName(name)} TEMPLATE template0 ENCODING 'UTF8'`,
  ]);
  const target = new URL(admin);
  target.pathname = `/${name}`;
  return target.toString();
}

/** Drops the database a `createPostgresDatabase` URL names, ending any session still open on it. */
export async function dropPostgresDatabase(url: string): Promise<void> {
  await asAdmin([`DROP DATABASE IF EXISTS ${quoteName(decodeURIComponent(new URL(url).pathname.slice(1)))} WITH (FORCE)`]);
}

function quoteName(name: string): string {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a test database name: ${name}`);
  return `"${name}"`;
}

/** Runs statements as the role QORGAU_TEST_POSTGRES_URL names; returns that URL. */
async function asAdmin(statements: string[]): Promise<string> {
  const admin = postgresTestUrl();
  if (!admin) throw new Error('QORGAU_TEST_POSTGRES_URL is not set');
  const { default: pg } = await import('pg');
  const control = new pg.Client({ connectionString: admin });
  await control.connect();
  try {
    for (const statement of statements) await control.query(statement);
  } finally {
    await control.end();
  }
  return admin;
}

/** The lanes to run data-layer tests on: SQLite always, PostgreSQL when a server is configured. */
export function testProviders(): ('sqlite' | 'postgresql')[] {
  return postgresTestUrl() ? ['sqlite', 'postgresql'] : ['sqlite'];
}
