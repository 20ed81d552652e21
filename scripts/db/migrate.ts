/**
 * npm run db:migrate: applies pending migrations to the database named by DATABASE_URL (from the
 * environment or .env), SQLite or PostgreSQL, and says what it did.
 */
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from '../../lib/db/migrate';
import { parseEnv } from '../../lib/env';

const root = path.resolve(import.meta.dirname, '..', '..');
const envFile = path.join(root, '.env');
if (fs.existsSync(envFile)) process.loadEnvFile(envFile);

migrate(parseEnv(process.env).DATABASE_URL)
  .then((result) => {
    console.log(result.applied.length ? `applied: ${result.applied.join(', ')}` : 'the database is up to date');
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
