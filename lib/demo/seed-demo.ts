import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_PASSWORD_KDF,
  createOrganisationKey,
  createTeamKey,
  decodeServerSecret,
  encodeOrganisationPublicKey,
  enrolReviewer,
  exportOrganisationKeyBackup,
  formatRecoveryKey,
  hashServerToken,
  importOrganisationKeyBackup,
  sealTeamKeyForReviewers,
  signDirectory,
  verifyDirectory,
  type PasswordKdfParams,
  type ReviewerKeys,
  type ReviewerRole,
} from '@/lib/crypto';
import { openDb } from '@/lib/db/open-db';
import { dbBytes } from '@/lib/db/bytes';
import { createTotpSecret } from '@/lib/auth/totp';
import { newId, today } from '@/lib/ids';
import { sealAtRest } from '@/lib/server-keys';

/**
 * Creates the clearly marked demo organisation a newcomer can try at once: the organisation key,
 * a coordinator and a reviewer with keys, passwords and TOTP secrets, the first signed reviewer
 * directory and team key. Everything is generated with the same lib/crypto code the browsers use.
 *
 * The demo keeps what a real deployment never would: the organisation key backup and the demo
 * passwords, in `stateDir` (mode 0600), so that running the demo again prints the same credentials
 * and can re-sign the directory before it expires. Idempotent.
 */

export type TDemoAccount = { login: string; role: ReviewerRole; password: string; totpSecret: string; recoveryKey: string };
export type TDemoResult = {
  organisationPublicKey: string;
  organisationKeyBackup: string;
  accounts: TDemoAccount[];
  directorySerial: number;
  created: boolean;
};

type State = { organisationKeyBackup: string; accounts: (TDemoAccount & { id: string })[] };

const DIRECTORY_LIFETIME_DAYS = 90;
const WORDS = ['alma', 'tau', 'dala', 'kol', 'zhuldyz', 'kun', 'ai', 'bulak', 'orman', 'teniz', 'kus', 'gul', 'zhel', 'kar', 'tas', 'nur'];

function demoPassword(): string {
  const words = Array.from({ length: 4 }, () => WORDS[randomInt(WORDS.length)]!);
  return `${words.join('-')}-${randomInt(100, 1000)}`;
}

