import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getDb } from '@/lib/db';
import type { TApiAnswer, TRequestBody } from '@/lib/http/answer';
import { jsonAnswer, settleAnswer } from '@/lib/http/handle-api';
import { nodeRequestBody } from '@/lib/http/node-request';
import { readJson } from '@/lib/http/read-json';
import { newNonce, nonceCsp, policyHeaders } from '@/lib/security/response-policy';
import { MAX_SUBMISSION_BYTES, ZSubmitReportRequest } from './intake-schemas';
import { intakeSettings } from './intake-settings';
import { submitReport } from './submit-report';

/** The path of the anonymous submission: `POST` there is answered by `answerSubmission`. */
export const SUBMISSION_PATH = '/api/reports';

/**
 * `POST /api/reports`, whoever serves it: the route handler (app/api/reports/route.ts, under `next dev`) and the
 * production server's fast path (server.ts) both answer with this. Reads the body (at most MAX_SUBMISSION_BYTES,
 * JSON, the submission schema), stores the submission (lib/reports/submit-report.ts: proof of work, replay, limits,
 * group commit) and answers 201 `{ok: true}` once it is committed; every refusal is its `AppError`'s 4xx JSON and
 * anything unexpected a bare 500 (lib/http/handle-api.ts). The browser-policy headers are the caller's to add.
 */
export function answerSubmission(request: TRequestBody): Promise<TApiAnswer> {
  return settleAnswer(async () => {
    const body = await readJson(request, ZSubmitReportRequest, MAX_SUBMISSION_BYTES);
    await submitReport({ db: await getDb(), request: body, settings: intakeSettings() });
    return jsonAnswer({ ok: true }, { status: 201 });
  });
}

/** Whether server.ts answers this request itself: `POST /api/reports`, with or without a query. */
export function isSubmission(method: string | undefined, url: string | undefined): boolean {
  if (method !== 'POST' || !url?.startsWith(SUBMISSION_PATH)) return false;
  return url.length === SUBMISSION_PATH.length || url[SUBMISSION_PATH.length] === '?';
}

/**
 * The Vary header Next.js adds to every App Router answer (route handlers included), so that its caches tell RSC
 * requests from others. Meaningless for this answer, but the fast path answers exactly as Next would:
 * e2e/reliability/fast-path.spec.ts fails if a Next.js upgrade changes it.
 */
const NEXT_VARY = 'rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch';

/**
 * Answers `POST /api/reports` on a Node response (server.ts) exactly as the route handler behind proxy.ts answers
 * it: the same answer under the same headers in the same order. Next writes the proxy's headers (lower-case, in
 * name order, as a `Headers` object lists them), then its Vary, then the route's own headers that are not there yet;
 * a route header the proxy also set (Cache-Control, the same value) takes the route's value in the proxy's place.
 */
export async function serveSubmission(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = request.url ?? SUBMISSION_PATH;
  // As the WHATWG URL parser gives `search`: empty for no query or a bare "?".
  const search = url.length > SUBMISSION_PATH.length + 1 ? url.slice(SUBMISSION_PATH.length) : '';
  const answer = await answerSubmission(nodeRequestBody(request));
  const headers: Record<string, string> = {};
  for (const [name, value] of new Headers(policyHeaders(SUBMISSION_PATH, search, nonceCsp(newNonce())))) headers[name] = value;
  headers.vary = NEXT_VARY;
  for (const [name, value] of new Headers(answer.headers)) headers[name] = value;
  response.writeHead(answer.status, headers);
  response.end(answer.body);
}
