import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { staffCookies } from './cookies';
import { SESSION_LIMITS, endStaffSession, signInStaff } from './staff-auth';
import { findOrganisationId } from './require-staff';

/**
 * next-auth configuration: one credentials provider (login name + browser-derived auth key + TOTP code), JWT
 * cookies that carry only the id of a server-side session row (lib/auth/staff-auth.ts), which every staff request
 * checks, and strict cookies (lib/auth/cookies.ts). next-auth's own HTML pages are replaced by ours.
 */

const ZCredentials = z.object({
  login: z.string().max(200),
  authKey: z.string().max(200),
  totp: z.string().max(20),
});

/** Thrown from authorize so the client sees `error=locked` instead of the generic failure. */
export const LOCKED_ERROR = 'locked';

export function getAuthOptions(): NextAuthOptions {
  const env = getEnv();
  return {
    secret: env.NEXTAUTH_SECRET,
    useSecureCookies: env.QORGAU_ORIGIN.startsWith('https:'),
    cookies: staffCookies(env.QORGAU_ORIGIN),
    session: { strategy: 'jwt', maxAge: SESSION_LIMITS.absoluteMs / 1000, updateAge: 0 },
    pages: { signIn: '/ru/review', signOut: '/ru/review', error: '/ru/review' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Qorgau',
        credentials: { login: { type: 'text' }, authKey: { type: 'password' }, totp: { type: 'text' } },
        async authorize(raw) {
          const parsed = ZCredentials.safeParse(raw);
          if (!parsed.success) return null;
          const db = await getDb();
          const organisationId = await findOrganisationId();
          if (!organisationId) return null;
          const result = await signInStaff(db, { serverSecret: env.QORGAU_SERVER_SECRET, organisationId, ...parsed.data });
          if (!result.ok) {
            if (result.reason === 'locked') throw new Error(LOCKED_ERROR);
            return null;
          }
          // next-auth wants an `id`; the session id is what the cookie will carry.
          return { id: result.sessionId };
        },
      }),
    ],
    callbacks: {
      // The cookie holds the session id and nothing else: no name, no e-mail, no role.
      jwt({ token, user }) {
        if (user) return { sid: user.id };
        return typeof token.sid === 'string' ? { sid: token.sid } : {};
      },
      session({ session }) {
        return { expires: session.expires };
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === 'string') {
          await endStaffSession(await getDb(), { serverSecret: env.QORGAU_SERVER_SECRET, sessionId: token.sid });
        }
      },
    },
    logger: {
      // next-auth logs whole errors and metadata by default; keep the server log free of anything a request carried.
      error: (code) => process.stderr.write(`qorgau: next-auth error ${code}\n`),
      warn: () => undefined,
      debug: () => undefined,
    },
  };
}
