import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { attachmentEncryptedSize } from '@/lib/crypto';
import { newId } from '@/lib/ids';
import type { Db } from '@/lib/db/open-db';
import { e2ePort } from '../../playwright.config';
import { fetchDirectory, prepareSubmission } from '../../bench/intake/load';
import { e2eDb } from '../support/reporter';
import { serverInfo } from '../support/server';

/**
 * The production server (server.ts) answers POST /api/reports itself, before Next's request pipeline. This sends a
 * table of good and bad submissions both to it and to plain `next start` (no fast path: the route handler behind
 * proxy.ts) on the same database and configuration, and requires the same answer from both: status, body and every
 * header (the browser policy, Cache-Control, Onion-Location, Content-Type, Retry-After…), with only the CSP's
 * per-request nonce and the Date allowed to differ.
 */

const root = path.resolve(import.meta.dirname, '..', '..');
const fastUrl = `http://127.0.0.1:${e2ePort}`;
let plainUrl = '';
let plain: ChildProcess | null = null;
let db: Db;

type TSent = { path?: string; headers?: Record<string, string>; body?: Buffer | string; chunks?: Buffer[] };
type TAnswer = { status: number; headers: Record<string, string>; body: string };

/** One request on a fresh connection, exactly as given (no header added but Host, and Content-Length for a body). */
function send(base: string, sent: TSent): Promise<TAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...sent.headers };
    if (sent.body !== undefined && !sent.chunks) headers['content-length'] ??= Buffer.byteLength(sent.body);
    const request = http.request(new URL(sent.path ?? '/api/reports', base), { method: 'POST', headers, agent: false }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (chunk: Buffer) => parts.push(chunk));
      response.on('end', () => {
        const received: Record<string, string> = {};
        for (let i = 0; i < response.rawHeaders.length; i += 2) received[response.rawHeaders[i]!.toLowerCase()] = response.rawHeaders[i + 1]!;
        resolve({ status: response.statusCode ?? 0, headers: received, body: Buffer.concat(parts).toString('utf8') });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    if (sent.chunks) {
      // Chunked, with no declared length: the limit must hold while streaming.
      for (const chunk of sent.chunks) request.write(chunk);
      request.end();
    } else request.end(sent.body);
  });
}

