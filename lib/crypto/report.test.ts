import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { aeadSeal } from './aead';
import { frame } from './bytes';
import { BUCKETS, TAG } from './domain';
import { grantReportAccess } from './grant';
import { kemWrap } from './kem-wrap';
import { reportKeyCommitment } from './report-key';
import { openReportAsReporter, openReportAsReviewer, openReportBody, sealReport, type TReportEnvelope } from './report';
import { createReceipt, deriveReporterKeysWith } from './receipt';
import { createWorld, CHEAP_KDF, flipBit } from './test-fixtures';
import type { ReportDataKey } from './types';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));
const REPORT_ID = 'r_0123456789abcdefABCD';
const OTHER_ID = 'r_zyxwvutsrqponmlkjiXY';

describe('report envelope', () => {
  it('round-trips for every reviewer and coordinator and for the reporter, never for the analyst', async () => {
    const world = await createWorld();
    const report = { narrative: 'Полиция задержала. Қорқытты. Police — canary ✓', year: 2026, harms: ['physical'] };
    const { envelope } = await sealReport({ reportId: REPORT_ID, report, directory: world.directory, reporter: world.reporter });
    expect(envelope.recipients.map((r) => r.reviewerId)).toEqual(['alice', 'bob', 'carol']);
    for (const id of ['alice', 'bob', 'carol']) {
      const opened = await openReportAsReviewer({ envelope, reviewerId: id, keys: world.member(id).keys });
      expect(opened.report).toEqual(report);
      expect(b64(opened.reporterSigningKey)).toBe(b64(world.reporter.signing.publicKey));
    }
    await expect(openReportAsReviewer({ envelope, reviewerId: 'dana', keys: world.member('dana').keys })).rejects.toMatchObject({ code: 'unknown_key' });
    const mine = await openReportAsReporter({ envelope, reporter: world.reporter });
    expect(mine.report).toEqual(report);
    const serialised = JSON.stringify(envelope);
    for (const needle of ['Полиция', 'canary', 'Қорқытты', b64(new TextEncoder().encode('canary'))]) {
      expect(serialised).not.toContain(needle);
    }
  });

  it('round-trips arbitrary JSON and pads to buckets (fast-check, including bucket edges and empty strings)', async () => {
    const world = await createWorld();
    const overhead = JSON.stringify({ v: 1, reporterSigningKey: b64(world.reporter.signing.publicKey), report: '' }).length;
    // Strings sized so that the padded plaintext lands exactly at and either side of bucket boundaries.
    const edges = [0, 1024 - overhead - 2, 1024 - overhead - 1, 1024 - overhead, 4096 - overhead - 1, 4096 - overhead];
    const values: unknown[] = edges.map((n) => 'x'.repeat(Math.max(0, n)));
    values.push(...fc.sample(fc.jsonValue({ maxDepth: 3 }), 25));
    for (const value of values) {
      const report = JSON.parse(JSON.stringify(value ?? null)) as never;
      const { envelope } = await sealReport({ reportId: REPORT_ID, report, directory: world.directory, reporter: world.reporter });
      const bodyLength = unb64(envelope.body).length - 24 - 16;
      expect(bodyLength & (bodyLength - 1)).toBe(0);
      expect(bodyLength).toBeGreaterThanOrEqual(BUCKETS.reportBody.min);
      const opened = await openReportAsReviewer({ envelope, reviewerId: 'alice', keys: world.member('alice').keys });
      expect(opened.report).toEqual(report);
    }
    const tooBig = 'x'.repeat(BUCKETS.reportBody.max);
    await expect(sealReport({ reportId: REPORT_ID, report: tooBig, directory: world.directory, reporter: world.reporter })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('fails with a typed error for every flipped bit of the body nonce, tag, commitment and wrapped keys', async () => {
    const world = await createWorld();
    const { envelope } = await sealReport({ reportId: REPORT_ID, report: 'hi', directory: world.directory, reporter: world.reporter });
    const alice = world.member('alice');
    const open = (e: TReportEnvelope) => openReportAsReviewer({ envelope: e, reviewerId: 'alice', keys: alice.keys });
    const body = unb64(envelope.body);
    const bodyBits = [...Array(24 * 8).keys(), ...Array.from({ length: 16 * 8 }, (_, i) => (body.length - 16) * 8 + i), 24 * 8 + 3, 500 * 8 + 1];
    for (const bit of bodyBits) {
      await expect(open({ ...envelope, body: b64(flipBit(body, bit)) })).rejects.toMatchObject({ code: 'decrypt_failed' });
    }
    const commitment = unb64(envelope.commitment);
    for (let bit = 0; bit < commitment.length * 8; bit += 1) {
      await expect(open({ ...envelope, commitment: b64(flipBit(commitment, bit)) })).rejects.toMatchObject({ code: 'decrypt_failed' });
    }
    const recipient = envelope.recipients[0]!;
    const wrapped = unb64(recipient.wrappedKey);
    for (let bit = 0; bit < wrapped.length * 8; bit += 1) {
      const recipients = [{ ...recipient, wrappedKey: b64(flipBit(wrapped, bit)) }, ...envelope.recipients.slice(1)];
      await expect(open({ ...envelope, recipients })).rejects.toMatchObject({ code: 'decrypt_failed' });
    }
    const kem = unb64(recipient.kemCiphertext);
    for (const bit of [0, 7, 8 * 32 - 1, 8 * 32, 8 * 600 + 5, kem.length * 8 - 1]) {
      const recipients = [{ ...recipient, kemCiphertext: b64(flipBit(kem, bit)) }, ...envelope.recipients.slice(1)];
      await expect(open({ ...envelope, recipients })).rejects.toMatchObject({ code: 'decrypt_failed' });
    }
    await expect(open({ ...envelope, directorySerial: envelope.directorySerial + 1 })).rejects.toMatchObject({ code: 'decrypt_failed' });
    const reporterWrapped = unb64(envelope.reporterWrappedKey);
    for (let bit = 0; bit < reporterWrapped.length * 8; bit += 1) {
      await expect(openReportAsReporter({ envelope: { ...envelope, reporterWrappedKey: b64(flipBit(reporterWrapped, bit)) }, reporter: world.reporter })).rejects.toMatchObject({ code: 'decrypt_failed' });
    }
  });

  it('refuses an envelope moved to another report id, and recipient entries swapped between reviewers', async () => {
    const world = await createWorld();
    const { envelope } = await sealReport({ reportId: REPORT_ID, report: 'a', directory: world.directory, reporter: world.reporter });
    const alice = world.member('alice');
    await expect(openReportAsReviewer({ envelope: { ...envelope, reportId: OTHER_ID }, reviewerId: 'alice', keys: alice.keys })).rejects.toMatchObject({ code: 'decrypt_failed' });
    await expect(openReportAsReporter({ envelope: { ...envelope, reportId: OTHER_ID }, reporter: world.reporter })).rejects.toMatchObject({ code: 'decrypt_failed' });
    // Body of report B under header of report A.
    const other = await sealReport({ reportId: OTHER_ID, report: 'b', directory: world.directory, reporter: world.reporter });
    await expect(openReportAsReviewer({ envelope: { ...envelope, body: other.envelope.body }, reviewerId: 'alice', keys: alice.keys })).rejects.toMatchObject({ code: 'decrypt_failed' });
    // The body's associated data binds the report id on its own, not only through the key commitment: someone who
    // knows the data key (the reporter) and recomputes the commitment for another id still cannot move the body.
    const opened = await openReportAsReviewer({ envelope, reviewerId: 'alice', keys: alice.keys });
    const recommitted = { ...envelope, reportId: OTHER_ID, commitment: b64(reportKeyCommitment(world.s, opened.dataKey, OTHER_ID)) };
    expect(() => openReportBody(world.s, recommitted, opened.dataKey)).toThrow(expect.objectContaining({ code: 'decrypt_failed' }));
    expect(openReportBody(world.s, envelope, opened.dataKey).report).toBe('a');
    // Bob's entry relabelled as Alice's.
    const bobEntry = envelope.recipients.find((r) => r.reviewerId === 'bob')!;
    const recipients = [{ ...bobEntry, reviewerId: 'alice' }];
    await expect(openReportAsReviewer({ envelope: { ...envelope, recipients }, reviewerId: 'alice', keys: alice.keys })).rejects.toMatchObject({ code: 'decrypt_failed' });
    // Another receipt cannot open it.
    const stranger = deriveReporterKeysWith(world.s, await createReceipt(), CHEAP_KDF);
    await expect(openReportAsReporter({ envelope, reporter: stranger })).rejects.toMatchObject({ code: 'decrypt_failed' });
  });

  it('key commitment: a reporter cannot give one reviewer a different key', async () => {
    const world = await createWorld();
    const { s } = world;
    const { envelope } = await sealReport({ reportId: REPORT_ID, report: 'real', directory: world.directory, reporter: world.reporter });
    // A malicious reporter wraps a second key K2 for bob (with a valid wrap under the published commitment).
    const k2 = s.randombytes_buf(32) as ReportDataKey;
    const commitment = unb64(envelope.commitment);
    const bob = world.member('bob');
    const wrapped = kemWrap(s, { adTag: TAG.reportKeyWrap, adFields: [REPORT_ID, 'bob', commitment], recipientPublicKey: bob.keys.xwing.publicKey, key: k2, random: (n) => s.randombytes_buf(n) });
    const recipients = envelope.recipients.map((r) => (r.reviewerId === 'bob' ? { reviewerId: 'bob', kemCiphertext: b64(wrapped.kemCiphertext), wrappedKey: b64(wrapped.wrappedKey) } : r));
    await expect(openReportAsReviewer({ envelope: { ...envelope, recipients }, reviewerId: 'bob', keys: bob.keys })).rejects.toMatchObject({ code: 'key_commitment_mismatch' });
    // And a body under K2 with K2's commitment cannot be paired with the K1 wraps.
    const c2 = reportKeyCommitment(s, k2, REPORT_ID);
    const fakeBody = aeadSeal(s, k2, new Uint8Array(1024), frame(TAG.reportBody, [REPORT_ID, envelope.directorySerial, c2]), (n) => s.randombytes_buf(n));
    await expect(openReportAsReviewer({ envelope: { ...envelope, commitment: b64(c2), body: b64(fakeBody) }, reviewerId: 'alice', keys: world.member('alice').keys })).rejects.toMatchObject({ code: 'decrypt_failed' });
  });

  it('refuses malformed envelopes with invalid_input', async () => {
    const world = await createWorld();
    const { envelope } = await sealReport({ reportId: REPORT_ID, report: 1, directory: world.directory, reporter: world.reporter });
    for (const bad of [null, {}, { ...envelope, v: 2 }, { ...envelope, reportId: 'short' }, { ...envelope, body: '***' }, { ...envelope, extra: true }]) {
      await expect(openReportAsReviewer({ envelope: bad, reviewerId: 'alice', keys: world.member('alice').keys })).rejects.toMatchObject({ code: 'invalid_input' });
    }
  });
});

describe('granting', () => {
  it('a coordinator re-wraps a data key to a new reviewer, who opens it through the signed grant', async () => {
    const world = await createWorld();
    const { envelope } = await sealReport({ reportId: REPORT_ID, report: { x: 1 }, directory: world.directory, reporter: world.reporter });
    const carol = world.member('carol');
    const opened = await openReportAsReviewer({ envelope, reviewerId: 'carol', keys: carol.keys });
    // "bob" is vetted later: simulate by removing him from the envelope's recipients.
    const withoutBob = { ...envelope, recipients: envelope.recipients.filter((r) => r.reviewerId !== 'bob') };
    const bob = world.member('bob');
    await expect(openReportAsReviewer({ envelope: withoutBob, reviewerId: 'bob', keys: bob.keys })).rejects.toMatchObject({ code: 'unknown_key' });
    const grant = await grantReportAccess({ opened, commitment: envelope.commitment, directory: world.directory, reviewerId: 'bob', granterId: 'carol', granterKeys: carol.keys });
    const viaGrant = await openReportAsReviewer({ envelope: withoutBob, reviewerId: 'bob', keys: bob.keys, grant, directory: world.directory });
    expect(viaGrant.report).toEqual({ x: 1 });

    // Forged or misdirected grants fail.
    const sig = unb64(grant.signature);
    await expect(openReportAsReviewer({ envelope: withoutBob, reviewerId: 'bob', keys: bob.keys, grant: { ...grant, signature: b64(flipBit(sig, 3)) }, directory: world.directory })).rejects.toMatchObject({ code: 'bad_signature' });
    await expect(openReportAsReviewer({ envelope: withoutBob, reviewerId: 'bob', keys: bob.keys, grant: { ...grant, granterId: 'alice' }, directory: world.directory })).rejects.toMatchObject({ code: 'unknown_key' });
    await expect(openReportAsReviewer({ envelope: { ...withoutBob, reportId: OTHER_ID }, reviewerId: 'bob', keys: bob.keys, grant, directory: world.directory })).rejects.toMatchObject({ code: 'unknown_key' });
    await expect(openReportAsReviewer({ envelope: withoutBob, reviewerId: 'bob', keys: bob.keys, grant: { ...grant, directorySerial: 6 }, directory: world.directory })).rejects.toMatchObject({ code: 'bad_signature' });
  });

  it('only coordinators grant, and only to report readers in the directory', async () => {
    const world = await createWorld();
    const { envelope } = await sealReport({ reportId: REPORT_ID, report: 1, directory: world.directory, reporter: world.reporter });
    const alice = world.member('alice');
    const opened = await openReportAsReviewer({ envelope, reviewerId: 'alice', keys: alice.keys });
    await expect(grantReportAccess({ opened, commitment: envelope.commitment, directory: world.directory, reviewerId: 'bob', granterId: 'alice', granterKeys: alice.keys })).rejects.toMatchObject({ code: 'unknown_key' });
    const carol = world.member('carol');
    await expect(grantReportAccess({ opened, commitment: envelope.commitment, directory: world.directory, reviewerId: 'dana', granterId: 'carol', granterKeys: carol.keys })).rejects.toMatchObject({ code: 'unknown_key' });
    await expect(grantReportAccess({ opened, commitment: envelope.commitment, directory: world.directory, reviewerId: 'mallory', granterId: 'carol', granterKeys: carol.keys })).rejects.toMatchObject({ code: 'unknown_key' });
  });
});
