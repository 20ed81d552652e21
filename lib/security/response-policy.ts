import { getEnv } from '@/lib/env';
import { API_CACHE_CONTROL, contentSecurityPolicy, staticSecurityHeaders } from './headers';

/**
 * The browser policy of one response, by path: what proxy.ts sets on every answer Next gives, and what server.ts
 * sets on the intake answers it gives itself (the same function, so both carry the same headers).
 */

/** The Content-Security-Policy of built files and redirects, which need no nonce. */
export const NO_NONCE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** A fresh nonce for a page's CSP (18 random bytes, base64). */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
}

/** The CSP of a page or API answer with `nonce`, for this deployment's origin and mode. */
export function nonceCsp(nonce: string): string {
  const env = getEnv();
  // The public origin decides, not the request: TLS usually ends at the reverse proxy.
  return contentSecurityPolicy(nonce, { isHttps: env.QORGAU_ORIGIN.startsWith('https:'), isDevelopment: env.NODE_ENV === 'development' });
}

/**
 * The policy headers of a response to `pathname` + `search` (the search with its `?`, or empty), in the order
 * proxy.ts sets them: the CSP (`csp`, or the no-nonce one), the static headers, `Cache-Control` (API answers are not
 * cached and not compressed, everything else not cached), and `Onion-Location` when the deployment has an onion address.
 */
export function policyHeaders(pathname: string, search: string, csp: string | null): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Security-Policy': csp ?? NO_NONCE_CSP, ...staticSecurityHeaders };
  // Nothing the reporter or reviewer loads may stay in the browser's cache (invariant 4); API answers are not
  // compressed either (lib/security/headers.ts).
  headers['Cache-Control'] = pathname.startsWith('/api/') ? API_CACHE_CONTROL : 'no-store';
  // Tor Browser offers the onion address when the deployment has one.
  const onion = getEnv().QORGAU_ONION_LOCATION;
  if (onion) headers['Onion-Location'] = new URL(pathname + search, onion).toString();
  return headers;
}
