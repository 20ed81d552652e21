import { describe, expect, it } from 'vitest';

import { canonicalJson } from './canonical-json';
import { signDirectory, signDirectoryWithout, verifyDirectory, type TSignedDirectory } from './directory';
import { createOrganisationKey, exportOrganisationKeyBackup, importOrganisationKeyBackup } from './organisation-key';
import { createReviewerKeys } from './reviewer-keys';
import { fingerprintPublicKey } from './fingerprint';
import { createWorld, DAY, entryOf, NOW } from './test-fixtures';

describe('signed reviewer directory', () => {
  it('verifies a directory signed by a pinned key and returns its entries', async () => {
    const world = await createWorld();
    expect(world.directory.serial).toBe(7);
    expect(world.directory.reviewers.map((e) => e.id)).toEqual(['alice', 'bob', 'carol', 'dana']);
    expect(world.directory.reviewers[0]?.xwingPublicKey.length).toBe(1216);
    const body = JSON.parse(world.directory.signed.body) as { reviewers: unknown[] };
    expect(canonicalJson(body)).toBe(world.directory.signed.body);
  });

  it('refuses a bad signature', async () => {
    const world = await createWorld();
    const signed = { ...world.directory.signed };
    const sig = Buffer.from(signed.signature, 'base64url');
    sig[10] = (sig[10] ?? 0) ^ 1;
    signed.signature = sig.toString('base64url');
    await expect(verifyDirectory({ signed, pinnedKeys: [world.org.publicKey], now: NOW })).rejects.toMatchObject({
      code: 'bad_signature',
    });
  });

  it('refuses a directory signed by a key that is not pinned', async () => {
    const world = await createWorld();
    const other = await createOrganisationKey();
    await expect(
      verifyDirectory({ signed: world.directory.signed, pinnedKeys: [other.publicKey], now: NOW }),
    ).rejects.toMatchObject({ code: 'unknown_key' });
    // An attacker signing with their own key and claiming it is the signer is still refused.
    const forged = await signDirectory({
      organisation: 'x',
      serial: 99,
      issuedAt: NOW,
      expiresAt: new Date(NOW.getTime() + DAY),
      teamEpoch: 1,
      reviewers: world.members.map(entryOf),
      organisationKey: other,
    });
    await expect(verifyDirectory({ signed: forged, pinnedKeys: [world.org.publicKey], now: NOW })).rejects.toMatchObject({
      code: 'unknown_key',
    });
    // … and relabelling the signer as the pinned key makes the signature fail.
    const relabelled = { ...forged, signingKey: world.directory.signed.signingKey };
    await expect(
      verifyDirectory({ signed: relabelled, pinnedKeys: [world.org.publicKey], now: NOW }),
    ).rejects.toMatchObject({ code: 'bad_signature' });
  });

  it('refuses an expired directory and one issued in the future', async () => {
    const world = await createWorld();
    const pinnedKeys = [world.org.publicKey];
    await expect(
      verifyDirectory({ signed: world.directory.signed, pinnedKeys, now: new Date(NOW.getTime() + 30 * DAY) }),
    ).rejects.toMatchObject({ code: 'expired' });
    await expect(
      verifyDirectory({ signed: world.directory.signed, pinnedKeys, now: new Date(NOW.getTime() - 2 * DAY) }),
    ).rejects.toMatchObject({ code: 'not_yet_valid' });
  });

  it('refuses a rolled-back serial but accepts the same or a newer one', async () => {
    const world = await createWorld();
    const pinnedKeys = [world.org.publicKey];
    const signed = world.directory.signed;
    await expect(verifyDirectory({ signed, pinnedKeys, now: NOW, lastSeenSerial: 8 })).rejects.toMatchObject({
      code: 'rollback',
    });
    await expect(verifyDirectory({ signed, pinnedKeys, now: NOW, lastSeenSerial: 7 })).resolves.toBeTruthy();
    await expect(verifyDirectory({ signed, pinnedKeys, now: NOW, lastSeenSerial: 1 })).resolves.toBeTruthy();
  });

  it('refuses duplicate reviewers and duplicate keys, even when validly signed', async () => {
    const world = await createWorld();
    const alice = world.member('alice');
    const base = {
      organisation: 'Qorgau test',
      serial: 8,
      issuedAt: NOW,
      expiresAt: new Date(NOW.getTime() + DAY),
      teamEpoch: 1,
      organisationKey: world.org,
    };
    await expect(
      signDirectory({ ...base, reviewers: [entryOf(alice), { ...entryOf(alice), role: 'coordinator' }] }),
    ).rejects.toMatchObject({ code: 'duplicate' });
    const other = await createReviewerKeys();
    await expect(
      signDirectory({
        ...base,
        reviewers: [entryOf(alice), { ...entryOf(alice), id: 'mallory', signingPublicKey: other.signing.publicKey }],
      }),
    ).rejects.toMatchObject({ code: 'duplicate' });
    // One id listed twice with two different key sets: a reporter would seal to both, one of them perhaps not the
    // reviewer's own. Refused on the id alone, not only because a key repeats.
    const second = await createReviewerKeys();
    const twice = { ...entryOf(alice), xwingPublicKey: second.xwing.publicKey, signingPublicKey: second.signing.publicKey };
    await expect(signDirectory({ ...base, reviewers: [entryOf(alice), twice] })).rejects.toMatchObject({ code: 'duplicate' });
    // Build signed duplicates by hand (a careless admin tool) and check the verifier refuses them too.
    const { s } = world;
    const { frame } = await import('./bytes');
    const signedWith = (body: unknown): TSignedDirectory => {
      const text = canonicalJson(body);
      const signature = s.crypto_sign_detached(frame('qorgau/v1/directory', [new TextEncoder().encode(text)]), world.org.secretKey);
      return { ...world.directory.signed, body: text, signature: Buffer.from(signature).toString('base64url') };
    };
    const body = JSON.parse(world.directory.signed.body) as { reviewers: Record<string, unknown>[]; serial: number };
    const sameEntry = structuredClone(body);
    sameEntry.reviewers.push(sameEntry.reviewers[0]!);
    const sameIdOtherKeys = structuredClone(body);
    sameIdOtherKeys.reviewers.push({
      ...sameIdOtherKeys.reviewers[0]!,
      xwingPublicKey: Buffer.from(second.xwing.publicKey).toString('base64url'),
      signingPublicKey: Buffer.from(second.signing.publicKey).toString('base64url'),
    });
    for (const duplicated of [sameEntry, sameIdOtherKeys]) {
      await expect(verifyDirectory({ signed: signedWith(duplicated), pinnedKeys: [world.org.publicKey], now: NOW })).rejects.toMatchObject({
        code: 'duplicate',
      });
    }
  });

  it('refuses a key injected into the stored directory', async () => {
    const world = await createWorld();
    const mallory = await createReviewerKeys();
    const body = JSON.parse(world.directory.signed.body) as { reviewers: { xwingPublicKey: string }[] };
    const injected = Buffer.from(mallory.xwing.publicKey).toString('base64url');
    // Replace bob's receiving key by the attacker's (database compromise) …
    const replaced = structuredClone(body);
    if (replaced.reviewers[1]) replaced.reviewers[1].xwingPublicKey = injected;
    // … or add an attacker entry.
    const added = structuredClone(body);
    added.reviewers.push({ ...structuredClone(body.reviewers[1]!), xwingPublicKey: injected, id: 'mallory' } as never);
    for (const tampered of [replaced, added]) {
      const signed = { ...world.directory.signed, body: canonicalJson(tampered) };
      await expect(verifyDirectory({ signed, pinnedKeys: [world.org.publicKey], now: NOW })).rejects.toMatchObject({
        code: 'bad_signature',
      });
    }
  });

  it('refuses a non-canonical body even with a valid signature over it', async () => {
    const world = await createWorld();
    const text = ` ${world.directory.signed.body}`;
    const { frame } = await import('./bytes');
    const signature = world.s.crypto_sign_detached(frame('qorgau/v1/directory', [new TextEncoder().encode(text)]), world.org.secretKey);
    const signed = { ...world.directory.signed, body: text, signature: Buffer.from(signature).toString('base64url') };
    await expect(verifyDirectory({ signed, pinnedKeys: [world.org.publicKey], now: NOW })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('refuses malformed stored directories with invalid_input', async () => {
    const world = await createWorld();
    for (const signed of [null, 'x', { ...world.directory.signed, v: 2 }, { ...world.directory.signed, extra: 1 }]) {
      await expect(verifyDirectory({ signed, pinnedKeys: [world.org.publicKey], now: NOW })).rejects.toMatchObject({
        code: 'invalid_input',
      });
    }
  });

  it('revocation produces serial + 1 and team epoch + 1 without the reviewer', async () => {
    const world = await createWorld();
    const next = await signDirectoryWithout({
      previous: world.directory,
      reviewerId: 'bob',
      organisationKey: world.org,
      issuedAt: NOW,
      expiresAt: new Date(NOW.getTime() + DAY),
    });
    const verified = await verifyDirectory({ signed: next, pinnedKeys: [world.org.publicKey], now: NOW, lastSeenSerial: 7 });
    expect(verified.serial).toBe(8);
    expect(verified.teamEpoch).toBe(2);
    expect(verified.reviewers.map((e) => e.id)).toEqual(['alice', 'carol', 'dana']);
    // The old directory is now a rollback for this client.
    await expect(
      verifyDirectory({ signed: world.directory.signed, pinnedKeys: [world.org.publicKey], now: NOW, lastSeenSerial: 8 }),
    ).rejects.toMatchObject({ code: 'rollback' });
  });

  it('gives stable, distinct, human-comparable fingerprints and restores the organisation key from its backup', async () => {
    const world = await createWorld();
    const fp = await fingerprintPublicKey('organisation', world.org.publicKey);
    expect(fp).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(await fingerprintPublicKey('organisation', world.org.publicKey)).toBe(fp);
    expect(await fingerprintPublicKey('signing', world.org.publicKey)).not.toBe(fp);
    const backup = await exportOrganisationKeyBackup(world.org);
    expect(backup).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{1,4}){12}$/);
    const restored = await importOrganisationKeyBackup(backup.toLowerCase());
    expect(Buffer.from(restored.publicKey).equals(Buffer.from(world.org.publicKey))).toBe(true);
  });
});
