/**
 * What the operator commands (backup, retention, setup:token, audit:verify) share: this checkout's root, and the
 * deployment's configuration read from `.env` (variables already set in the environment win) and validated by
 * lib/env.ts, with a relative SQLite path resolved against the root rather than the caller's working directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseEnv, type TEnv } from '../lib/env';

export const root = path.resolve(import.meta.dirname, '..');

export function loadDeployment(): { env: TEnv; databaseUrl: string } {
  const envFile = path.join(root, '.env');
  if (fs.existsSync(envFile)) process.loadEnvFile(envFile);
  const env = parseEnv(process.env);
  const databaseUrl = env.DATABASE_URL.startsWith('file:') ? `file:${path.resolve(root, env.DATABASE_URL.slice(5))}` : env.DATABASE_URL;
  return { env, databaseUrl };
}