/** What may differ between two answers to the same request: the Date, and the nonce inside the CSP. */
function comparable(answer: TAnswer) {
  const { date: _date, ...headers } = answer.headers;
  if (headers['content-security-policy']) headers['content-security-policy'] = headers['content-security-policy'].replace(/'nonce-[A-Za-z0-9+/=]+'/g, "'nonce-…'");
  return { status: answer.status, headers, body: answer.body };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  db = await e2eDb();
  // Plain `next start` of the same build, on the same database and configuration as the shared server.
  const port = await freePort();
  plainUrl = `http://127.0.0.1:${port}`;
  plain = spawn(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...serverInfo().env },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      if ((await fetch(`${plainUrl}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error('next start did not come up');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

test.afterAll(async () => {
  plain?.kill('SIGTERM');
  await db?.$disconnect();
});

test('the fast path answers every submission as the route handler behind proxy.ts does', async () => {
  test.setTimeout(120_000);
  const info = serverInfo();
  const directory = await fetchDirectory(fastUrl, info.demo.organisationPublicKey);
  const fresh = async (attachments: { id: string; index: number; encryptedSize: number }[] = []) =>
    prepareSubmission({ serverSecret: info.env.QORGAU_SERVER_SECRET!, directory, difficulty: Number(info.env.QORGAU_POW_DIFFICULTY), label: 'fast path', attachments });
  const json = { 'content-type': 'application/json' };
  const base = JSON.parse((await fresh()).body) as Record<string, unknown> & { pow: { nonce: string }; envelope: { recipients: unknown[] } };
  const big = Buffer.from(`{"x":"${'a'.repeat(3.5 * 1024 * 1024)}"}`);

  // Requests whose answer does not depend on what is stored: each is sent as it is to both servers.
  const refusals: { name: string; sent: TSent; status: number }[] = [
    { name: 'not JSON', sent: { headers: { 'content-type': 'text/plain' }, body: 'hello' }, status: 415 },
    { name: 'no content type', sent: { body: '{}' }, status: 415 },
    { name: 'JSON type with a query and a fragment-looking value', sent: { path: '/api/reports?lang=ru&x=%2F', headers: { 'content-type': 'text/plain' }, body: 'x' }, status: 415 },
    { name: 'broken JSON', sent: { headers: json, body: '{"pow":' }, status: 400 },
    { name: 'empty body', sent: { headers: json, body: '' }, status: 400 },
    { name: 'invalid UTF-8', sent: { headers: json, body: Buffer.from([0x7b, 0xff, 0x7d]) }, status: 400 },
    { name: 'wrong shape', sent: { headers: json, body: '{"hello":"world"}' }, status: 400 },
    { name: 'type-confused', sent: { headers: json, body: JSON.stringify({ ...base, attachments: 'none' }) }, status: 400 },
    { name: 'extra field', sent: { headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ ...base, plaintext: 'leak' }) }, status: 400 },
    { name: 'too large, declared', sent: { headers: json, body: big }, status: 413 },
    { name: 'too large, streamed without a length', sent: { headers: json, chunks: Array.from({ length: 56 }, () => big.subarray(0, 64 * 1024)) }, status: 413 },
    { name: 'tampered proof of work', sent: { headers: json, body: JSON.stringify({ ...base, pow: { ...base.pow, nonce: 'AAAAAAAAAAA' } }) }, status: 400 },
    { name: 'envelope missing a reviewer', sent: { headers: json, body: JSON.stringify({ ...base, envelope: { ...base.envelope, recipients: base.envelope.recipients.slice(1) } }) }, status: 400 },
    { name: 'impossible attachment size', sent: { headers: json, body: JSON.stringify({ ...base, attachments: [{ id: newId(), index: 0, encryptedSize: 12345 }] }) }, status: 413 },
    { name: 'two attachments with one index', sent: { headers: json, body: JSON.stringify({ ...base, attachments: [{ id: newId(), index: 0, encryptedSize: attachmentEncryptedSize(1000) }, { id: newId(), index: 0, encryptedSize: attachmentEncryptedSize(1000) }] }) }, status: 400 },
  ];
  for (const { name, sent, status } of refusals) {
    const [fast, next] = await Promise.all([send(fastUrl, sent), send(plainUrl, sent)]);
    expect(fast.status, name).toBe(status);
    expect(comparable(fast), name).toEqual(comparable(next));
  }

  // Stored submissions: each server gets its own (201), then the other's again (409, replay across processes).
  const [one, two] = [await fresh(), await fresh()];
  const stored = [await send(fastUrl, { headers: json, body: one.body }), await send(plainUrl, { headers: json, body: two.body })];
  expect(stored.map((a) => a.status)).toEqual([201, 201]);
  expect(comparable(stored[0]!)).toEqual(comparable(stored[1]!));
  const replays = [await send(fastUrl, { headers: json, body: two.body }), await send(plainUrl, { headers: json, body: one.body })];
  expect(replays.map((a) => a.status)).toEqual([409, 409]);
  expect(comparable(replays[0]!)).toEqual(comparable(replays[1]!));
  expect(await db.report.count({ where: { id: { in: [one.reportId, two.reportId] } } })).toBe(2);

  // The headers themselves: the browser policy with a fresh nonce, not cached, not compressed, the onion address.
  const answer = stored[0]!;
  expect(answer.headers['content-security-policy']).toMatch(/default-src 'none'.*'nonce-[A-Za-z0-9+/=]{24}'/);
  expect(answer.headers['cache-control']).toBe('no-store, no-transform');
  expect(answer.headers['x-frame-options']).toBe('DENY');
  expect(answer.headers['onion-location']).toBe(new URL('/api/reports', info.env.QORGAU_ONION_LOCATION).toString());
  expect(answer.body).toBe('{"ok":true}');
});

test('after a refusal the fast path keeps the connection usable, as Next does', async () => {
  // A body over the limit is refused while it streams in; the same connection then carries the next request.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const statuses: number[] = [];
    for (const body of [Buffer.alloc(3.5 * 1024 * 1024, 0x61), Buffer.from('hello')]) {
      statuses.push(
        await new Promise<number>((resolve, reject) => {
          const request = http.request(`${fastUrl}/api/reports`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode ?? 0));
          });
          request.on('error', reject);
          request.end(body);
        }),
      );
    }
    expect(statuses).toEqual([413, 400]);
  } finally {
    agent.destroy();
  }
});
