/**
 * npm run backup -- [--out <folder>]: a consistent, still-encrypted backup of the database and the
 * attachment pieces of this deployment (.env decides which), safe to run while the app is running.
 * npm run restore -- --from <folder> [--force]: restores one into an empty deployment (stop the app first).
 */
import path from 'node:path';
import { createAttachmentStorage } from '../lib/attachments/create-storage';
import { createBackup, restoreBackup } from '../lib/backup/backup';
import { loadDeployment, root } from './deployment';

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  const { env, databaseUrl } = loadDeployment();
  // The local disk or the object-storage bucket, as configured: a backup restores into either.
  const storage = createAttachmentStorage(env, root);
  if (process.argv.includes('--restore')) {
    const from = argument('--from');
    if (!from) throw new Error('usage: npm run restore -- --from <backup folder> [--force]');
    const manifest = await restoreBackup({ fromDir: path.resolve(from), databaseUrl, storage, force: process.argv.includes('--force') });
    console.log(`restored the ${manifest.provider} backup of ${manifest.createdDay} (${manifest.attachments.length} attachments)`);
    console.log('Use the same QORGAU_SERVER_SECRET as before, or receipts and TOTP enrolments will not work.');
    return;
  }
  const out = path.resolve(argument('--out') ?? path.join(root, 'var', 'backups', new Date().toISOString().replace(/[:.]/g, '-')));
  const manifest = await createBackup({ databaseUrl, storage, outDir: out });
  console.log(`backup written to ${out}: ${Object.keys(manifest.files).length} files, ${manifest.attachments.length} attachments, all still encrypted`);
  console.log('It does not contain .env: keep QORGAU_SERVER_SECRET backed up separately.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
