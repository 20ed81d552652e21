import { describe, expect, it } from 'vitest';

import { signDirectoryWithout, verifyDirectory } from './directory';
import { createTeamKey, openTeamKey, sealTeamKeyForReviewers } from './team-key';
import { openTeamRecord, openTeamRecords, sealTeamRecord } from './team-record';
import { createWorld, flipBit, NOW, DAY } from './test-fixtures';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));

describe('team key epochs', () => {
  it('a coordinator seals the epoch key to every member; each opens it and reads the records', async () => {
    const world = await createWorld();
    const carol = world.member('carol');
    const teamKey = await createTeamKey(world.directory.teamEpoch);
    const envelopes = await sealTeamKeyForReviewers({ teamKey, directory: world.directory, granterId: 'carol', granterKeys: carol.keys });
    expect(envelopes.map((e) => e.reviewerId)).toEqual(['alice', 'bob', 'carol', 'dana']);
    const record = await sealTeamRecord({ teamKey, recordId: 'rec1', kind: 'triage', data: { categories: ['Police and law enforcement'], verified: true } });
    for (const member of world.members) {
      const envelope = envelopes.find((e) => e.reviewerId === member.id);
      const key = await openTeamKey({ envelope, directory: world.directory, reviewerId: member.id, keys: member.keys });
      expect(b64(key.key)).toBe(b64(teamKey.key));
      const opened = await openTeamRecord({ teamKeys: [key], record, expectedKind: 'triage' });
      expect(opened.data).toEqual({ categories: ['Police and law enforcement'], verified: true });
    }
  });

  it('refuses team keys not signed by a current coordinator, forged, misdirected or from the future', async () => {
    const world = await createWorld();
    const alice = world.member('alice');
    const carol = world.member('carol');
    const teamKey = await createTeamKey(1);
    await expect(sealTeamKeyForReviewers({ teamKey, directory: world.directory, granterId: 'alice', granterKeys: alice.keys })).rejects.toMatchObject({ code: 'unknown_key' });
    const [forAlice] = await sealTeamKeyForReviewers({ teamKey, directory: world.directory, granterId: 'carol', granterKeys: carol.keys, reviewerIds: ['alice'] });
    const env = forAlice!;
    const open = (envelope: unknown) => openTeamKey({ envelope, directory: world.directory, reviewerId: 'alice', keys: alice.keys });
    await expect(open({ ...env, signature: b64(flipBit(unb64(env.signature), 0)) })).rejects.toMatchObject({ code: 'bad_signature' });
    await expect(open({ ...env, granterId: 'bob' })).rejects.toMatchObject({ code: 'unknown_key' });
    await expect(open({ ...env, reviewerId: 'bob' })).rejects.toMatchObject({ code: 'unknown_key' });
    await expect(open({ ...env, epoch: 2 })).rejects.toMatchObject({ code: 'invalid_input' });
    const wrapped = unb64(env.wrappedKey);
    for (let bit = 0; bit < wrapped.length * 8; bit += 5) {
      // The signature covers the wrapped key, so any flip is caught there first.
      await expect(open({ ...env, wrappedKey: b64(flipBit(wrapped, bit)) })).rejects.toMatchObject({ code: 'bad_signature' });
    }
    // A server that wraps its own key to Alice cannot sign it as Carol.
    const bob = world.member('bob');
    await expect(openTeamKey({ envelope: env, directory: world.directory, reviewerId: 'bob', keys: bob.keys })).rejects.toMatchObject({ code: 'unknown_key' });
  });

  it('rotation on revocation: the revoked reviewer gets no envelope for the new epoch and cannot read new records', async () => {
    const world = await createWorld();
    const carol = world.member('carol');
    const oldKey = await createTeamKey(1);
    const oldRecord = await sealTeamRecord({ teamKey: oldKey, recordId: 'old', kind: 'note', data: 'before' });
    const signed = await signDirectoryWithout({ previous: world.directory, reviewerId: 'bob', organisationKey: world.org, issuedAt: NOW, expiresAt: new Date(NOW.getTime() + DAY) });
    const next = await verifyDirectory({ signed, pinnedKeys: [world.org.publicKey], now: NOW, lastSeenSerial: world.directory.serial });
    const newKey = await createTeamKey(next.teamEpoch);
    const envelopes = await sealTeamKeyForReviewers({ teamKey: newKey, directory: next, granterId: 'carol', granterKeys: carol.keys });
    expect(envelopes.map((e) => e.reviewerId)).not.toContain('bob');
    await expect(sealTeamKeyForReviewers({ teamKey: newKey, directory: next, granterId: 'carol', granterKeys: carol.keys, reviewerIds: ['bob'] })).rejects.toMatchObject({ code: 'unknown_key' });
    const newRecord = await sealTeamRecord({ teamKey: newKey, recordId: 'new', kind: 'note', data: 'after' });
    // Bob still holds epoch 1 (unavoidable) but not epoch 2.
    await expect(openTeamRecord({ teamKeys: [oldKey], record: newRecord })).rejects.toMatchObject({ code: 'unknown_key' });
    const aliceKey = await openTeamKey({ envelope: envelopes[0], directory: next, reviewerId: 'alice', keys: world.member('alice').keys });
    const results = await openTeamRecords({ teamKeys: [oldKey, aliceKey], records: [oldRecord, newRecord] });
    expect(results.map((r) => r.ok && r.data)).toEqual(['before', 'after']);
  });

  it('records are bound to their id, epoch and kind; every flipped bit of a small record fails', async () => {
    const teamKey = await createTeamKey(3);
    const record = await sealTeamRecord({ teamKey, recordId: 'rec1', kind: 'triage', data: { a: 1 } });
    expect(unb64(record.ciphertext).length).toBe(24 + 256 + 16);
    const ct = unb64(record.ciphertext);
    for (let bit = 0; bit < ct.length * 8; bit += 1) {
      await expect(openTeamRecord({ teamKeys: [teamKey], record: { ...record, ciphertext: b64(flipBit(ct, bit)) } })).rejects.toMatchObject({ code: 'decrypt_failed' });
    }
    await expect(openTeamRecord({ teamKeys: [teamKey], record: { ...record, recordId: 'rec2' } })).rejects.toMatchObject({ code: 'decrypt_failed' });
    await expect(openTeamRecord({ teamKeys: [teamKey], record: { ...record, kind: 'summary' } })).rejects.toMatchObject({ code: 'decrypt_failed' });
    await expect(openTeamRecord({ teamKeys: [teamKey, { ...teamKey, epoch: 4 }], record: { ...record, epoch: 4 } })).rejects.toMatchObject({ code: 'decrypt_failed' });
    await expect(openTeamRecord({ teamKeys: [teamKey], record, expectedKind: 'note' })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('openTeamRecords reports each damaged record without returning its plaintext, and opens the rest', async () => {
    const teamKey = await createTeamKey(1);
    const records = await Promise.all(Array.from({ length: 50 }, (_, i) => sealTeamRecord({ teamKey, recordId: `r${i}`, kind: 'triage', data: { i } })));
    const damaged = records.map((r, i) => (i === 7 ? { ...r, ciphertext: b64(flipBit(unb64(r.ciphertext), 200)) } : r));
    damaged.push({ nonsense: true } as never);
    const results = await openTeamRecords({ teamKeys: [teamKey], records: damaged });
    expect(results.filter((r) => r.ok)).toHaveLength(49);
    const failed = results.filter((r) => !r.ok);
    expect(failed).toMatchObject([
      { ok: false, index: 7, recordId: 'r7', error: { code: 'decrypt_failed' } },
      { ok: false, index: 50, error: { code: 'invalid_input' } },
    ]);
    expect(failed[0]).not.toHaveProperty('data');
  });
});
