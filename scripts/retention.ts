/**
 * npm run retention: applies each organisation's retention period now (the app also does it every
 * hour), with the database and attachment storage of this deployment (.env decides which). Deletes
 * closed and spam reports past the period with their files, keeps anonymised triage records only
 * where the organisation chose to, and records a `retention.run` audit entry per organisation.
 */
import { createAttachmentStorage } from '../lib/attachments/create-storage';
import { openDb } from '../lib/db/open-db';
import { applyRetention } from '../lib/retention/apply-retention';
import { loadDeployment, root } from './deployment';

async function main(): Promise<void> {
  const { env, databaseUrl } = loadDeployment();
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
