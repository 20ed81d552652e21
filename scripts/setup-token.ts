/**
 * npm run setup:token: prints a one-time link for the organisation set-up ceremony on an empty deployment (the
 * database of this deployment, .env decides which). The token is in the link's fragment, valid for 24 hours, and
 * only its keyed hash is stored. Refuses when the deployment already has an organisation.
 *
 * Usage: npm run setup:token [-- --locale ru|kk|en]
 */
import { parseArgs } from 'node:util';
import { openDb } from '../lib/db/open-db';
import { locales, type Locale } from '../lib/i18n/config';
import { createSetupToken } from '../lib/organisations/setup-token';
import { loadDeployment } from './deployment';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { locale: { type: 'string', default: 'ru' } } });
  const locale = values.locale as Locale;
  if (!locales.includes(locale)) throw new Error(`--locale must be one of ${locales.join(', ')}`);
  const { env, databaseUrl } = loadDeployment();
  const db = await openDb(databaseUrl);
  try {
    const { token, expiresAt } = await createSetupToken(db, { serverSecret: env.QORGAU_SERVER_SECRET });
    const origin = new URL(env.QORGAU_ORIGIN).origin;
    console.log('Organisation set-up link (one use, keep it private; open it in the browser of the first coordinator):');
    console.log(`  ${origin}/${locale}/review/setup#${token}`);
    console.log(`Valid until ${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
