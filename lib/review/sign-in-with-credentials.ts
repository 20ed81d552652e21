/**
 * Sign-in without next-auth's React helper, for the export command: the same next-auth credentials endpoint the
 * browser's `signIn('credentials', …)` posts to, with the auth key derived locally (lib/review/workspace-client
 * `derivePasswordKeys`): the password never leaves this process, and the wrap key it also yields unlocks the keys.
 */
import { z } from 'zod';
import { derivePasswordKeys, fetchLoginParameters } from './workspace-client';
import { staffFetch } from './staff-transport';

export class SignInError extends Error {}

/**
 * Signs in through the installed transport and returns the wrap key for `openWorkspace`.
 * @throws SignInError when the server refuses the login, password or code (or the account is locked)
 */
export async function signInWithCredentials(options: { login: string; password: string; totp: string }) {
  const params = await fetchLoginParameters(options.login);
  const { authKey, wrapKey } = await derivePasswordKeys(options.password, params);
  const { csrfToken } = z.object({ csrfToken: z.string() }).parse(await (await staffFetch('/api/auth/csrf', { cache: 'no-store' })).json());
  const response = await staffFetch('/api/auth/callback/credentials', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Auth-Return-Redirect': '1' },
    body: new URLSearchParams({ login: options.login, authKey, totp: options.totp, csrfToken, json: 'true' }).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as { url?: string };
  const error = body.url ? new URL(body.url, 'http://localhost').searchParams.get('error') : 'no answer';
  if (!response.ok || error) {
    wrapKey.fill(0);
    throw new SignInError(error === 'locked' ? 'This account is locked for a while after too many failed attempts.' : 'Sign-in failed: check the login, password and code.');
  }
  return { wrapKey };
}
