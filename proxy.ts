// Proxy: runs before every page and API route. It sets the per-request CSP nonce and the browser
// policy, and redirects paths without a language to the Russian default. It authorises nothing:
// each route handler and page checks its own caller.
import { NextResponse, type NextRequest } from 'next/server';
import { defaultLocale, isLocale } from '@/lib/i18n/config';
import { newNonce, nonceCsp, policyHeaders } from '@/lib/security/response-policy';

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

  const csp = nonceCsp(newNonce());
  const requestHeaders = new Headers(request.headers);
  // The language for pages that get no params (not-found); always one of ours, never user text.
  requestHeaders.set('x-qorgau-locale', isApi ? defaultLocale : first);
  // Next.js reads the nonce for its own scripts from the request's CSP header.
  requestHeaders.set('Content-Security-Policy', csp);
  return withPolicy(NextResponse.next({ request: { headers: requestHeaders } }), csp, request);
}

function withPolicy(response: NextResponse, csp: string | null, request: NextRequest): NextResponse {
  for (const [name, value] of Object.entries(policyHeaders(request.nextUrl.pathname, request.nextUrl.search, csp))) response.headers.set(name, value);
  return response;
}

export const config = {
  // Every path, built static files included, so every response carries the policy.
  matcher: ['/:path*'],
};
