/**
 * npm run bench:intake [-- --crash]: sustained anonymous intake on one machine, with durability.
 *
 * Starts the built app (run `npx next build` first) on 127.0.0.1:3600 with a throw-away SQLite
 * database, prepares real encrypted submissions with pre-solved proofs of work, and sends them with
 * 16 concurrent connections for 20 s. With --crash the server is killed with SIGKILL halfway and
 * started again on the same data while the load continues. Afterwards every acknowledged
 * submission must be in the database, whole, and open with the demo reviewer's key; nothing
 * unacknowledged may be half-stored. Side by side, the raw insert rate of the same database
 * (same schema, WAL, synchronous=FULL, one transaction per report with its envelopes and spent
 * challenge) is measured with better-sqlite3 directly.
 * Prints a table and, last, one JSON line. Loopback only; bounded in time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { migrate } from '@/lib/db/migrate';
import { openDb } from '@/lib/db/open-db';
import { newId, today } from '@/lib/ids';
import { demoReviewer } from '../../e2e/support/reporter';
import { ServerProcess } from '../../e2e/support/server-process';
import { percentile, prepareSubmissions, runLoad, verifyIntake } from './load';

const crash = process.argv.includes('--crash');
const durationMs = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const prepareCount = Number(process.env.BENCH_SUBMISSIONS ?? 6000);

async function rawInsertRate(dir: string, sampleBody: string, seconds: number): Promise<number> {
  const file = path.join(dir, 'raw.db');
  fs.rmSync(file, { force: true });
  await migrate(`file:${file}`);
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');
  const org = newId();
  db.prepare(`INSERT INTO "Organisation" (id, slug, name, signingPublicKey, createdDay) VALUES (?, 'raw', 'raw', x'00', ?)`).run(org, today());
  const reviewers = [newId(), newId()];
  for (const id of reviewers) {
    db.prepare(`INSERT INTO "Reviewer" (id, organisationId, login, displayName, role, status, passwordSalt, kdfOpsLimit, kdfMemLimit, authKeyHash, createdAt) VALUES (?, ?, ?, 'r', 'reviewer', 'active', 's', 1, 1, 'h', 0)`).run(id, org, id);
  }
  const insertReport = db.prepare(`INSERT INTO "Report" (id, organisationId, directorySerial, sealed, accessTokenHash, expectedAttachments, isComplete, receivedDay, updatedDay) VALUES (?, ?, 1, ?, ?, 0, 1, ?, ?)`);
  const insertEnvelope = db.prepare(`INSERT INTO "ReportEnvelope" (id, reportId, reviewerId, envelope) VALUES (?, ?, ?, ?)`);
  const insertChallenge = db.prepare(`INSERT INTO "UsedChallenge" (id, expiresHour) VALUES (?, '2099-01-01T00')`);
  const sealed = sampleBody.slice(0, Math.floor(sampleBody.length * 0.75));
  const envelope = sampleBody.slice(0, 2200);
  const one = db.transaction(() => {
    const id = newId();
    insertChallenge.run(randomBytes(16).toString('base64url'));
    insertReport.run(id, org, sealed, randomBytes(32).toString('hex'), today(), today());
    for (const reviewer of reviewers) insertEnvelope.run(newId(), id, reviewer, envelope);
  });
  const end = Date.now() + seconds * 1000;
  let count = 0;
  while (Date.now() < end) {
    one();
    count += 1;
  }
  db.close();
  return count / seconds;
}

async function main() {
  const server = new ServerProcess(Number(process.env.BENCH_PORT ?? 3600), process.env.BENCH_DIR ?? 'var/bench-intake', { QORGAU_E2E_INTAKE_PER_MINUTE: '1000000', QORGAU_E2E_POW_DIFFICULTY: '8' });
  const watchdog = setTimeout(() => {
    console.error('bench:intake: time limit reached');
    void server.stop('SIGKILL').then(() => process.exit(1));
  }, 15 * 60_000);
  try {
    await server.start();
    const info = server.info();
    const t0 = Date.now();
    const { prepared, directory } = await prepareSubmissions({
      baseUrl: server.baseUrl,
      serverSecret: info.env.QORGAU_SERVER_SECRET!,
      pinnedKey: info.demo.organisationPublicKey,
      count: prepareCount,
      difficulty: 8,
    });
    const prepareSeconds = (Date.now() - t0) / 1000;

    let restartMs = 0;
    const load = runLoad({ baseUrl: server.baseUrl, prepared, concurrency, durationMs });
    if (crash) {
      await new Promise((resolve) => setTimeout(resolve, durationMs / 2));
      const killedAt = Date.now();
      await server.stop('SIGKILL');
      await server.start({ keep: true });
      restartMs = Date.now() - killedAt;
    }
    const outcomes = await load;
    const acknowledgedOutcomes = outcomes.filter((o) => o.status === 201);
    const first = Math.min(...outcomes.map((o) => o.at - o.ms));
    const last = Math.max(...outcomes.map((o) => o.at));
    const seconds = (last - first) / 1000;

    const db = await openDb(info.env.DATABASE_URL!);
    const reviewer = await demoReviewer(db, info);
    const verified = await verifyIntake({ db, outcomes, reviewer, directory });
    await db.$disconnect();
    const raw = await rawInsertRate(server.dir, prepared[0]!.body, 5);

    const result = {
      submissions_per_s: Math.round((acknowledgedOutcomes.length / seconds) * 10) / 10,
      p50_ms: Math.round(percentile(acknowledgedOutcomes.map((o) => o.ms), 50)),
      p99_ms: Math.round(percentile(acknowledgedOutcomes.map((o) => o.ms), 99)),
      raw_inserts_per_s: Math.round(raw),
      ratio: Math.round((acknowledgedOutcomes.length / seconds / raw) * 1000) / 1000,
      acknowledged: verified.acknowledged,
      lost: verified.lost,
      damaged: verified.damaged,
      half_stored: verified.halfStored,
      refused: outcomes.filter((o) => o.status !== 201 && o.status !== 'network').length,
      connection_errors: outcomes.filter((o) => o.status === 'network').length,
      concurrency,
      seconds: Math.round(seconds * 10) / 10,
      body_bytes: prepared[0]!.body.length,
      crash,
      restart_ms: restartMs,
      prepare_s: Math.round(prepareSeconds),
    };
    console.log(`Anonymous intake, ${concurrency} connections, ${result.seconds} s, SQLite (WAL, synchronous=FULL)${crash ? ', server SIGKILLed halfway and restarted' : ''}`);
    for (const [key, value] of Object.entries(result)) console.log(`${key.padEnd(20)} ${String(value).padStart(10)}`);
    console.log(`target ratio >= 0.5: ${result.ratio >= 0.5 ? 'met' : 'MISSED'}; lost = 0: ${result.lost === 0 ? 'met' : 'MISSED'}`);
    console.log(JSON.stringify(result));
    if (result.lost > 0 || result.damaged > 0 || result.half_stored > 0) process.exitCode = 1;
  } finally {
    clearTimeout(watchdog);
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
