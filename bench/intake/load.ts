/**
 * A bounded load of anonymous submissions against a running Qorgau, shared by `npm run bench:intake`
 * and the crash test (e2e/reliability). Submissions are built before the clock starts, with real
 * encryption (sealReport for every reviewer of the signed directory) and proofs of work pre-solved
 * at a test difficulty; only the receipt stretching uses a cheap Argon2id cost, since the server
 * never sees the receipt. Afterwards `verifyIntake` checks every acknowledged submission is stored
 * and opens with the demo reviewer's key, and that nothing is half-stored.
 */
import http from 'node:http';
import {
  createReceipt,
  createReportId,
  decodeOrganisationPublicKey,
  decodeServerSecret,
  issueProofOfWorkChallenge,
  sealReport,
  solveProofOfWork,
  verifyDirectory,
  type ReviewerKeys,
  type TSignedDirectory,
  type VerifiedDirectory,
} from '@/lib/crypto';
import { deriveReporterKeysWith } from '@/lib/crypto/receipt';
import { readySodium } from '@/lib/crypto/sodium';
import type { Db } from '@/lib/db/open-db';
import { openStoredReport } from '@/lib/reports/open-stored-report';
import type { TAttachmentAnnouncement } from '@/lib/reports/intake-schemas';

export type TPrepared = { reportId: string; body: string };
/** One request's fate; `error` names what went wrong for a 'network' outcome (e.g. ECONNRESET). */
export type TOutcome = { reportId: string; status: number | 'network'; ms: number; at: number; error?: string };

const narrative = 'Меня задержали у клуба, в отделении били и требовали пароль от телефона. Қорқытты. '.repeat(20);

export async function prepareSubmissions(options: { baseUrl: string; serverSecret: string; pinnedKey: string; count: number; difficulty: number }): Promise<{ prepared: TPrepared[]; directory: VerifiedDirectory }> {
  const directory = await fetchDirectory(options.baseUrl, options.pinnedKey);
  const prepared: TPrepared[] = [];
  for (let i = 0; i < options.count; i += 1) prepared.push(await prepareSubmission({ ...options, directory, label: String(i) }));
  return { prepared, directory };
}

/** The server's reviewer directory, verified against the pinned organisation key. */
export async function fetchDirectory(baseUrl: string, pinnedKey: string): Promise<VerifiedDirectory> {
  const signed = (await (await fetch(`${baseUrl}/api/directory`)).json()) as TSignedDirectory;
  return verifyDirectory({ signed, pinnedKeys: [await decodeOrganisationPublicKey(pinnedKey)], now: new Date() });
}

/** One real submission (optionally announcing attachments), with its access token for uploads. */
export async function prepareSubmission(options: {
  serverSecret: string;
  directory: VerifiedDirectory;
  difficulty: number;
  label: string;
  attachments?: TAttachmentAnnouncement[];
}): Promise<TPrepared & { accessToken: string }> {
  const s = await readySodium();
  const reporter = deriveReporterKeysWith(s, await createReceipt(), { opsLimit: 1, memLimit: 8192 });
  const reportId = await createReportId();
  const { envelope } = await sealReport({ reportId, report: { v: 1, language: 'ru', narrative: `${options.label}: ${narrative}` } as never, directory: options.directory, reporter });
  const challenge = await issueProofOfWorkChallenge({ serverSecret: await decodeServerSecret(options.serverSecret), now: new Date(), difficulty: options.difficulty, ttlSeconds: 3600 });
  const pow = await solveProofOfWork(challenge);
  const body = JSON.stringify({ pow, envelope, accessToken: reporter.accessToken, attachments: options.attachments ?? [] });
  return { reportId, body, accessToken: reporter.accessToken };
}

/**
 * Sends prepared submissions with `concurrency` workers until they run out or `durationMs` passes.
 * Each run opens its own keep-alive connections (see `drive`).
 */
export async function runLoad(options: { baseUrl: string; prepared: TPrepared[]; concurrency: number; durationMs: number; onTick?: (done: number) => void }): Promise<TOutcome[]> {
  let next = 0;
  return drive({
    ...options,
    take: () => {
      const item = options.prepared[next++];
      return item && { id: item.reportId, method: 'POST', path: '/api/reports', body: Buffer.from(item.body) };
    },
    // While the server is down (the crash run), wait for it rather than burn through the prepared
    // submissions.
    waitWhenDown: true,
  });
}

/**
 * The same load tool against one fixed request (e.g. GET /api/health) for `durationMs`: the rate
 * the framework itself allows on this machine, for comparison with the intake's.
 */
export async function runRequests(options: { baseUrl: string; path: string; concurrency: number; durationMs: number; post?: { contentType: string; body: Buffer } }): Promise<TOutcome[]> {
  let n = 0;
  const { post } = options;
  return drive({ ...options, take: () => ({ id: String(n++), method: post ? 'POST' : 'GET', path: options.path, ...(post ? { body: post.body, contentType: post.contentType } : {}) }) });
}

