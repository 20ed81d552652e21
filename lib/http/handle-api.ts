import { API_CACHE_CONTROL } from '@/lib/security/headers';
import { AppError, toErrorResponse } from './errors';

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
      if (!(error instanceof AppError)) {
        const name = error instanceof Error ? error.name : typeof error;
        const code = (error as { code?: unknown } | null)?.code;
        process.stderr.write(`qorgau: unexpected ${name}${typeof code === 'string' ? ` (${code})` : ''} in an API route\n`);
      }
      response = toErrorResponse(error);
    }
    response.headers.set('Cache-Control', API_CACHE_CONTROL);
    return response;
  };
}

/** A JSON answer, not cached and not compressed (API_CACHE_CONTROL). */
export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': API_CACHE_CONTROL, ...init.headers },
  });
}
