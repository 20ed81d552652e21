import { expect, test, type APIResponse } from '@playwright/test';
import { attachmentEncryptedSize } from '@/lib/crypto';
import { newId } from '@/lib/ids';
import type { Db } from '@/lib/db/open-db';
import { buildLiveSubmission } from '../support/intake-client';
import { e2eDb } from '../support/reporter';

/**
 * Issue 4 item 8 / DESIGN.md invariant 7: malformed, oversized, replayed and tampered requests to
 * every intake route get the expected 4xx with a plain JSON message, no stack trace, and change
 * nothing in the database.
 */

let db: Db;
test.beforeAll(async () => {
  db = await e2eDb();
});
test.afterAll(async () => {
  await db.$disconnect();
});

/**
 * Everything stored about the submissions a test made (other test files run beside this one, so
 * the check is scoped to this test's own report ids and proof-of-work ids).
 */
async function snapshot(reportIds: string[], challengeIds: string[]) {
  const where = { reportId: { in: reportIds } };
  const [reports, envelopes, attachments, messages, challenges, pieces] = await Promise.all([
    db.report.count({ where: { id: { in: reportIds } } }),
    db.reportEnvelope.count({ where }),
    db.attachment.count({ where }),
    db.message.count({ where }),
    db.usedChallenge.count({ where: { id: { in: challengeIds } } }),
    db.attachment.aggregate({ where, _sum: { receivedChunks: true } }),
  ]);
  return { reports, envelopes, attachments, messages, challenges, pieces: pieces._sum.receivedChunks ?? 0 };
}

async function expectRefused(response: APIResponse, status: number) {
  expect(response.status()).toBe(status);
  expect(response.headers()['content-type']).toContain('application/json');
  const body = (await response.json()) as { error?: { code?: string; message?: string } };
  expect(typeof body.error?.code).toBe('string');
  expect(body.error?.message?.length).toBeGreaterThan(5);
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|Error:/);
}

test('malformed, oversized and mistyped submissions are refused and store nothing', async ({ request }) => {
  const valid = await buildLiveSubmission(request);
  const cases: { name: string; send: () => Promise<APIResponse>; status: number }[] = [
    { name: 'not JSON', send: () => request.post('/api/reports', { headers: { 'content-type': 'text/plain' }, data: 'hello' }), status: 415 },
    { name: 'broken JSON', send: () => request.post('/api/reports', { headers: { 'content-type': 'application/json' }, data: Buffer.from('{"pow":') }), status: 400 },
    { name: 'wrong shape', send: () => request.post('/api/reports', { data: { hello: 'world' } }), status: 400 },
    { name: 'type-confused', send: () => request.post('/api/reports', { data: { ...valid.body, attachments: 'none' } }), status: 400 },
    { name: 'extra field', send: () => request.post('/api/reports', { data: { ...valid.body, plaintext: 'leak' } }), status: 400 },
    { name: 'too large', send: () => request.post('/api/reports', { headers: { 'content-type': 'application/json' }, data: `{"x":"${'a'.repeat(3.5 * 1024 * 1024)}"}` }), status: 413 },
    {
      name: 'tampered proof of work',
      send: () => request.post('/api/reports', { data: { ...valid.body, pow: { ...valid.body.pow, nonce: 'AAAAAAAAAAA' } } }),
      status: 400,
    },
    {
      name: 'envelope for an older directory',
      send: () => request.post('/api/reports', { data: { ...valid.body, envelope: { ...valid.body.envelope, directorySerial: 0 } } }),
      status: 400,
    },
    {
      name: 'envelope missing a reviewer',
      send: () => request.post('/api/reports', { data: { ...valid.body, envelope: { ...valid.body.envelope, recipients: valid.body.envelope.recipients.slice(1) } } }),
      status: 400,
    },
    {
      name: 'impossible attachment size',
      send: () => request.post('/api/reports', { data: { ...valid.body, attachments: [{ id: newId(), index: 0, encryptedSize: 12345 }] } }),
      status: 413,
    },
    { name: 'wrong method', send: () => request.get('/api/reports'), status: 405 },
  ];
  const mine = () => snapshot([valid.reportId], [valid.body.pow.challenge.id]);
  const before = await mine();
  expect(before.reports + before.challenges).toBe(0);
  for (const c of cases) {
    await test.step(c.name, async () => {
      await expectRefused(await c.send(), c.status);
      expect(await mine()).toEqual(before);
    });
  }
  // None of the refusals spent the proof of work: the honest submission still goes through.
  expect((await request.post('/api/reports', { data: valid.body })).status()).toBe(201);
});

