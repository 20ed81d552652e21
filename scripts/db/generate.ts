/**
 * Generates both Prisma clients from prisma/schema.prisma and, with `--migration <name>`, writes the
 * next migration for both databases.
 *
 * One schema is the source of truth. The PostgreSQL schema is derived from it by swapping the
 * provider and the output folder only, so the two clients cannot drift apart. Migrations are
 * produced with `prisma migrate diff` (offline, no database needed) from the schema snapshot kept
 * with the previous migration, and applied by scripts/db/migrate.ts.
 *
 * Usage: tsx scripts/db/generate.ts [--migration <name>]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const schemaPath = path.join(root, 'prisma', 'schema.prisma');
const derivedDir = path.join(root, 'generated');
const migrationsDir = path.join(root, 'prisma', 'migrations');

export const providers = ['sqlite', 'postgresql'] as const;
export type Provider = (typeof providers)[number];

/** The schema text for a provider: the source with only provider and output changed. */
export function deriveSchema(source: string, provider: Provider): string {
  if (provider === 'sqlite') return source;
  const derived = source
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(/output\s*=\s*"\.\.\/generated\/sqlite"/, 'output     = "./postgres"');
  if (derived.includes('"sqlite"') || !derived.includes('"./postgres"')) {
    throw new Error('prisma/schema.prisma no longer has the expected generator/datasource shape');
  }
  return derived;
}

function schemaFileFor(provider: Provider): string {
  if (provider === 'sqlite') return schemaPath;
  fs.mkdirSync(derivedDir, { recursive: true });
  const file = path.join(derivedDir, 'schema.postgresql.prisma');
  fs.writeFileSync(file, deriveSchema(fs.readFileSync(schemaPath, 'utf8'), provider));
  return file;
}

function prisma(args: string[], schemaFile: string): string {
  return execFileSync(path.join(root, 'node_modules', '.bin', 'prisma'), args, {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      QORGAU_PRISMA_SCHEMA: schemaFile,
      DATABASE_URL: process.env.DATABASE_URL ?? 'file:./var/unused.db',
      // The `prisma-client` generator with engineType "client" runs on the WebAssembly query
      // compiler and never loads a native query engine, but the 6.19 CLI still tries to download
      // one before generating, which cannot work offline. Pointing it at a placeholder skips that
      // download; nothing ever loads the file.
      PRISMA_QUERY_ENGINE_LIBRARY: '/dev/null',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** SQLite tables become WITHOUT ROWID so physical order follows the random primary key. */
export function withoutRowid(sql: string): string {
  return sql.replace(/(CREATE TABLE "[^"]+" \((?:[^;](?!\n\);))*[^;]\n\))/g, '$1 WITHOUT ROWID');
}

function listMigrations(): string[] {
  if (!fs.existsSync(migrationsDir)) return [];
  return fs
    .readdirSync(migrationsDir)
    .filter((name) => /^\d{4}_[a-z0-9_]+$/.test(name))
    .sort();
}

function writeMigration(name: string): void {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error('migration name: lower-case letters, digits and _ only');
  const existing = listMigrations();
  const previous = existing.at(-1);
  const number = String(existing.length + 1).padStart(4, '0');
  const dir = path.join(migrationsDir, `${number}_${name}`);
  const source = fs.readFileSync(schemaPath, 'utf8');
  const files: Record<string, string> = {};
  for (const provider of providers) {
    const to = schemaFileFor(provider);
    let from: string[] = ['--from-empty'];
    if (previous) {
      const snapshot = path.join(derivedDir, `previous.${provider}.prisma`);
      fs.writeFileSync(
        snapshot,
        deriveSchema(fs.readFileSync(path.join(migrationsDir, previous, 'schema.prisma'), 'utf8'), provider),
      );
      from = ['--from-schema-datamodel', snapshot];
    }
    let sql = prisma(['migrate', 'diff', ...from, '--to-schema-datamodel', to, '--script'], to);
    if (provider === 'sqlite') sql = withoutRowid(sql);
    if (!/CREATE|ALTER|DROP/.test(sql)) throw new Error('the schema has not changed since the last migration');
    files[`${provider}.sql`] = sql;
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), sql);
  fs.writeFileSync(path.join(dir, 'schema.prisma'), source);
  console.log(`wrote ${path.relative(root, dir)}`);
}

function main(): void {
  const at = process.argv.indexOf('--migration');
  if (at !== -1) {
    const name = process.argv[at + 1];
    if (!name) throw new Error('usage: --migration <name>');
    writeMigration(name);
  }
  for (const provider of providers) prisma(['generate'], schemaFileFor(provider));
  console.log('generated Prisma clients for sqlite and postgresql');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
