// GET/POST /api/auth/{csrf,session,providers,signin,signout,callback/credentials}: next-auth's staff sign-in
// endpoints (credentials = login + browser-derived auth key + TOTP). Anything else under /api/auth is a JSON 404.
import NextAuth from 'next-auth';
import { getAuthOptions } from '@/lib/auth/next-auth-options';
import { apiRoute } from '@/lib/http/api-route';
import { AppError } from '@/lib/http/errors';

type Context = { params: Promise<{ nextauth: string[] }> };

const ACTIONS = new Set(['csrf', 'session', 'providers', 'signin', 'signout', 'callback', 'error']);

async function handler(request: Request, context: Context): Promise<Response> {
  const [action] = (await context.params).nextauth;
  if (!action || !ACTIONS.has(action)) throw new AppError('not_found', 'There is no such API route.');
  return (await NextAuth(request as never, context as never, getAuthOptions())) as Response;
}

// Other methods get the same JSON 405 as every other API route (found by e2e/fuzz).
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute<Context>({ GET: handler, POST: handler });
