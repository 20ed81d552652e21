import { AppError } from './errors';
import { handleApi } from './handle-api';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Handler<C> = (request: Request, context: C) => Promise<Response>;

/**
 * The handlers a route file exports: the given methods wrapped in `handleApi`, and every other
 * method answered with a JSON 405 naming the allowed ones (Next's own 405 has no JSON body).
 * Usage: `export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({ POST: async (request) => … })`.
 */
export function apiRoute<C = unknown>(handlers: Partial<Record<Method, Handler<C>>>): Record<Method, Handler<C>> {
  const allowed = Object.keys(handlers).join(', ');
  const notAllowed = handleApi<C>(async () => {
    throw new AppError('method_not_allowed', `This address accepts ${allowed} only.`, { headers: { Allow: allowed } });
  });
  const route = {} as Record<Method, Handler<C>>;
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
    const handler = handlers[method];
    route[method] = handler ? handleApi(handler) : notAllowed;
  }
  return route;
}

/** The bearer token of a request, or a 401. */
export function bearerToken(request: Request): string {
  const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(request.headers.get('authorization') ?? '');
  if (!match) throw new AppError('unauthorized', 'This request needs the access token derived from your receipt.');
  return match[1]!;
}
