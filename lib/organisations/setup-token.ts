import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '@/lib/db/open-db';
import { newId } from '@/lib/ids';

// No `server-only` marker: `npm run setup:token` (scripts/setup-token.ts) runs this outside Next.js.

/** How long a set-up link stays valid. */
export const SETUP_TOKEN_LIFETIME_MS = 24 * 60 * 60_000;

/** The keyed hash stored instead of the set-up token (HMAC-SHA-256 under the server secret, own domain tag). */
export function hashSetupToken(serverSecret: string, token: string): string {
  return createHmac('sha256', Buffer.from(serverSecret, 'base64url')).update(`qorgau/v1/server/setup-token\0${token}`).digest('hex');
}

export class OrganisationExistsError extends Error {
  constructor() {
    super('This deployment already has an organisation; a set-up link is only for an empty deployment.');
    this.name = 'OrganisationExistsError';
  }
}

/**
 * Creates a one-time link token for the organisation set-up ceremony: 256 random bits, returned once (for the link's
 * fragment); only its keyed hash is stored, expiring after 24 h. Throws `OrganisationExistsError` when any
 * organisation exists: a deployment is set up once.
 */
export async function createSetupToken(db: Pick<Db, 'organisation' | 'setupToken'>, options: { serverSecret: string; now?: Date }) {
  const now = options.now ?? new Date();
  if ((await db.organisation.count()) > 0) throw new OrganisationExistsError();
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SETUP_TOKEN_LIFETIME_MS);
  await db.setupToken.create({ data: { id: newId(), tokenHash: hashSetupToken(options.serverSecret, token), expiresAt } });
  return { token, expiresAt };
}
