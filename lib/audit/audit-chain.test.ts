import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testProviders, type TTestDatabase } from '@/lib/db/test-database';
import { randomSecret } from '@/lib/demo/seed-demo';
import { newId } from '@/lib/ids';
import { appendAuditEvent, auditHash, verifyAuditChain } from './audit-chain';

describe.each(testProviders())('the audit chain on %s', (provider) => {
  let t: TTestDatabase;
  const serverSecret = randomSecret();

  beforeAll(async () => {
    t = await createTestDatabase(provider);
  });
  afterAll(async () => {
    await t?.drop();
  });

  async function organisationWithEvents(count: number): Promise<string> {
    const organisationId = newId();
    await t.db.organisation.create({
      data: { id: organisationId, slug: `o-${organisationId.slice(0, 8).toLowerCase()}`, name: 'Test', signingPublicKey: new Uint8Array(32), createdDay: '2026-11-21' },
    });
    for (let i = 0; i < count; i += 1) {
      await t.db.$transaction((tx) =>
        appendAuditEvent(tx, { serverSecret, organisationId, actorId: `actor-${i % 2}`, action: 'report.open', subject: `report-${i}` }),
      );
    }
    return organisationId;
  }

  it('links every entry to the previous one and verifies from the first entry', async () => {
    const organisationId = await organisationWithEvents(5);
    const rows = await t.db.auditEvent.findMany({ where: { organisationId }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(rows.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.day))).toBe(true);
    expect(await verifyAuditChain(t.db, { serverSecret, organisationId })).toEqual({ ok: true, count: 5, head: rows[4]!.hash });
  });

  it('keeps every entry of staff actions that happen at the same moment, in one unbroken chain', async () => {
    const organisationId = await organisationWithEvents(0);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        t.db.$transaction((tx) => appendAuditEvent(tx, { serverSecret, organisationId, actorId: `actor-${i}`, action: 'auth.login' })),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const rows = await t.db.auditEvent.findMany({ where: { organisationId }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => r.actorId).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `actor-${i}`).sort());
    expect(await verifyAuditChain(t.db, { serverSecret, organisationId })).toMatchObject({ ok: true, count: 12 });
  });

  it('detects an entry modified in the database', async () => {
    const organisationId = await organisationWithEvents(5);
    await t.db.auditEvent.updateMany({ where: { organisationId, seq: 3 }, data: { subject: 'report-other' } });
    expect(await verifyAuditChain(t.db, { serverSecret, organisationId })).toMatchObject({ ok: false, brokenAtSeq: 3, reason: 'hash_mismatch' });
  });

  it('detects an entry deleted from the middle of the chain', async () => {
    const organisationId = await organisationWithEvents(5);
    await t.db.auditEvent.deleteMany({ where: { organisationId, seq: 2 } });
    expect(await verifyAuditChain(t.db, { serverSecret, organisationId })).toMatchObject({ ok: false, brokenAtSeq: 2, reason: 'missing_entry' });
  });

  it('detects a deletion papered over by renumbering, and a chain re-computed without the server secret', async () => {
    const organisationId = await organisationWithEvents(4);
    await t.db.auditEvent.deleteMany({ where: { organisationId, seq: 2 } });
    for (const seq of [3, 4]) await t.db.auditEvent.updateMany({ where: { organisationId, seq }, data: { seq: seq - 1 } });
    expect(await verifyAuditChain(t.db, { serverSecret, organisationId })).toMatchObject({ ok: false, brokenAtSeq: 2 });

    // An intruder with the database but not the secret re-chains every row with a key of their own.
    const forgedId = await organisationWithEvents(3);
    const rows = await t.db.auditEvent.findMany({ where: { organisationId: forgedId }, orderBy: { seq: 'asc' } });
    let prevHash = '0'.repeat(64);
    for (const row of rows) {
      const fields = { ...row, actorId: 'someone-else', prevHash };
      const hash = auditHash(randomSecret(), fields);
      await t.db.auditEvent.update({ where: { id: row.id }, data: { actorId: fields.actorId, prevHash, hash } });
      prevHash = hash;
    }
    expect(await verifyAuditChain(t.db, { serverSecret, organisationId: forgedId })).toMatchObject({ ok: false, brokenAtSeq: 1, reason: 'hash_mismatch' });
  });

  it('rolls the audit entry back with the action when the action fails', async () => {
    const organisationId = await organisationWithEvents(1);
    await expect(
      t.db.$transaction(async (tx) => {
        await appendAuditEvent(tx, { serverSecret, organisationId, actorId: 'a', action: 'report.triage', subject: 'r' });
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await t.db.auditEvent.count({ where: { organisationId } })).toBe(1);
  });
});
