/**
 * The reporter's browser talking to the intake API. Errors carry the server's code so the page can
 * show a translated message; nothing is retried here that the caller did not ask for.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** A network failure (offline, connection reset): the request may or may not have arrived. */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

export async function callApi<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      method: rest.method ?? (json === undefined ? 'GET' : 'POST'),
      headers: { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...(rest.headers ?? {}) },
      body: json === undefined ? rest.body : JSON.stringify(json),
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch (cause) {
    throw new NetworkError('network unavailable', { cause });
  }
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!response.ok) {
    const retry = Number(response.headers.get('retry-after'));
    throw new ApiError(response.status, body?.error?.code ?? 'unknown', body?.error?.message ?? `HTTP ${response.status}`, Number.isFinite(retry) ? retry : undefined);
  }
  return body as T;
}