export async function seedDemo(options: {
  databaseUrl: string;
  serverSecret: string;
  stateDir: string;
  /** Argon2id cost for the demo passwords; tests may lower it. */
  kdf?: PasswordKdfParams;
  now?: Date;
}): Promise<TDemoResult> {
  const now = options.now ?? new Date();
  const kdf = options.kdf ?? DEFAULT_PASSWORD_KDF;
  const stateFile = path.join(options.stateDir, 'demo-state.json');
  const db = await openDb(options.databaseUrl);
  try {
    const existing = await db.organisation.findUnique({ where: { slug: 'demo' } });
    if (existing && fs.existsSync(stateFile)) {
      const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as State;
      const organisationKey = await importOrganisationKeyBackup(state.organisationKeyBackup);
      const latest = await db.reviewerDirectory.findFirst({ where: { organisationId: existing.id }, orderBy: { serial: 'desc' } });
      return {
        organisationPublicKey: await encodeOrganisationPublicKey(organisationKey.publicKey),
        organisationKeyBackup: state.organisationKeyBackup,
        accounts: state.accounts.map(({ id: _id, ...account }) => account),
        directorySerial: latest?.serial ?? 0,
        created: false,
      };
    }
    if (existing) throw new Error('a demo organisation exists but its state file is missing; delete the database to start over');

    const organisationKey = await createOrganisationKey();
    const organisationId = newId();
    const serverSecret = await decodeServerSecret(options.serverSecret);
    const accounts: (TDemoAccount & { id: string; keys: ReviewerKeys; authKeyHash: string; enrolled: Awaited<ReturnType<typeof enrolReviewer>> })[] = [];
    for (const [login, role] of [
      ['demo-coordinator', 'coordinator'],
      ['demo-reviewer', 'reviewer'],
    ] as const) {
      const id = newId();
      const password = demoPassword();
      const enrolled = await enrolReviewer({ reviewerId: id, password, params: kdf });
      accounts.push({
        id,
        login,
        role,
        password,
        totpSecret: createTotpSecret(),
        recoveryKey: formatRecoveryKey(enrolled.recoveryKey),
        keys: enrolled.keys,
        authKeyHash: await hashServerToken({ serverSecret, token: enrolled.authKey, purpose: 'auth-key' }),
        enrolled,
      });
    }
    const coordinator = accounts[0]!;
    const signed = await signDirectory({
      organisation: organisationId,
      serial: 1,
      issuedAt: now,
      expiresAt: new Date(now.getTime() + DIRECTORY_LIFETIME_DAYS * 86_400_000),
      teamEpoch: 1,
      reviewers: accounts.map((a) => ({ id: a.id, role: a.role, xwingPublicKey: a.keys.xwing.publicKey, signingPublicKey: a.keys.signing.publicKey })),
      organisationKey,
    });
    const directory = await verifyDirectory({ signed, pinnedKeys: [organisationKey.publicKey], now });
    const teamKey = await createTeamKey(1);
    const teamEnvelopes = await sealTeamKeyForReviewers({ teamKey, directory, granterId: coordinator.id, granterKeys: coordinator.keys });

    const day = today(now);
    await db.$transaction([
      db.organisation.create({
        data: {
          id: organisationId,
          slug: 'demo',
          name: 'Qorgau Demo (DEMO — not for real reports)',
          isDemo: true,
          signingPublicKey: dbBytes(organisationKey.publicKey),
          createdDay: day,
        },
      }),
      ...accounts.map((a) =>
        db.reviewer.create({
          data: {
            id: a.id,
            organisationId,
            login: a.login,
            displayName: a.role === 'coordinator' ? 'Demo coordinator' : 'Demo reviewer',
            role: a.role,
            status: 'active',
            passwordSalt: a.enrolled.salt,
            kdfOpsLimit: kdf.opsLimit,
            kdfMemLimit: kdf.memLimit,
            authKeyHash: a.authKeyHash,
            totpSecretSealed: dbBytes(sealAtRest(options.serverSecret, 'totp-at-rest', new TextEncoder().encode(a.totpSecret), a.id)),
            xwingPublicKey: dbBytes(a.keys.xwing.publicKey),
            signingPublicKey: dbBytes(a.keys.signing.publicKey),
            wrappedSecretKeys: JSON.stringify(a.enrolled.passwordWrapped),
            recoveryWrappedSecretKeys: JSON.stringify(a.enrolled.recoveryWrapped),
            createdAt: now,
            approvedAt: now,
          },
        }),
      ),
      db.reviewerDirectory.create({
        data: { id: newId(), organisationId, serial: 1, body: signed.body, signature: dbBytes(Buffer.from(signed.signature, 'base64url')), createdDay: day },
      }),
      ...teamEnvelopes.map((envelope) =>
        db.teamKeyEnvelope.create({
          data: { id: newId(), organisationId, epoch: 1, reviewerId: envelope.reviewerId, envelope: JSON.stringify(envelope) },
        }),
      ),
    ]);
    const organisationKeyBackup = await exportOrganisationKeyBackup(organisationKey);
    const state: State = {
      organisationKeyBackup,
      accounts: accounts.map(({ keys: _k, enrolled: _e, authKeyHash: _h, ...account }) => account),
    };
    fs.mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
    return {
      organisationPublicKey: await encodeOrganisationPublicKey(organisationKey.publicKey),
      organisationKeyBackup,
      accounts: state.accounts.map(({ id: _id, ...account }) => account),
      directorySerial: 1,
      created: true,
    };
  } finally {
    await db.$disconnect();
  }
}

/** A random 32-byte secret in base64url, for test servers that need one. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}
