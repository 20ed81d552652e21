// GET/POST /api/auth/{csrf,session,providers,signin,signout,callback/credentials}: next-auth's staff sign-in
// endpoints (credentials = login + browser-derived auth key + TOTP). Anything else under /api/auth is a JSON 404.
import NextAuth from 'next-auth';
import { getAuthOptions } from '@/lib/auth/next-auth-options';
import { AppError } from '@/lib/http/errors';
import { handleApi } from '@/lib/http/handle-api';

type Context = { params: Promise<{ nextauth: string[] }> };

const ACTIONS = new Set(['csrf', 'session', 'providers', 'signin', 'signout', 'callback', 'error']);

const handler = handleApi<Context>(async (request, context) => {
  const [action] = (await context.params).nextauth;
  if (!action || !ACTIONS.has(action)) throw new AppError('not_found', 'There is no such API route.');
  return (await NextAuth(request as never, context as never, getAuthOptions())) as Response;
});

export { handler as GET, handler as POST };
