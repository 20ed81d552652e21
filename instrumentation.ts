// Runs once when the server starts. The Node.js part refuses to start with a clear message when
// the configuration is invalid, rather than failing later on the first request, and schedules the
// hourly housekeeping (unfinished uploads, spent proof-of-work ids).
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { checkEnvOrExit } = await import('./lib/startup/check-env');
    checkEnvOrExit();
    const { scheduleMaintenance } = await import('./lib/startup/schedule-maintenance');
    scheduleMaintenance();
  }
}
