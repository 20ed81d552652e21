import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamKey, openTeamRecords, sealTeamRecord, type TeamKey } from '@/lib/crypto';
import type { TStaff } from '@/lib/auth/staff-auth';
import { createTestDatabase, testProviders, type TTestDatabase } from '@/lib/db/test-database';
import { newId } from '@/lib/ids';
import { listTriage, streamTriage } from './staff-data';
import { createTriageStreamDecoder, TriageStreamError, type TTriageStreamRow } from './triage-stream';

const day = '2026-11-01';

/** The same bytes with a different last character: one whose unused low bits are not zero. */
function strayBits(ciphertext: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const unused = ciphertext.length % 4 === 2 ? 4 : ciphertext.length % 4 === 3 ? 2 : 0;
  if (unused === 0) throw new Error('this ciphertext has no trailing bits to disturb');
  const last = alphabet.indexOf(ciphertext.at(-1)!);
  return ciphertext.slice(0, -1) + alphabet[last | 1]!;
}

/** Reads a whole stream through the decoder, as the browser does. */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<TTriageStreamRow[]> {
  const decoder = createTriageStreamDecoder();
  const rows: TTriageStreamRow[] = [];
  const reader = stream.getReader();
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    rows.push(...decoder.push(next.value));
  }
  expect(decoder.finish()).toBe(rows.length);
  return rows;
}

