// Runs once when the server starts. The Node.js part refuses to start with a clear message when
// the configuration is invalid, rather than failing later on the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { checkEnvOrExit } = await import('./lib/startup/check-env');
    checkEnvOrExit();
  }
}