type TRequest = { id: string; method: 'GET' | 'POST'; path: string; body?: Buffer; contentType?: string };

/** No request of the load may hang the run: a server that stops answering is a failed request. */
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * The worker loop behind runLoad and runRequests. It speaks HTTP/1.1 through node:http with a
 * keep-alive pool of its own, opened when the run starts and closed when it ends: a pool shared with
 * earlier requests (fetch's global one) can hold a connection the server closed after its 5 s
 * keep-alive timeout while this process was busy preparing submissions and could not notice, and
 * the first request sent on it fails (the "connection resets" earlier runs counted). node:http also
 * costs the client a fraction of fetch's CPU, which it shares with the server on this machine.
 */
async function drive(options: { baseUrl: string; concurrency: number; durationMs: number; take: () => TRequest | undefined; onTick?: (done: number) => void; waitWhenDown?: boolean }): Promise<TOutcome[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const outcomes: TOutcome[] = [];
  const deadline = Date.now() + options.durationMs;
  const worker = async () => {
    for (let item = Date.now() < deadline ? options.take() : undefined; item; item = Date.now() < deadline ? options.take() : undefined) {
      const started = performance.now();
      let status: number | 'network';
      let error: string | undefined;
      try {
        status = await send(agent, new URL(item.path, options.baseUrl), item);
      } catch (caught) {
        status = 'network';
        error = networkErrorName(caught);
      }
      outcomes.push({ reportId: item.id, status, ms: performance.now() - started, at: Date.now(), ...(error ? { error } : {}) });
      options.onTick?.(outcomes.length);
      if (status === 'network' && options.waitWhenDown) await waitUntilUp(options.baseUrl, deadline);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return outcomes;
}

/** One request on the pool; resolves with the status once the whole answer has arrived. */
function send(agent: http.Agent, url: URL, request: TRequest): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    // Browsers always offer compressed answers, and the server's answer costs more when it takes the offer.
    const headers: http.OutgoingHttpHeaders = {
      'accept-encoding': 'gzip, deflate, br',
      ...(request.body ? { 'content-type': request.contentType ?? 'application/json', 'content-length': request.body.byteLength } : {}),
    };
    const outgoing = http.request(url, { method: request.method, agent, headers }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
      // Cut off mid-answer (the crash run): 'end' never comes.
      response.on('close', () => !response.complete && reject(Object.assign(new Error('answer cut off'), { code: 'ECONNRESET' })));
    });
    outgoing.setTimeout(REQUEST_TIMEOUT_MS, () => outgoing.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' })));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** The innermost code or message of a failed request (fetch wraps the socket error in `cause`). */
export function networkErrorName(error: unknown): string {
  let current: unknown = error;
  while ((current as { cause?: unknown } | null)?.cause) current = (current as { cause: unknown }).cause;
  const { code, message } = (current ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : String(message ?? current);
}

async function waitUntilUp(baseUrl: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return;
    } catch {
      // still down
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Every acknowledged (201) submission is stored with one envelope per reader and opens with the
 * reviewer's key; every stored report is whole; nothing else is stored. Returns the counts.
 */
export async function verifyIntake(options: { db: Db; outcomes: TOutcome[]; reviewer: { id: string; keys: ReviewerKeys }; directory: VerifiedDirectory }) {
  const acknowledged = options.outcomes.filter((o) => o.status === 201).map((o) => o.reportId);
  const attempted = new Set(options.outcomes.map((o) => o.reportId));
  const readers = options.directory.reviewers.filter((r) => r.role !== 'analyst').length;
  let lost = 0;
  let damaged = 0;
  for (let i = 0; i < acknowledged.length; i += 200) {
    const ids = acknowledged.slice(i, i + 200);
    const rows = await options.db.report.findMany({ where: { id: { in: ids } }, include: { envelopes: true } });
    lost += ids.length - rows.length;
    for (const row of rows) {
      if (row.envelopes.length !== readers) {
        damaged += 1;
        continue;
      }
      try {
        await openStoredReport({ report: row, reviewerId: options.reviewer.id, keys: options.reviewer.keys, directory: options.directory });
      } catch {
        damaged += 1;
      }
    }
  }
  // Submissions that were not acknowledged (connection cut by a crash) may be stored or not, but
  // never half: if present, they must be whole.
  const unacknowledged = [...attempted].filter((id) => !acknowledged.includes(id));
  let halfStored = 0;
  for (const row of await options.db.report.findMany({ where: { id: { in: unacknowledged } }, include: { envelopes: true } })) {
    if (row.envelopes.length !== readers) halfStored += 1;
  }
  return { acknowledged: acknowledged.length, lost, damaged, halfStored };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