describe.each(testProviders())('the statistics stream on %s', (provider) => {
  let t: TTestDatabase;
  let teamKey: TeamKey;
  let staff: TStaff;
  const expected: { id: string; status: string; data: unknown }[] = [];
  const kept: { id: string; data: unknown }[] = [];
  let damagedId = '';
  const nonCanonicalIds: string[] = [];

  async function organisation(slug: string) {
    return t.db.organisation.create({ data: { id: newId(), slug, name: slug, signingPublicKey: new Uint8Array(32), createdDay: day } });
  }
  async function report(organisationId: string, options: { status: string; isComplete?: boolean }) {
    const id = randomBytes(16).toString('base64url');
    await t.db.report.create({
      data: { id, organisationId, directorySerial: 1, sealed: '{}', accessTokenHash: randomBytes(32).toString('base64url'), status: options.status, isComplete: options.isComplete ?? true, receivedDay: day, updatedDay: day },
    });
    return id;
  }
  async function triage(organisationId: string, recordId: string, reportId: string | null, data: unknown) {
    const sealed = await sealTeamRecord({ teamKey, recordId, kind: 'triage', data: data as never });
    await t.db.triageRecord.create({ data: { id: newId(), recordId, reportId, organisationId, epoch: teamKey.epoch, sealed: JSON.stringify(sealed), updatedDay: day } });
  }

  beforeAll(async () => {
    t = await createTestDatabase(provider);
    teamKey = await createTeamKey(1);
    const ours = await organisation('ours');
    const theirs = await organisation('theirs');
    staff = { organisationId: ours.id } as TStaff;
    for (let i = 0; i < 9; i += 1) {
      const status = ['verified', 'new', 'closed'][i % 3]!;
      const id = await report(ours.id, { status });
      const data = i % 3 === 1 ? null : { n: i };
      if (data) await triage(ours.id, id, id, data);
      expected.push({ id, status, data });
    }
    damagedId = await report(ours.id, { status: 'in_review' });
    await t.db.triageRecord.create({ data: { id: newId(), recordId: damagedId, reportId: damagedId, organisationId: ours.id, epoch: 1, sealed: '{"not":"a record"}', updatedDay: day } });
    expected.push({ id: damagedId, status: 'in_review', data: null });
    // Well-formed records whose ciphertext is not the canonical base64url text of its bytes (Node's decoder would
    // take each: another alphabet, padding, a character outside the alphabet, stray trailing bits) go out as none,
    // as lib/crypto's strict decoder would refuse them.
    for (const damage of [(c: string) => c.replace(/[-_]/, '+'), (c: string) => `${c}==`, (c: string) => `${c.slice(0, 10)}.${c.slice(10)}`, strayBits]) {
      const id = await report(ours.id, { status: 'verified' });
      const sealed = await sealTeamRecord({ teamKey, recordId: id, kind: 'triage', data: { damaged: true } });
      await t.db.triageRecord.create({ data: { id: newId(), recordId: id, reportId: id, organisationId: ours.id, epoch: teamKey.epoch, sealed: JSON.stringify({ ...sealed, ciphertext: damage(sealed.ciphertext) }), updatedDay: day } });
      nonCanonicalIds.push(id);
      expected.push({ id, status: 'verified', data: null });
    }
    await report(ours.id, { status: 'new', isComplete: false });
    // A report still uploading is not listed, even with a record (which the triage route never allows).
    const unfinished = await report(ours.id, { status: 'in_review', isComplete: false });
    await triage(ours.id, unfinished, unfinished, { unfinished: true });
    for (let i = 0; i < 4; i += 1) {
      const recordId = randomBytes(16).toString('base64url');
      await triage(ours.id, recordId, null, { kept: i });
      kept.push({ id: recordId, data: { kept: i } });
    }
    const foreign = await report(theirs.id, { status: 'verified' });
    await triage(theirs.id, foreign, foreign, { foreign: true });
    expected.sort((a, b) => (a.id < b.id ? -1 : 1));
  });
  afterAll(async () => {
    await t?.drop();
  });

  /** The order the stream promises: triage records by record id (kept ones as closed), then the reports without one. */
  async function expectedOrder(organisationId: string): Promise<[string, string][]> {
    const records = await t.db.triageRecord.findMany({
      where: { organisationId, OR: [{ reportId: null }, { report: { isComplete: true } }] },
      orderBy: { id: 'asc' },
      select: { recordId: true, reportId: true },
    });
    const byId = new Map(expected.map((e) => [e.id, e.status]));
    const withRecord = new Set([damagedId, ...nonCanonicalIds]);
    const untriaged = expected.filter((e) => e.data === null && !withRecord.has(e.id)).map((e): [string, string] => [e.id, e.status]);
    return [...records.map((r): [string, string] => [r.recordId, r.reportId ? byId.get(r.reportId)! : 'closed']), ...untriaged];
  }

  it('streams every triage record of the organisation (kept ones as closed), then every complete report without one, once each, across many small pages', async () => {
    const rows = await readAll(streamTriage(t.db, staff, { isStillAllowed: async () => true, pageSize: 3 }));
    expect(rows.map((r) => [r.id, r.status])).toEqual(await expectedOrder(staff.organisationId));
    expect(rows).toHaveLength(expected.length + kept.length);
    // A stored record that is not a team record goes out as none; the others open with the team key.
    expect(rows.find((r) => r.id === damagedId)!.triage).toBeNull();
    for (const id of nonCanonicalIds) expect(rows.find((r) => r.id === id)!.triage, id).toBeNull();
    const withRecord = rows.filter((r) => r.triage);
    const opened = await openTeamRecords({ teamKeys: [teamKey], records: withRecord.map((r) => r.triage), expectedKind: 'triage' });
    const data = new Map(withRecord.map((r, i) => [r.id, opened[i]!.ok ? opened[i]!.data : 'failed']));
    for (const e of expected) expect(data.get(e.id) ?? null, e.id).toEqual(e.data);
    for (const k of kept) expect(data.get(k.id)).toEqual(k.data);
  });

  it('gives the same rows page by page whatever the page size', async () => {
    for (const limit of [1, 4, 5000]) {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listTriage(t.db, staff, { cursor, limit });
        ids.push(...page.records.map((r) => r.reportId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(ids).toEqual((await expectedOrder(staff.organisationId)).map(([id]) => id));
    }
    await expect(listTriage(t.db, staff, { cursor: 'kept' })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('stops, cut before its end, when the caller is no longer allowed', async () => {
    let checks = 0;
    const stream = streamTriage(t.db, staff, { isStillAllowed: async () => ++checks < 2, pageSize: 3 });
    await expect(readAll(stream)).rejects.toThrow(/stopped before its end/);
    expect(checks).toBe(2);
    // What the browser sees of such a stream: the first page, then an end without the closing frame.
    const decoder = createTriageStreamDecoder();
    const reader = streamTriage(t.db, staff, { isStillAllowed: async () => false, pageSize: 3 }).getReader();
    const rows: TTriageStreamRow[] = [];
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      rows.push(...decoder.push(next.value));
    }
    expect(rows).toHaveLength(3);
    expect(() => decoder.finish()).toThrow(TriageStreamError);
  });
});
