import { getAttachmentStorage } from '@/lib/attachments/get-storage';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { runMaintenance } from '@/lib/maintenance/run-maintenance';

const HOUR = 60 * 60 * 1000;

/** Runs housekeeping shortly after start (QORGAU_MAINTENANCE_FIRST_RUN_SECONDS) and then every hour, without keeping the process alive. */
export function scheduleMaintenance(): void {
  const run = async () => {
    try {
      const done = await runMaintenance({ db: await getDb(), storage: getAttachmentStorage(), serverSecret: getEnv().QORGAU_SERVER_SECRET });
      // Counts only: nothing about any report or anyone.
      const deletedReports = done.retention.reduce((sum, r) => sum + r.deletedReports, 0);
      process.stdout.write(
        `qorgau: housekeeping done (${done.staleUploads} unfinished uploads, ${done.expiredChallenges} spent challenges, ${done.endedWindows} ended limit windows, ${deletedReports} reports past retention removed)\n`,
      );
    } catch (error) {
      process.stderr.write(`qorgau: maintenance failed (${error instanceof Error ? error.name : 'error'})\n`);
    }
  };
  setTimeout(run, getEnv().QORGAU_MAINTENANCE_FIRST_RUN_SECONDS * 1000).unref();
  setInterval(run, HOUR).unref();
}
