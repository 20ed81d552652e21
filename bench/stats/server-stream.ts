/**
 * The statistics stream's server half alone (`npm run bench:stats:server`, after `npm run bench:stats` seeded
 * var/bench-stats; BENCH_STATS_DB_URL names another database): reads the database the way
 * `GET /api/staff/triage` does (`streamTriage`, lib/review/staff-data.ts) for the demo organisation and drains the
 * stream as a plain client would, without decrypting anything. No HTTP and no session check: what is timed is the
 * database reads and the framing, which are what the page waits for. BENCH_RUNS runs (default 5); prints a table
 * and, last, one JSON line with the median. For a CPU profile, run it under `node --cpu-prof`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TStaff } from '@/lib/auth/staff-auth';
import { openDb } from '@/lib/db/open-db';
import { streamTriage } from '@/lib/review/staff-data';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function databaseUrl(): string {
  if (process.env.BENCH_STATS_DB_URL) return process.env.BENCH_STATS_DB_URL;
  const serverJson = path.join('var', 'bench-stats', 'server.json');
  if (!fs.existsSync(serverJson)) throw new Error('no seeded database: run `npm run bench:stats` first');
  return (JSON.parse(fs.readFileSync(serverJson, 'utf8')) as { env: { DATABASE_URL: string } }).env.DATABASE_URL;
}

async function main(): Promise<void> {
  const db = await openDb(databaseUrl());
  const organisation = await db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
  const staff = { organisationId: organisation.id } as TStaff;
  const runs: { ms: number; bytes: number; chunks: number }[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    const reader = streamTriage(db, staff, { isStillAllowed: async () => true }).getReader();
    let bytes = 0;
    let chunks = 0;
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      bytes += next.value.byteLength;
      chunks += 1;
    }
    runs.push({ ms: performance.now() - started, bytes, chunks });
  }
  await db.$disconnect();
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  for (const [i, r] of runs.entries()) console.log(`run ${i + 1}  ${r.ms.toFixed(0).padStart(6)} ms  ${(r.bytes / 1e6).toFixed(1)} MB in ${r.chunks} chunks`);
  console.log(`median  ${median.toFixed(0).padStart(6)} ms  (load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  console.log(JSON.stringify({ bench: 'stats-server-stream', runs: RUNS, bytes: runs[0]!.bytes, server_stream_ms: Math.round(median), runs_ms: runs.map((r) => Math.round(r.ms)), load: os.loadavg()[0] }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
