import 'server-only';
import { decode } from 'next-auth/jwt';
import { cookies } from 'next/headers';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { readCookie, staffCookies } from './cookies';
import { can, type TAction } from './policy';
import { checkStaffSession, type TStaff } from './staff-auth';

/** The deployment's organisation id (QORGAU_ORG_SLUG), or null before set-up. */
export async function findOrganisationId(): Promise<string | null> {
  const db = await getDb();
  const organisation = await db.organisation.findUnique({ where: { slug: getEnv().QORGAU_ORG_SLUG }, select: { id: true } });
  return organisation?.id ?? null;
}

/** Refuses a state-changing request sent from another origin (pages of this site send their own Origin). */
export function checkSameOrigin(request: Request): void {
  if (request.method === 'GET' || request.method === 'HEAD') return;
  const origin = request.headers.get('origin');
  if (origin !== null && origin !== new URL(getEnv().QORGAU_ORIGIN).origin) throw new AppError('forbidden', 'This request came from another site.');
}

/** The organisation id, or 404 before set-up (for the doors that are open without a session). */
export async function requireOrganisationId(): Promise<string> {
  const id = await findOrganisationId();
  if (!id) throw new AppError('not_found', 'This deployment has no organisation yet.');
  return id;
}

async function staffFromToken(token: string | undefined): Promise<TStaff | null> {
  if (!token) return null;
  const env = getEnv();
  let payload: Awaited<ReturnType<typeof decode>>;
  try {
    payload = await decode({ token, secret: env.NEXTAUTH_SECRET });
  } catch {
    return null;
  }
  if (!payload || typeof payload.sid !== 'string') return null;
  const staff = await checkStaffSession(await getDb(), { sessionId: payload.sid });
  // A session of another organisation's staff never counts here (one deployment serves one organisation).
  if (!staff || staff.organisationId !== (await findOrganisationId())) return null;
  return staff;
}

/**
 * The signed-in staff member making this API request, authorised for `action` by the policy table.
 * Throws AppError 401 when there is no live session (none, ended, timed out, revoked), 403 when the role may not
 * do this, and 403 for a state-changing request from another origin.
 */
export async function requireStaff(request: Request, action: TAction): Promise<TStaff> {
  const env = getEnv();
  checkSameOrigin(request);
  const token = readCookie(request.headers.get('cookie'), staffCookies(env.QORGAU_ORIGIN).sessionToken.name);
  const staff = await staffFromToken(token);
  if (!staff) throw new AppError('unauthorized', 'Sign in again: your session has ended.');
  if (!can(staff.role, action)) throw new AppError('forbidden', 'Your role does not allow this.');
  return staff;
}

/** The signed-in staff member for a server-rendered page, or null. Pages render the sign-in form when null. */
export async function getPageStaff(): Promise<TStaff | null> {
  const env = getEnv();
  const jar = await cookies();
  return staffFromToken(jar.get(staffCookies(env.QORGAU_ORIGIN).sessionToken.name)?.value);
}
