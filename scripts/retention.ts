/**
 * npm run retention: applies each organisation's retention period now (the app also does it every
 * hour), with the database and attachment storage of this deployment (.env decides which). Deletes
 * closed and spam reports past the period with their files, keeps anonymised triage records only
 * where the organisation chose to, and records a `retention.run` audit entry per organisation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createAttachmentStorage } from '../lib/attachments/create-storage';
import { openDb } from '../lib/db/open-db';
import { parseEnv } from '../lib/env';
import { applyRetention } from '../lib/retention/apply-retention';

const root = path.resolve(import.meta.dirname, '..');

async function main(): Promise<void> {
  const envFile = path.join(root, '.env');
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile);
  const env = parseEnv(process.env);
  const databaseUrl = env.DATABASE_URL.startsWith('file:') ? `file:${path.resolve(root, env.DATABASE_URL.slice(5))}` : env.DATABASE_URL;
  const db = await openDb(databaseUrl);
  try {
    const results = await applyRetention({ db, storage: createAttachmentStorage(env, root), serverSecret: env.QORGAU_SERVER_SECRET });
    if (results.length === 0) console.log('no organisation has a retention period set (Organisation.retentionDays = 0): nothing deleted');
    for (const r of results) {
      console.log(`organisation ${r.organisationId}: ${r.deletedReports} reports changed before ${r.cutoffDay} deleted (${r.deletedFiles} files), ${r.keptStatistics} triage records kept for statistics`);
    }
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
