// Proxy: runs before every page and API route. It sets the per-request CSP nonce and the browser
// policy, and redirects paths without a language to the Russian default. It authorises nothing:
// each route handler and page checks its own caller.
import { NextResponse, type NextRequest } from 'next/server';
import { getEnv } from '@/lib/env';
import { defaultLocale, isLocale } from '@/lib/i18n/config';
import { API_CACHE_CONTROL, contentSecurityPolicy, staticSecurityHeaders } from '@/lib/security/headers';

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const first = pathname.split('/')[1] ?? '';
  const isApi = first === 'api';

  if (first === '_next' || /\.[a-z0-9]+$/i.test(pathname)) {
    // Built assets and files such as /favicon.ico: policy headers only, no nonce needed.
    return withPolicy(NextResponse.next(), null, request);
  }

  if (!isApi && !isLocale(first)) {
    const url = request.nextUrl.clone();
    url.pathname = `/${defaultLocale}${pathname === '/' ? '' : pathname}`;
    url.search = search;
    return withPolicy(NextResponse.redirect(url, 307), null, request);
  }

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64');
  const env = getEnv();
  // The public origin decides, not the request: TLS usually ends at the reverse proxy.
  const csp = contentSecurityPolicy(nonce, { isHttps: env.QORGAU_ORIGIN.startsWith('https:'), isDevelopment: env.NODE_ENV === 'development' });
  const requestHeaders = new Headers(request.headers);
  // The language for pages that get no params (not-found); always one of ours, never user text.
  requestHeaders.set('x-qorgau-locale', isApi ? defaultLocale : first);
  // Next.js reads the nonce for its own scripts from the request's CSP header.
  requestHeaders.set('Content-Security-Policy', csp);
  return withPolicy(NextResponse.next({ request: { headers: requestHeaders } }), csp, request);
}

function withPolicy(response: NextResponse, csp: string | null, request: NextRequest): NextResponse {
  if (csp) response.headers.set('Content-Security-Policy', csp);
  else response.headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  for (const [name, value] of Object.entries(staticSecurityHeaders)) response.headers.set(name, value);
  // Nothing the reporter or reviewer loads may stay in the browser's cache (invariant 4); API answers are not
  // compressed either (lib/security/headers.ts).
  response.headers.set('Cache-Control', request.nextUrl.pathname.startsWith('/api/') ? API_CACHE_CONTROL : 'no-store');
  // Tor Browser offers the onion address when the deployment has one.
  const onion = getEnv().QORGAU_ONION_LOCATION;
  if (onion) response.headers.set('Onion-Location', new URL(request.nextUrl.pathname + request.nextUrl.search, onion).toString());
  return response;
}

export const config = {
  // Every path, built static files included, so every response carries the policy.
  matcher: ['/:path*'],
};
