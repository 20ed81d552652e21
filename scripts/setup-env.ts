/**
 * Creates `.env` for a local installation when it does not exist: SQLite under ./var, fresh random
 * secrets, localhost origin. An existing `.env` is never overwritten (its secrets protect existing
 * receipts and sessions); it is only validated.
 *
 * Usage: tsx scripts/setup-env.ts
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from '../lib/env';

const root = path.resolve(import.meta.dirname, '..');
const file = path.join(root, '.env');

export function freshEnvText(): string {
  return [
    '# Created by `npm run demo` (scripts/setup-env.ts). Keep this file secret and back it up:',
    '# losing QORGAU_SERVER_SECRET makes existing receipts unusable.',
    'DATABASE_URL=file:./var/qorgau.db',
    `QORGAU_SERVER_SECRET=${randomBytes(32).toString('base64url')}`,
    `NEXTAUTH_SECRET=${randomBytes(32).toString('base64url')}`,
    'QORGAU_ORIGIN=http://localhost:3000',
    'NEXTAUTH_URL=http://localhost:3000',
    'QORGAU_ORG_SLUG=demo',
    '',
  ].join('\n');
}

function main(): void {
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, freshEnvText(), { mode: 0o600 });
    console.log('created .env with fresh secrets');
  }
  process.loadEnvFile(file);
  parseEnv(process.env);
  console.log('.env is valid');
}

main();
