/**
 * npm run bench:intake [-- --crash] [-- --profile]: sustained anonymous intake on one machine,
 * with durability.
 *
 * Starts the built app (run `npx next build` first) on 127.0.0.1:3600 with a throw-away SQLite
 * database, prepares real encrypted submissions with pre-solved proofs of work, and sends them with
 * 16 concurrent connections for 20 s. With --crash the server is killed with SIGKILL halfway and
 * started again on the same data while the load continues. Afterwards every acknowledged
 * submission must be in the database, whole, and open with the demo reviewer's key; nothing
 * unacknowledged may be half-stored. Side by side, the raw insert rate of the same database
 * (same schema, WAL, synchronous=FULL, one transaction per report with its envelopes and spent
 * challenge) is measured with better-sqlite3 directly, for 3 s before and 3 s after the load; the
 * higher of the two is `raw_inserts_per_s`.
 *
 * Right after the intake load, the same load tool sends GET /api/health (one `SELECT 1` through
 * the same route wrapper) for 5 s: `framework_req_per_s` is the rate Next.js itself allows on this
 * machine, so a reader sees how much of the gap to the raw rate is the framework. Then GET
 * /api/reports for 5 s, a JSON 405 with no database at all: `framework_bare_req_per_s`.
 * The CPU used per acknowledged submission by the server's processes and by this load client
 * (which shares the machine's cores) comes from /proc and process.cpuUsage(). With --profile the
 * server runs under `node --cpu-prof` and the summary of its main thread during each phase is
 * printed (bench/intake/cpu-profile.ts).
 *
 * Environment: BENCH_SECONDS (20), BENCH_CONCURRENCY (16), BENCH_SUBMISSIONS (50000 prepared),
 * BENCH_FRAMEWORK_SECONDS (5), BENCH_PORT (3600), BENCH_DIR (var/bench-intake). For comparisons, BENCH_SERVER:
 * `fast` (server.ts, the default), `fast-main-thread` (server.ts with the SQLite intake writer on its main thread),
 * `next-start` (plain `next start`: the route handler behind proxy.ts, as before server.ts).
 * Prints a table and, last, one JSON line. Loopback only; bounded in time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { migrate } from '@/lib/db/migrate';
import { openDb } from '@/lib/db/open-db';
import { newId, today } from '@/lib/ids';
import { demoReviewer } from '../../e2e/support/reporter';
import { ServerProcess } from '../../e2e/support/server-process';
import { monotonicUs, printProfileSummary, summariseCpuProfiles } from './cpu-profile';
import { percentile, prepareSubmissions, runLoad, runRequests, verifyIntake } from './load';

const crash = process.argv.includes('--crash');
const profile = process.argv.includes('--profile');
const durationMs = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
// Enough for 20 s at about 2 500 per second; a run that uses them all up ends early (`seconds` says how long it ran).
const prepareCount = Number(process.env.BENCH_SUBMISSIONS ?? 50000);
const frameworkMs = Number(process.env.BENCH_FRAMEWORK_SECONDS ?? 5) * 1000;
const serverKind = process.env.BENCH_SERVER ?? 'fast';
if (!['fast', 'fast-main-thread', 'next-start'].includes(serverKind)) throw new Error(`BENCH_SERVER must be fast, fast-main-thread or next-start, not ${serverKind}`);

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

/** Entry points whose inclusive time the profile summary reports (matched against "name file:line"). */
const entryPoints = [
  /^runMiddleware /,
  / proxy\.ts:/,
  / app\/api\/reports\/route\.ts:/,
  / server\.ts:/,
  / lib\/reports\/intake-endpoint\.ts:/,
  / lib\/http\/read-json\.ts:/,
  /zod/,
  / lib\/reports\/submit-report\.ts:/,
  / lib\/reports\/intake-writer\.ts:/,
  /Prisma|prisma/,
  /better-sqlite3/,
  / node:zlib:/,
];

/**
 * Runs `work` and measures what it cost: wall time, CPU of this process (the load client) and of
 * the server's processes, the load average at the start, and the monotonic window for the profile.
 */
