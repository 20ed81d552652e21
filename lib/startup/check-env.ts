import { EnvError, getEnv } from '@/lib/env';

/** Validates the configuration; on failure prints which variables are wrong and exits with 78 (EX_CONFIG). */
export function checkEnvOrExit(): void {
  try {
    getEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}
