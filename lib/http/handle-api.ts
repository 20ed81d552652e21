import { API_CACHE_CONTROL } from '@/lib/security/headers';
import type { TApiAnswer } from './answer';
import { AppError, errorAnswer, toErrorResponse } from './errors';

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/**
 * Wraps a route handler so that every outcome is a deliberate response: thrown `AppError`s become
 * their 4xx JSON answer, anything else a bare 500 with no detail. Every answer is `no-store, no-transform`
 * (API_CACHE_CONTROL: not cached, not compressed).
 * Unexpected errors are reported to stderr by name and code only: request data never reaches logs.
 */
export function handleApi<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    let response: Response;
    try {
      response = await handler(request, context);
    } catch (error) {
      reportUnexpected(error);
      response = toErrorResponse(error);
    }
    response.headers.set('Cache-Control', API_CACHE_CONTROL);
    return response;
  };
}

/** `handleApi` for a handler that produces a `TApiAnswer` (lib/http/answer.ts): the same error mapping and headers. */
export async function settleAnswer(handler: () => Promise<TApiAnswer>): Promise<TApiAnswer> {
  let answer: TApiAnswer;
  try {
    answer = await handler();
  } catch (error) {
    reportUnexpected(error);
    answer = errorAnswer(error);
  }
  answer.headers['Cache-Control'] = API_CACHE_CONTROL;
  return answer;
}

/** An unexpected error to stderr, by name and code only. */
function reportUnexpected(error: unknown): void {
  if (error instanceof AppError) return;
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  process.stderr.write(`qorgau: unexpected ${name}${typeof code === 'string' ? ` (${code})` : ''} in an API route\n`);
}

/** A JSON answer, not cached and not compressed (API_CACHE_CONTROL). */
export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  const answer = jsonAnswer(body, init);
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/** `json` as data (lib/http/answer.ts). */
export function jsonAnswer(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): TApiAnswer {
  return {
    status: init.status ?? 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': API_CACHE_CONTROL, ...init.headers },
    body: JSON.stringify(body),
  };
}
