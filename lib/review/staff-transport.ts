/**
 * How the staff client (lib/review/workspace-client.ts) reaches the server. In the browser: the page's own `fetch`,
 * same origin, with the session cookie the browser keeps. The export command (scripts/export.ts) installs a
 * transport with a base URL and a cookie jar, and then runs the very same client code: one implementation of
 * sign-in, key unwrapping, directory verification and decryption for both.
 */
export type TStaffFetch = (path: string, init?: RequestInit) => Promise<Response>;

const sameOrigin: TStaffFetch = (path, init) => fetch(path, { credentials: 'same-origin', ...init });
let transport: TStaffFetch = sameOrigin;

/** Fetches a staff API path ("/api/staff/…") through the installed transport. */
export function staffFetch(path: string, init?: RequestInit): Promise<Response> {
  return transport(path, init);
}

/** Replaces the transport (the export command does, once, before anything else). */
export function setStaffTransport(next: TStaffFetch): void {
  transport = next;
}

/**
 * A transport for Node: prefixes the base URL and keeps the cookies the server sets (the next-auth CSRF and session
 * cookies), as a browser would, in memory only. Redirects are not followed (the API does not redirect).
 */
export function createCookieTransport(baseUrl: string): TStaffFetch {
  const origin = new URL(baseUrl).origin;
  const jar = new Map<string, string>();
  return async (path, init) => {
    const headers = new Headers(init?.headers);
    if (jar.size > 0) headers.set('Cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(new URL(path, origin), { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const index = pair!.indexOf('=');
      if (index <= 0) continue;
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      if (value === '' || /max-age=0/i.test(cookie)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
}
