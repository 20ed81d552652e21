import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeOrganisationPublicKey,
  decodeServerSecret,
  deriveReviewerPasswordKeys,
  hashServerToken,
  openTeamKey,
  unwrapReviewerKeys,
  verifyDirectory,
} from '@/lib/crypto';
import { createTestDatabase, testProviders, type TTestDatabase } from '@/lib/db/test-database';
import { openAtRest } from '@/lib/server-keys';
import { randomSecret, seedDemo, type TDemoResult } from './seed-demo';

const kdf = { opsLimit: 1, memLimit: 8 * 1024 * 1024 };

describe.each(testProviders())('the demo organisation on %s', (provider) => {
  let t: TTestDatabase;
  let demo: TDemoResult;
  const serverSecret = randomSecret();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-demo-'));

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    demo = await seedDemo({ databaseUrl: t.url, serverSecret, stateDir, kdf });
  });
  afterAll(async () => {
    await t?.drop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('is clearly marked as a demo and has a coordinator and a reviewer', async () => {
    const organisation = await t.db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
    expect(organisation.isDemo).toBe(true);
    expect(organisation.name).toMatch(/DEMO/);
    expect(demo.accounts.map((a) => a.role).sort()).toEqual(['coordinator', 'reviewer']);
  });

  it('publishes a directory that verifies against the printed organisation key and lists both accounts', async () => {
    const stored = await t.db.reviewerDirectory.findFirstOrThrow({ include: { organisation: true } });
    const pinned = await decodeOrganisationPublicKey(demo.organisationPublicKey);
    const directory = await verifyDirectory({
      signed: { v: 1, body: stored.body, signingKey: demo.organisationPublicKey, signature: Buffer.from(stored.signature).toString('base64url') },
      pinnedKeys: [pinned],
      now: new Date(),
    });
    expect(directory.reviewers).toHaveLength(2);
  });

  it('lets each account unlock its keys with its password only, and stores nothing in the clear', async () => {
    for (const account of demo.accounts) {
      const row = await t.db.reviewer.findFirstOrThrow({ where: { login: account.login } });
      const { authKey, wrapKey } = await deriveReviewerPasswordKeys({
        password: account.password,
        salt: row.passwordSalt,
        params: { opsLimit: row.kdfOpsLimit, memLimit: row.kdfMemLimit },
      });
      expect(await hashServerToken({ serverSecret: await decodeServerSecret(serverSecret), token: authKey, purpose: 'auth-key' })).toBe(row.authKeyHash);
      const keys = await unwrapReviewerKeys({ reviewerId: row.id, wrapped: JSON.parse(row.wrappedSecretKeys!), wrapKey });
      expect(Buffer.from(keys.xwing.publicKey).equals(Buffer.from(row.xwingPublicKey!))).toBe(true);

      const wrong = await deriveReviewerPasswordKeys({ password: `${account.password}x`, salt: row.passwordSalt, params: { opsLimit: row.kdfOpsLimit, memLimit: row.kdfMemLimit } });
      await expect(unwrapReviewerKeys({ reviewerId: row.id, wrapped: JSON.parse(row.wrappedSecretKeys!), wrapKey: wrong.wrapKey })).rejects.toThrow();

      expect(new TextDecoder().decode(openAtRest(serverSecret, 'totp-at-rest', row.totpSecretSealed!, row.id))).toBe(account.totpSecret);
      const rowText = JSON.stringify(row, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
      expect(rowText).not.toContain(account.password);
      expect(rowText).not.toContain(account.totpSecret);
    }
  });

  it('gives every account the team key of epoch 1', async () => {
    const stored = await t.db.reviewerDirectory.findFirstOrThrow();
    const directory = await verifyDirectory({
      signed: { v: 1, body: stored.body, signingKey: demo.organisationPublicKey, signature: Buffer.from(stored.signature).toString('base64url') },
      pinnedKeys: [await decodeOrganisationPublicKey(demo.organisationPublicKey)],
      now: new Date(),
    });
    for (const account of demo.accounts) {
      const row = await t.db.reviewer.findFirstOrThrow({ where: { login: account.login } });
      const { wrapKey } = await deriveReviewerPasswordKeys({ password: account.password, salt: row.passwordSalt, params: { opsLimit: row.kdfOpsLimit, memLimit: row.kdfMemLimit } });
      const keys = await unwrapReviewerKeys({ reviewerId: row.id, wrapped: JSON.parse(row.wrappedSecretKeys!), wrapKey });
      const envelope = await t.db.teamKeyEnvelope.findFirstOrThrow({ where: { reviewerId: row.id } });
      const teamKey = await openTeamKey({ envelope: JSON.parse(envelope.envelope), directory, reviewerId: row.id, keys });
      expect(teamKey.epoch).toBe(1);
    }
  });

  it('prints the same credentials when run again, without creating anything new', async () => {
    const again = await seedDemo({ databaseUrl: t.url, serverSecret, stateDir, kdf });
    expect(again.created).toBe(false);
    expect(again.accounts).toEqual(demo.accounts);
    expect(await t.db.reviewer.count()).toBe(2);
    expect(fs.statSync(path.join(stateDir, 'demo-state.json')).mode & 0o077).toBe(0);
  });
});
