import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { UPLOAD_CHUNK_BYTES } from '@/lib/attachments/layout';
import type { TAttachmentStorage } from '@/lib/attachments/storage';
import { openDb, providerOf } from '@/lib/db/open-db';

const run = promisify(execFile);

/**
 * Backups of a running deployment, still encrypted: the database (SQLite's online backup API, or
 * pg_dump for PostgreSQL) and the attachment pieces it refers to, with a manifest of SHA-256 sums.
 * The database is copied first; then exactly the pieces the copied rows count as received are
 * copied, so the backup is consistent even while reporters upload. Pieces are read through the
 * attachment storage (local disk or object storage) and written as one file per 1 MiB piece, so a
 * backup of either kind restores into either kind (`putChunk` again, piece by piece). Reports stay sealed: a backup
 * holds no key that opens them. It does not hold QORGAU_SERVER_SECRET either, without which
 * receipts and TOTP enrolments cannot be used: keep `.env` backed up separately.
 */

export type TBackupManifest = {
  v: 1;
  provider: 'sqlite' | 'postgresql';
  database: string;
  createdDay: string;
  files: Record<string, string>;
  attachments: { storageKey: string; pieces: number }[];
};

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const pieceName = (n: number) => String(n).padStart(6, '0');
const pieceDir = (root: string, storageKey: string) => path.join(root, storageKey.slice(0, 2), storageKey);

/** Writes a backup into `outDir` (which must not exist yet). Returns its manifest. */
export async function createBackup(options: { databaseUrl: string; storage: TAttachmentStorage; outDir: string }): Promise<TBackupManifest> {
  const { databaseUrl, storage, outDir } = options;
  if (fs.existsSync(outDir)) throw new Error(`${outDir} already exists; choose a new folder for the backup`);
  fs.mkdirSync(path.join(outDir, 'uploads'), { recursive: true, mode: 0o700 });
  const provider = providerOf(databaseUrl);
  let database: string;
  if (provider === 'sqlite') {
    database = 'database.sqlite';
    const { default: Database } = await import('better-sqlite3');
    const source = new Database(databaseUrl.replace(/^file:/, ''), { readonly: true, fileMustExist: true });
    try {
      await source.backup(path.join(outDir, database));
    } finally {
      source.close();
    }
  } else {
    database = 'database.pgdump';
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${path.join(outDir, database)}`, databaseUrl]);
  }

  // The attachment pieces the copied database counts as received.
  const copyUrl = provider === 'sqlite' ? `file:${path.join(outDir, database)}` : databaseUrl;
  const db = await openDb(copyUrl);
  let rows: { storageKey: string; receivedChunks: number; chunkCount: number }[];
  try {
    rows = await db.attachment.findMany({ select: { storageKey: true, receivedChunks: true, chunkCount: true } });
  } finally {
    await db.$disconnect();
  }
  const attachments: TBackupManifest['attachments'] = [];
  for (const row of rows) {
    if (row.receivedChunks === 0) continue;
    const dir = pieceDir(path.join(outDir, 'uploads'), row.storageKey);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    await writePieces(storage.readObject({ storageKey: row.storageKey, count: row.chunkCount, received: row.receivedChunks }), dir);
    attachments.push({ storageKey: row.storageKey, pieces: row.receivedChunks });
  }
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(outDir, full)] = sha256(full);
    }
  };
  walk(outDir);
  const manifest: TBackupManifest = { v: 1, provider, database, createdDay: new Date().toISOString().slice(0, 10), files, attachments };
  fs.writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2), { mode: 0o600 });
  return manifest;
}

/**
 * Restores a backup into an empty deployment: checks every file against the manifest first (a
 * damaged backup restores nothing), then the database and the attachment pieces. Refuses to
 * overwrite a database that already holds an organisation unless `force` is set.
 */
export async function restoreBackup(options: { fromDir: string; databaseUrl: string; storage: TAttachmentStorage; force?: boolean }): Promise<TBackupManifest> {
  const { fromDir, databaseUrl, storage } = options;
  const manifest = JSON.parse(fs.readFileSync(path.join(fromDir, 'manifest.json'), 'utf8')) as TBackupManifest;
  if (manifest.v !== 1) throw new Error('unknown backup format');
  for (const [file, sum] of Object.entries(manifest.files)) {
    const full = path.join(fromDir, file);
    if (!fs.existsSync(full) || sha256(full) !== sum) throw new Error(`the backup is damaged: ${file} does not match its checksum; nothing was restored`);
  }
  const provider = providerOf(databaseUrl);
  if (provider !== manifest.provider) throw new Error(`this is a ${manifest.provider} backup; DATABASE_URL names ${provider}`);
  if (!options.force && (await holdsData(databaseUrl))) {
    throw new Error('the target database already holds an organisation; restore into an empty one, or pass --force to replace it');
  }
  if (provider === 'sqlite') {
    const target = databaseUrl.replace(/^file:/, '');
    fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
    for (const suffix of ['-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
    fs.copyFileSync(path.join(fromDir, manifest.database), target);
  } else {
    await run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', `--dbname=${databaseUrl}`, path.join(fromDir, manifest.database)]);
  }
  // Object storage needs each file's piece count to know when an upload is whole.
  const db = await openDb(databaseUrl);
  try {
    for (const { storageKey, pieces } of manifest.attachments) {
      const { chunkCount } = await db.attachment.findUniqueOrThrow({ where: { storageKey }, select: { chunkCount: true } });
      for (let n = 0; n < pieces; n += 1) {
        const bytes = fs.readFileSync(path.join(pieceDir(path.join(fromDir, 'uploads'), storageKey), pieceName(n)));
        await storage.putChunk({ storageKey, n, count: chunkCount, bytes });
      }
    }
  } finally {
    await db.$disconnect();
  }
  return manifest;
}

/** Splits a stream of pieces back into one file per UPLOAD_CHUNK_BYTES (constant memory). */
async function writePieces(stream: ReadableStream<Uint8Array>, dir: string): Promise<void> {
  let n = 0;
  let buffer = Buffer.alloc(0);
  const flush = (bytes: Buffer) => {
    fs.writeFileSync(path.join(dir, pieceName(n)), bytes, { mode: 0o600 });
    n += 1;
  };
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= UPLOAD_CHUNK_BYTES) {
      flush(buffer.subarray(0, UPLOAD_CHUNK_BYTES));
      buffer = buffer.subarray(UPLOAD_CHUNK_BYTES);
    }
  }
  if (buffer.length > 0) flush(buffer);
}

async function holdsData(databaseUrl: string): Promise<boolean> {
  if (providerOf(databaseUrl) === 'sqlite' && !fs.existsSync(databaseUrl.replace(/^file:/, ''))) return false;
  const db = await openDb(databaseUrl);
  try {
    return (await db.organisation.count()) > 0;
  } catch {
    return false; // no tables yet
  } finally {
    await db.$disconnect();
  }
}
