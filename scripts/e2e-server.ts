/**
 * Starts the built app for the end-to-end tests: a fresh SQLite database under var/e2e (migrated
 * and seeded with the demo organisation), fresh secrets, and the production server (server.ts, bundled
 * here first: scripts/build-server.ts) on 127.0.0.1:3100.
 * QORGAU_E2E_EMPTY=1 leaves the database empty (no organisation, no pinned key) for the set-up
 * ceremony test; server.json then has `demo: null`.
 * QORGAU_E2E_DATABASE=postgresql puts the database on the PostgreSQL server named by
 * QORGAU_TEST_POSTGRES_URL instead (the PostgreSQL lane of `npm test`), migrated and seeded the same way.
 * Everything the server prints goes to var/e2e/server.log as well, so tests can check the logs.
 * Run by Playwright's webServer; stops when Playwright stops it.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from '../lib/db/migrate';
import { createPostgresDatabase } from '../lib/db/test-database';
import { seedDemo } from '../lib/demo/seed-demo';
import { buildServer } from './build-server';

const root = path.resolve(import.meta.dirname, '..');
// The benchmarks start their own server beside a test run, in their own folder.
const dir = path.resolve(root, process.env.QORGAU_E2E_DIR ?? path.join('var', 'e2e'));
const port = process.env.QORGAU_E2E_PORT ?? '3100';
const S3_VARIABLES = ['QORGAU_ATTACHMENT_STORAGE', 'QORGAU_S3_BUCKET', 'QORGAU_S3_REGION', 'QORGAU_S3_ENDPOINT', 'QORGAU_S3_FORCE_PATH_STYLE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

function pick(source: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (source[name] ? [[name, source[name]]] : [])));
}

async function main(): Promise<void> {
  const serverJson = path.join(dir, 'server.json');
  // QORGAU_E2E_KEEP=1 restarts on the same database and secrets (the crash test kills the server
  // and starts it again); otherwise every start is a fresh deployment.
  if (process.env.QORGAU_E2E_KEEP === '1' && fs.existsSync(serverJson)) {
    const { env } = JSON.parse(fs.readFileSync(serverJson, 'utf8')) as { env: Record<string, string> };
    // As a deployment's upgrade would: a database kept from an older build gets the migrations added since.
    await migrate(env.DATABASE_URL!);
    return startServer(env, 'a');
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const env: Record<string, string> = {
    DATABASE_URL: process.env.QORGAU_E2E_DATABASE_URL ?? (await freshDatabaseUrl()),
    QORGAU_SERVER_SECRET: randomBytes(32).toString('base64url'),
    NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
    QORGAU_ORIGIN: `http://127.0.0.1:${port}`,
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    QORGAU_ORG_SLUG: 'demo',
    QORGAU_UPLOAD_DIR: path.join(dir, 'uploads'),
    QORGAU_QUICK_EXIT_URL: 'https://www.google.com/',
    // A light proof of work keeps the suite fast; the code path is the production one.
    QORGAU_POW_DIFFICULTY: process.env.QORGAU_E2E_POW_DIFFICULTY ?? '8',
    QORGAU_MAX_ATTACHMENT_MIB: '20',
    // A well-formed but made-up onion address, to test the Onion-Location header.
    QORGAU_ONION_LOCATION: `http://${'q'.repeat(52)}abcd.onion`,
    // The suite sends far more than a minute's worth (60) of intake requests when a fast machine runs
    // it: with the production default an unrelated test met a 429 in CI. Tests of the limit itself
    // start their own server with a small one (QORGAU_E2E_INTAKE_PER_MINUTE; the hour's follows it
    // unless QORGAU_E2E_INTAKE_PER_HOUR is given).
    QORGAU_INTAKE_PER_MINUTE: process.env.QORGAU_E2E_INTAKE_PER_MINUTE ?? '100000',
    QORGAU_INTAKE_PER_HOUR: process.env.QORGAU_E2E_INTAKE_PER_HOUR ?? process.env.QORGAU_E2E_INTAKE_PER_MINUTE ?? '100000',
    // The housekeeping test runs the first housekeeping within seconds rather than a minute.
    ...(process.env.QORGAU_E2E_MAINTENANCE_FIRST_RUN_SECONDS ? { QORGAU_MAINTENANCE_FIRST_RUN_SECONDS: process.env.QORGAU_E2E_MAINTENANCE_FIRST_RUN_SECONDS } : {}),
    // Attachments on S3-compatible object storage: the object-storage test starts its own S3
    // server and passes its settings in; everything else keeps the local disk.
    ...(process.env.QORGAU_ATTACHMENT_STORAGE === 's3' ? pick(process.env, S3_VARIABLES) : {}),
  };
  await migrate(env.DATABASE_URL!);
  if (process.env.QORGAU_E2E_EMPTY === '1') {
    fs.writeFileSync(serverJson, JSON.stringify({ env, demo: null }, null, 2));
    return startServer(env, 'w');
  }
  // Interactive Argon2id cost: the same code path as production at a cost the 2-core CI can afford.
  const demo = await seedDemo({
    databaseUrl: env.DATABASE_URL!,
    serverSecret: env.QORGAU_SERVER_SECRET!,
    stateDir: path.join(dir, 'demo'),
    kdf: { opsLimit: 2, memLimit: 64 * 1024 * 1024 },
  });
  env.QORGAU_ORG_SIGNING_KEY = demo.organisationPublicKey;
  // What the tests need to know about this server (never real credentials: a throw-away demo).
  fs.writeFileSync(serverJson, JSON.stringify({ env, demo }, null, 2));
  await startServer(env, 'w');
}

/**
 * A SQLite file in the folder, or an empty PostgreSQL database named after the folder: unique to
 * this checkout and server, and the same on every start, so a fresh start replaces what an earlier
 * run left (as it replaces the SQLite file) instead of piling up databases on the server.
 */
async function freshDatabaseUrl(): Promise<string> {
  const kind = process.env.QORGAU_E2E_DATABASE ?? 'sqlite';
  if (kind === 'sqlite') return `file:${path.join(dir, 'qorgau.db')}`;
  if (kind !== 'postgresql') throw new Error(`QORGAU_E2E_DATABASE must be sqlite or postgresql, not ${kind}`);
  return createPostgresDatabase(`qorgau_e2e_${createHash('sha256').update(dir).digest('hex').slice(0, 16)}`, { replace: true });
}

async function startServer(env: Record<string, string>, logMode: 'w' | 'a'): Promise<void> {
  // `npx next build` empties .next: bundle the server again (well under a second), so it always matches the code.
  const server = await buildServer();
  const log = fs.createWriteStream(path.join(dir, 'server.log'), { flags: logMode });
  // QORGAU_E2E_NODE_ARGS (e.g. the intake benchmark's --cpu-prof) go to Node itself: Node refuses
  // --cpu-prof in NODE_OPTIONS.
  const nodeArgs = (process.env.QORGAU_E2E_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // For comparisons in the intake benchmark: QORGAU_E2E_SERVER=next-start starts plain `next start` (no fast path),
  // QORGAU_E2E_SERVER_ARGS passes options to server.ts (e.g. --no-intake-thread).
  const command =
    process.env.QORGAU_E2E_SERVER === 'next-start'
      ? [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start']
      : [server, ...(process.env.QORGAU_E2E_SERVER_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, ...command, '-p', port, '-H', '127.0.0.1'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => {
    log.write(chunk);
    process.stdout.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    log.write(chunk);
    process.stderr.write(chunk);
  });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  child.on('exit', (code) => {
    log.end();
    process.exit(code ?? 0);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
