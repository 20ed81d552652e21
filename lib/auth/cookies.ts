/**
 * Every cookie Qorgau sets, in one place. Only staff sign-in uses cookies; reporters get none (DESIGN.md
 * invariant 4). Each is HttpOnly (no script can read it), SameSite=Strict (never sent on a request another site
 * starts), Path=/ (the `__Host-` prefix requires it; staff pages and staff APIs share no narrower path) and, when
 * the deployment is served over https, Secure with the `__Host-` prefix so that neither a subdomain nor a plain
 * http response can plant or overwrite it.
 */

export type TCookieOptions = { httpOnly: true; sameSite: 'strict'; path: '/'; secure: boolean };
export type TCookieSpec = { name: string; options: TCookieOptions };

const NAMES = {
  sessionToken: 'qorgau-staff',
  csrfToken: 'qorgau-csrf',
  callbackUrl: 'qorgau-callback',
  pkceCodeVerifier: 'qorgau-pkce',
  state: 'qorgau-state',
  nonce: 'qorgau-nonce',
} as const;

export type TCookieRole = keyof typeof NAMES;

/** The cookie names and options for a public origin (https gets Secure and the __Host- prefix). */
export function staffCookies(origin: string): Record<TCookieRole, TCookieSpec> {
  const secure = origin.startsWith('https:');
  const entries = Object.entries(NAMES).map(([role, name]) => [
    role,
    { name: secure ? `__Host-${name}` : name, options: { httpOnly: true, sameSite: 'strict', path: '/', secure } },
  ]);
  return Object.fromEntries(entries) as Record<TCookieRole, TCookieSpec>;
}

/** The value of one cookie in a Cookie request header. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}
