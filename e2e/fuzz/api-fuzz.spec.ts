import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import type { Db } from '@/lib/db/open-db';
import { buildLiveSubmission } from '../support/intake-client';
import { e2eDb } from '../support/reporter';
import { builtRoutes } from '../support/server';

/**
 * Issue 7 item 3 / DESIGN.md invariant 7: property-based fuzzing of every API route in the build
 * manifest with malformed, oversized, truncated and type-confused requests. The server never
 * answers 5xx, never shows a stack trace or internal text, always answers JSON, and its data is
 * unchanged by the refused requests. This project runs after the others, on a quiet database.
 */

const routes = builtRoutes().api;
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const contentTypes = ['application/json', 'application/octet-stream', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', ''];

let db: Db;
let valid: Record<string, unknown>;

test.beforeAll(async ({ playwright, baseURL }) => {
  db = await e2eDb();
  const request = await playwright.request.newContext({ baseURL });
  valid = (await buildLiveSubmission(request)).body as unknown as Record<string, unknown>;
  await request.dispose();
});
test.afterAll(async () => {
  await db.$disconnect();
});

/** A digest of every table the API can write, to prove refused requests change nothing. */
async function fingerprint(): Promise<string> {
  const tables = await Promise.all([
    db.report.findMany({ orderBy: { id: 'asc' } }),
    db.reportEnvelope.findMany({ orderBy: { id: 'asc' } }),
    db.attachment.findMany({ orderBy: { id: 'asc' } }),
    db.message.findMany({ orderBy: { id: 'asc' } }),
    db.triageRecord.findMany({ orderBy: { id: 'asc' } }),
    db.usedChallenge.findMany({ orderBy: { id: 'asc' } }),
    db.reviewer.findMany({ orderBy: { id: 'asc' }, select: { id: true, status: true, sessionVersion: true, authKeyHash: true, wrappedSecretKeys: true } }),
    db.reviewerDirectory.findMany({ orderBy: { id: 'asc' } }),
    db.teamKeyEnvelope.findMany({ orderBy: { id: 'asc' } }),
  ]);
  return createHash('sha256').update(JSON.stringify(tables, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? String(v) : v))).digest('hex');
}

/** Bodies that are wrong in every way that matters: random, truncated, type-confused, oversized. */
function bodies(): fc.Arbitrary<string | Buffer> {
  const validText = () => JSON.stringify(valid);
  return fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 300 }),
    fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
    fc.nat({ max: 2000 }).map((n) => validText().slice(0, Math.min(n, validText().length - 1))),
    fc.constantFrom('pow', 'envelope', 'accessToken', 'attachments').chain((key) =>
      fc.jsonValue().map((replacement) => JSON.stringify({ ...valid, [key]: replacement })),
    ),
    fc.record({ accessToken: fc.string({ maxLength: 60 }), message: fc.jsonValue(), attachments: fc.jsonValue() }).map((v) => JSON.stringify(v)),
    fc.constantFrom('{}', '[]', 'null', '""', '{"__proto__":{"admin":true}}', '{"a":'.repeat(2000), `"${'\u0000'.repeat(100)}"`),
    fc.constant(Buffer.alloc(4 * 1024 * 1024 + 1, 0x41)),
  );
}

test('every API route refuses every kind of bad request with a plain JSON 4xx and changes nothing', async ({ request }) => {
  test.setTimeout(240_000);
  expect(routes.length).toBeGreaterThan(8);
  const before = await fingerprint();
  const seen = new Map<string, Set<number>>();
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...routes),
      fc.constantFrom(...methods),
      fc.constantFrom(...contentTypes),
      bodies(),
      fc.oneof(fc.constant(''), fc.constantFrom('/x', '/%00', '/..%2f..%2fetc%2fpasswd', '/' + 'A'.repeat(300), '/0/0/0')),
      fc.oneof(fc.constant(undefined), fc.constantFrom('Bearer ', 'Bearer ' + 'A'.repeat(43), 'Basic Zm9vOmJhcg==', 'Bearer \u00e9')),
      async (route, method, contentType, body, suffix, authorization) => {
        const headers: Record<string, string> = {};
        if (contentType) headers['content-type'] = contentType;
        if (authorization) headers.authorization = authorization;
        const response = await request.fetch(route + suffix, { method, headers, data: method === 'GET' ? undefined : body, maxRedirects: 0, failOnStatusCode: false });
        const status = response.status();
        const text = await response.text();
        if (!seen.has(route)) seen.set(route, new Set());
        seen.get(route)!.add(status);
        const where = `${method} ${route}${suffix} (${contentType || 'no type'}, ${Buffer.byteLength(body)} bytes) → ${status}`;
        expect(status, where).toBeLessThan(500);
        // Internal text from the code, Prisma, SQLite or PostgreSQL (its error messages) must never show.
        expect(text, where).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\.tsx?:\d+|Prisma|SQLITE|postgres|violates|invalid input syntax|syntax error at|stack/i);
        if (status >= 400) {
          expect(response.headers()['content-type'] ?? '', where).toContain('application/json');
          const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
          expect(typeof parsed.error?.message, where).toBe('string');
        }
      },
    ),
    { numRuns: Number(process.env.QORGAU_FUZZ_RUNS ?? 400), seed: Number(process.env.QORGAU_FUZZ_SEED ?? Date.now() % 2 ** 31) },
  );
  // Fuzzing may hit /api/pow and harmless GETs, and counted requests move the shared intake counters
  // (IntakeWindow: a bucket, a window, a count); nothing else may change.
  expect(await fingerprint()).toBe(before);
  expect([...seen.keys()].length).toBeGreaterThan(routes.length / 2);
});
