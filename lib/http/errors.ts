/**
 * Typed application errors and the one function that turns any error into an HTTP response.
 * Messages are plain English for API clients; the browser UI translates by `code`.
 * Unknown errors become a bare 500 with no detail, so no stack trace or internal text can leak.
 */
import { API_CACHE_CONTROL } from '@/lib/security/headers';
import { toResponse, type TApiAnswer } from './answer';

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
  return toResponse(errorAnswer(error));
}

/** Any thrown value to a JSON answer (`toErrorResponse` as data). */
export function errorAnswer(error: unknown): TApiAnswer {
  if (error instanceof AppError) {
    const body: TErrorBody = { error: { code: error.code, message: error.message } };
    return { status: error.status, headers: { ...noStore, ...error.headers }, body: JSON.stringify(body) };
  }
  const body: TErrorBody = { error: { code: 'internal', message: 'Something went wrong on the server. Nothing was stored; please try again.' } };
  return { status: 500, headers: { ...noStore }, body: JSON.stringify(body) };
}
