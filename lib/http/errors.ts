/**
 * Typed application errors and the one function that turns any error into an HTTP response.
 * Messages are plain English for API clients; the browser UI translates by `code`.
 * Unknown errors become a bare 500 with no detail, so no stack trace or internal text can leak.
 */
import { API_CACHE_CONTROL } from '@/lib/security/headers';

export const errorStatus = {
  bad_request: 400,
  invalid_json: 400,
  // A request of the wrong shape (including a malformed ciphertext envelope) is a plain 400.
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra headers for the response, e.g. Retry-After or Allow. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: { headers?: Record<string, string> } = {}) {
    super(message);
    this.code = code;
    this.status = errorStatus[code];
    this.headers = options.headers ?? {};
  }
}

export type TErrorBody = { error: { code: ErrorCode; message: string } };

const noStore = { 'Cache-Control': API_CACHE_CONTROL, 'Content-Type': 'application/json; charset=utf-8' };

/** Any thrown value to a JSON response. Never includes a stack, a cause or an unknown error's text. */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const body: TErrorBody = { error: { code: error.code, message: error.message } };
    return new Response(JSON.stringify(body), { status: error.status, headers: { ...noStore, ...error.headers } });
  }
  const body: TErrorBody = { error: { code: 'internal', message: 'Something went wrong on the server. Nothing was stored; please try again.' } };
  return new Response(JSON.stringify(body), { status: 500, headers: noStore });
}