async function measure<T>(server: ServerProcess, work: () => Promise<T>) {
  const loadAverage = os.loadavg()[0]!;
  const fromUs = monotonicUs();
  const client = process.cpuUsage();
  const serverCpu = server.cpuSeconds();
  const value = await work();
  const clientUsed = process.cpuUsage(client);
  const serverCpuSeconds = server.cpuSeconds() - serverCpu;
  const toUs = monotonicUs();
  return {
    value,
    seconds: (toUs - fromUs) / 1e6,
    clientCpuSeconds: (clientUsed.user + clientUsed.system) / 1e6,
    serverCpuSeconds,
    loadAverage,
    window: { fromUs, toUs },
  };
}

async function main() {
  const benchDir = process.env.BENCH_DIR ?? 'var/bench-intake';
  const profileDir = path.resolve(benchDir, '..', `${path.basename(benchDir)}-profile`);
  if (profile) fs.rmSync(profileDir, { recursive: true, force: true });
  const server = new ServerProcess(Number(process.env.BENCH_PORT ?? 3600), benchDir, {
    QORGAU_E2E_INTAKE_PER_MINUTE: '1000000',
    QORGAU_E2E_POW_DIFFICULTY: '8',
    ...(profile ? { QORGAU_E2E_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
    ...(serverKind === 'next-start' ? { QORGAU_E2E_SERVER: 'next-start' } : serverKind === 'fast-main-thread' ? { QORGAU_E2E_SERVER_ARGS: '--no-intake-thread' } : {}),
  });
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

    // The raw rate depends on what else is syncing to this disk at the moment (other jobs on a
    // shared machine made it swing from about 200 to 1 900 per second between runs), so it is
    // measured before and after the load, and the higher one is the denominator: the ratio is then
    // the lower (conservative) of the two.
    const rawBefore = await rawInsertRate(server.dir, prepared[0]!.body, 3);

    let restartMs = 0;
    const intake = await measure(server, async () => {
      const load = runLoad({ baseUrl: server.baseUrl, prepared, concurrency, durationMs });
      if (crash) {
        await new Promise((resolve) => setTimeout(resolve, durationMs / 2));
        const killedAt = Date.now();
        await server.stop('SIGKILL');
        await server.start({ keep: true });
        restartMs = Date.now() - killedAt;
      }
      return load;
    });
    // The framework's own ceiling right after, with the same tool and as many connections, on a
    // server as warm: a trivial route (one `SELECT 1`) through the same route wrapper, and the
    // intake's own address asked with GET (a JSON 405: Next.js and the wrapper, no database).
    const framework = await measure(server, () => runRequests({ baseUrl: server.baseUrl, path: '/api/health', concurrency, durationMs: frameworkMs }));
    const frameworkOk = framework.value.filter((o) => o.status === 200).length;
    const bare = await measure(server, () => runRequests({ baseUrl: server.baseUrl, path: '/api/reports', concurrency, durationMs: frameworkMs }));
    const bareOk = bare.value.filter((o) => o.status === 405).length;
    // The fast path's own floor (server.ts): POST /api/reports with a body that is not JSON, a 415 with every header
    // and no database, the cheapest answer the intake can give.
    const fastBare = await measure(server, () =>
      runRequests({ baseUrl: server.baseUrl, path: '/api/reports', concurrency, durationMs: frameworkMs, post: { contentType: 'text/plain', body: Buffer.from('not a report') } }),
    );
    const fastBareOk = fastBare.value.filter((o) => o.status === 415).length;

    const outcomes = intake.value;
    const acknowledgedOutcomes = outcomes.filter((o) => o.status === 201);
    const first = Math.min(...outcomes.map((o) => o.at - o.ms));
    const last = Math.max(...outcomes.map((o) => o.at));
    const seconds = (last - first) / 1000;

    const db = await openDb(info.env.DATABASE_URL!);
    const reviewer = await demoReviewer(db, info);
    const verified = await verifyIntake({ db, outcomes, reviewer, directory });
    await db.$disconnect();
    const rawAfter = await rawInsertRate(server.dir, prepared[0]!.body, 3);
    const raw = Math.max(rawBefore, rawAfter);

    const perAcknowledged = (cpuSeconds: number) => (acknowledgedOutcomes.length > 0 ? Math.round((cpuSeconds * 1000 * 100) / acknowledgedOutcomes.length) / 100 : 0);
    const errorKinds = new Map<string, number>();
    for (const o of outcomes) if (o.status === 'network') errorKinds.set(o.error ?? '?', (errorKinds.get(o.error ?? '?') ?? 0) + 1);
    const result = {
      submissions_per_s: Math.round((acknowledgedOutcomes.length / seconds) * 10) / 10,
      p50_ms: Math.round(percentile(acknowledgedOutcomes.map((o) => o.ms), 50)),
      p99_ms: Math.round(percentile(acknowledgedOutcomes.map((o) => o.ms), 99)),
      raw_inserts_per_s: Math.round(raw),
      raw_before_per_s: Math.round(rawBefore),
      raw_after_per_s: Math.round(rawAfter),
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
      framework_req_per_s: Math.round((frameworkOk / framework.seconds) * 10) / 10,
      framework_errors: framework.value.length - frameworkOk + (bare.value.length - bareOk) + (fastBare.value.length - fastBareOk),
      intake_vs_framework: Math.round((acknowledgedOutcomes.length / seconds / (frameworkOk / framework.seconds)) * 1000) / 1000,
      // CPU per acknowledged submission: the server's processes (not counted across a crash, whose
      // killed process takes its count with it) and this load client, which shares the machine.
      server_cpu_ms_per_submission: crash ? null : perAcknowledged(intake.serverCpuSeconds),
      client_cpu_ms_per_submission: perAcknowledged(intake.clientCpuSeconds),
      framework_server_cpu_ms_per_req: frameworkOk > 0 ? Math.round((framework.serverCpuSeconds * 1000 * 100) / frameworkOk) / 100 : 0,
      framework_bare_req_per_s: Math.round((bareOk / bare.seconds) * 10) / 10,
      framework_bare_server_cpu_ms_per_req: bareOk > 0 ? Math.round((bare.serverCpuSeconds * 1000 * 100) / bareOk) / 100 : 0,
      fast_path_bare_req_per_s: Math.round((fastBareOk / fastBare.seconds) * 10) / 10,
      fast_path_bare_server_cpu_ms_per_req: fastBareOk > 0 ? Math.round((fastBare.serverCpuSeconds * 1000 * 100) / fastBareOk) / 100 : 0,
      server: serverKind,
      cores: os.availableParallelism(),
      load_avg_1m: Math.round(intake.loadAverage * 100) / 100,
    };
    console.log(
      `Anonymous intake, ${concurrency} connections, ${result.seconds} s, SQLite (WAL, synchronous=FULL)${crash ? ', server SIGKILLed halfway and restarted' : ''}; ` +
        `framework ceiling: GET /api/health and (bare) GET /api/reports → 405; fast path's floor: POST /api/reports, not JSON → 415; ${Math.round(framework.seconds)} s each`,
    );
    for (const [key, value] of Object.entries(result)) console.log(`${key.padEnd(32)} ${String(value).padStart(10)}`);
    if (errorKinds.size > 0) console.log(`connection errors by kind: ${[...errorKinds].map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
    if (profile) {
      // The profile is written when the server exits.
      await server.stop();
      const files = fs.existsSync(profileDir) ? fs.readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(profileDir, f)) : [];
      fs.writeFileSync(path.join(profileDir, 'windows.json'), JSON.stringify({ intake: intake.window, framework: framework.window, bare: bare.window, fastBare: fastBare.window }));
      if (files.length === 0) console.log('no CPU profile was written');
      else {
        printProfileSummary('Server CPU profile, intake load', summariseCpuProfiles(files, { window: intake.window, top: 30, entryPoints }));
        printProfileSummary('Server CPU profile, framework ceiling (GET /api/health)', summariseCpuProfiles(files, { window: framework.window, top: 10, entryPoints }));
        printProfileSummary('Server CPU profile, bare framework (GET /api/reports → 405)', summariseCpuProfiles(files, { window: bare.window, top: 10, entryPoints }));
        printProfileSummary('Server CPU profile, bare fast path (POST /api/reports, not JSON → 415)', summariseCpuProfiles(files, { window: fastBare.window, top: 10, entryPoints }));
        console.log(`\nprofiles: ${files.join(' ')}`);
      }
    }
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
