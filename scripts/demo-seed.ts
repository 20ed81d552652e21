/**
 * `npm run demo`, step 2: apply migrations to the database in .env and create the demo
 * organisation, then print how to sign in. Safe to run again: it prints the same demo credentials.
 */
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from '../lib/db/migrate';
import { seedDemo } from '../lib/demo/seed-demo';
import { parseEnv } from '../lib/env';

const root = path.resolve(import.meta.dirname, '..');

async function main(): Promise<void> {
  process.loadEnvFile(path.join(root, '.env'));
  const env = parseEnv(process.env);
  const migrations = await migrate(env.DATABASE_URL);
  if (migrations.applied.length > 0) console.log(`applied migrations: ${migrations.applied.join(', ')}`);
  const demo = await seedDemo({
    databaseUrl: env.DATABASE_URL,
    serverSecret: env.QORGAU_SERVER_SECRET,
    stateDir: path.join(root, 'var', 'demo'),
  });
  setPinnedKey(demo.organisationPublicKey);
  const line = '─'.repeat(72);
  console.log(`\n${line}`);
  console.log(' Qorgau DEMO organisation — for trying things out, never for real reports');
  console.log(line);
  console.log(` Reporter pages:  ${env.QORGAU_ORIGIN}/ru   (also /kk and /en)`);
  console.log(` Staff area:      ${env.QORGAU_ORIGIN}/ru/review`);
  console.log(` Organisation key (pinned in .env as QORGAU_ORG_SIGNING_KEY): ${demo.organisationPublicKey}`);
  for (const account of demo.accounts) {
    console.log(`\n ${account.role.padEnd(12)} login: ${account.login}`);
    console.log(`              password: ${account.password}`);
    console.log(`              TOTP secret (add to an authenticator app): ${account.totpSecret}`);
    console.log(`              recovery key: ${account.recoveryKey}`);
  }
  console.log(`\n These demo credentials are kept in var/demo/demo-state.json (mode 600).\n${line}\n`);
}

/** Pins the demo organisation's key in .env, as an operator would after the key ceremony. */
function setPinnedKey(publicKey: string): void {
  const file = path.join(root, '.env');
  const text = fs.readFileSync(file, 'utf8');
  const line = `QORGAU_ORG_SIGNING_KEY=${publicKey}`;
  const next = /^QORGAU_ORG_SIGNING_KEY=.*$/m.test(text) ? text.replace(/^QORGAU_ORG_SIGNING_KEY=.*$/m, line) : `${text.trimEnd()}\n${line}\n`;
  if (next !== text) fs.writeFileSync(file, next, { mode: 0o600 });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