test('a replayed submission or proof of work is refused with 409 and changes nothing', async ({ request }) => {
  const first = await buildLiveSubmission(request);
  expect((await request.post('/api/reports', { data: first.body })).status()).toBe(201);
  const second = await buildLiveSubmission(request);
  const mine = () => snapshot([first.reportId, second.reportId], [first.body.pow.challenge.id, second.body.pow.challenge.id]);
  const before = await mine();
  expect(before).toMatchObject({ reports: 1, challenges: 1 });
  await expectRefused(await request.post('/api/reports', { data: first.body }), 409);
  await expectRefused(await request.post('/api/reports', { data: { ...second.body, pow: first.body.pow } }), 409);
  expect(await mine()).toEqual(before);
});

test('upload pieces: missing, wrong or foreign token, wrong type, truncated, oversized, out of order and replayed', async ({ request }) => {
  const id = newId();
  const size = 1_500_000;
  const encryptedSize = attachmentEncryptedSize(size);
  const sub = await buildLiveSubmission(request, [{ id, index: 0, encryptedSize }]);
  expect((await request.post('/api/reports', { data: sub.body })).status()).toBe(201);
  const other = await buildLiveSubmission(request);
  expect((await request.post('/api/reports', { data: other.body })).status()).toBe(201);
  const auth = { authorization: `Bearer ${sub.reporter.accessToken}`, 'content-type': 'application/octet-stream' };
  const piece = Buffer.alloc(1024 * 1024, 7);
  const put = (n: number, data: Buffer, headers: Record<string, string> = auth) => request.put(`/api/uploads/${id}/${n}`, { headers, data });

  const cases: { name: string; send: () => Promise<APIResponse>; status: number }[] = [
    { name: 'no token', send: () => put(0, piece, { 'content-type': 'application/octet-stream' }), status: 401 },
    { name: 'another report’s token', send: () => put(0, piece, { ...auth, authorization: `Bearer ${other.reporter.accessToken}` }), status: 404 },
    { name: 'malformed token', send: () => put(0, piece, { ...auth, authorization: 'Bearer x' }), status: 404 },
    { name: 'wrong content type', send: () => put(0, piece, { ...auth, 'content-type': 'application/json' }), status: 415 },
    { name: 'truncated piece', send: () => put(0, piece.subarray(0, piece.length - 1)), status: 400 },
    { name: 'oversized piece', send: () => put(0, Buffer.concat([piece, Buffer.alloc(1)])), status: 413 },
    { name: 'out of order', send: () => put(1, Buffer.alloc(encryptedSize - piece.length)), status: 409 },
    { name: 'no such piece', send: () => put(9, piece), status: 400 },
    { name: 'unknown upload', send: () => request.put(`/api/uploads/${newId()}/0`, { headers: auth, data: piece }), status: 404 },
    { name: 'malformed upload id', send: () => request.put(`/api/uploads/not-an-id/0`, { headers: auth, data: piece }), status: 404 },
  ];
  const mine = () => snapshot([sub.reportId, other.reportId], []);
  const before = await mine();
  for (const c of cases) {
    await test.step(c.name, async () => {
      await expectRefused(await c.send(), c.status);
      expect(await mine()).toEqual(before);
    });
  }
  expect((await put(0, piece)).status()).toBe(200);
  const afterFirst = await mine();
  expect(afterFirst.pieces).toBe(1);
  await expectRefused(await put(0, piece), 409);
  expect(await mine()).toEqual(afterFirst);
  const status = await request.get(`/api/uploads/${id}`, { headers: { authorization: `Bearer ${sub.reporter.accessToken}` } });
  expect(await status.json()).toMatchObject({ receivedChunks: 1, chunkCount: 2, isComplete: false });
});

test('follow-up: wrong receipts get one uniform 404; reviewer-direction messages are refused', async ({ request }) => {
  const sub = await buildLiveSubmission(request);
  expect((await request.post('/api/reports', { data: sub.body })).status()).toBe(201);
  const stranger = await buildLiveSubmission(request);
  const a = await request.post('/api/follow-up', { data: { accessToken: stranger.reporter.accessToken } });
  const b = await request.post('/api/follow-up', { data: { accessToken: 'A'.repeat(43) } });
  await expectRefused(a, 404);
  await expectRefused(b, 404);
  expect((await a.json()).error.message).toBe((await b.json()).error.message);
  await expectRefused(await request.post('/api/follow-up', { data: { accessToken: 'short' } }), 400);
  const before = await snapshot([sub.reportId], []);
  await expectRefused(
    await request.post('/api/follow-up/messages', {
      data: {
        accessToken: sub.reporter.accessToken,
        message: { v: 1, reportId: sub.reportId, messageId: 'm1', direction: 'to-reporter', senderId: 'someone-pretending-0001', ciphertext: 'AAAA' },
        attachments: [],
      },
    }),
    400,
  );
  expect(await snapshot([sub.reportId], [])).toEqual(before);
});
