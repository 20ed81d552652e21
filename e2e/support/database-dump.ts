import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { providerOf } from '@/lib/db/open-db';
import { serverInfo, type TServerInfo } from './server';

const run = promisify(execFile);

/** Bytes that hold what the database stores, with a name to report a hit by. */
export type TStoredBytes = { name: string; bytes: Buffer };

/**
 * Everything the e2e server's database holds, as bytes to search for what must never be stored.
 * SQLite: its files (main file, write-ahead log and shared memory, in the e2e folder). PostgreSQL:
 * a plain-text `pg_dump` of the test database, in which text columns appear as they are and bytea
 * columns in hex (the searches look for hex forms too). Throws if there is nothing to search.
 */
export async function storedDatabase(info: TServerInfo = serverInfo()): Promise<TStoredBytes[]> {
  const url = info.env.DATABASE_URL!;
  if (providerOf(url) === 'sqlite') {
    const file = path.resolve(url.replace(/^file:/, ''));
    const files = [file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f));
    if (!files.includes(file)) throw new Error(`no SQLite database at ${file}`);
    return files.map((f) => ({ name: path.relative(process.cwd(), f), bytes: fs.readFileSync(f) }));
  }
  const { stdout } = await run(await pgDump(), ['--format=plain', '--no-owner', '--no-privileges', '--dbname', url], {
    encoding: 'buffer',
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (!stdout.includes('CREATE TABLE')) throw new Error('pg_dump wrote no tables');
  return [{ name: `pg_dump of ${new URL(url).pathname.slice(1)}`, bytes: stdout }];
}

/** The pg_dump of the installed server's version: pg_config's, Debian's PostgreSQL 15, or the one on PATH. */
async function pgDump(): Promise<string> {
  try {
    const { stdout } = await run('pg_config', ['--bindir']);
    const candidate = path.join(stdout.trim(), 'pg_dump');
    if (fs.existsSync(candidate)) return candidate;
  } catch {
    // no pg_config: try the usual places
  }
  const debian = '/usr/lib/postgresql/15/bin/pg_dump';
  return fs.existsSync(debian) ? debian : 'pg_dump';
}
