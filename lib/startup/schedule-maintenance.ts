import { getAttachmentStorage } from '@/lib/attachments/get-storage';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { runMaintenance } from '@/lib/maintenance/run-maintenance';

const HOUR = 60 * 60 * 1000;

/** Runs housekeeping shortly after start and then every hour, without keeping the process alive. */
export function scheduleMaintenance(): void {
  const run = async () => {
    try {
      await runMaintenance({ db: await getDb(), storage: getAttachmentStorage(), serverSecret: getEnv().QORGAU_SERVER_SECRET });
    } catch (error) {
      process.stderr.write(`qorgau: maintenance failed (${error instanceof Error ? error.name : 'error'})\n`);
    }
  };
  setTimeout(run, 60_000).unref();
  setInterval(run, HOUR).unref();
}
