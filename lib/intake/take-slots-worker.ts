/**
 * Test helper: one "app instance" as a process of its own, for lib/intake/rate-limit.test.ts. Opens
 * the database named by argv[2] and sends argv[3] concurrent requests under the limits in argv[4]
 * (JSON), all at the time argv[5] (ms), then prints `{"granted": n, "refused": n}`.
 * Usage: tsx lib/intake/take-slots-worker.ts <url> <requests> <limits-json> <now-ms>
 */
import { openDb } from '@/lib/db/open-db';
import { AppError } from '@/lib/http/errors';
import { takeIntakeSlot, type TLimit } from './rate-limit';

async function main(): Promise<void> {
  const [url, requests, limitsJson, nowMs] = process.argv.slice(2);
  const db = await openDb(url!);
  const limits = JSON.parse(limitsJson!) as TLimit[];
  const now = new Date(Number(nowMs));
  let granted = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: Number(requests) }, async () => {
      try {
        await takeIntakeSlot(db, limits, now);
        granted += 1;
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 429) throw error;
        refused += 1;
      }
    }),
  );
  await db.$disconnect();
  process.stdout.write(`${JSON.stringify({ granted, refused })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`take-slots-worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
