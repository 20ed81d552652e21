/**
 * The browser policy for every response (DESIGN.md invariant 9). Kept in one place so proxy.ts,
 * next.config.js and the header test agree.
 */

/**
 * Cache-Control of every API answer: nothing stays in a cache (invariant 4), and nothing compresses it on the way
 * (`no-transform` also stops Next's own gzip). API answers are mostly sealed bytes in base64, which do not compress:
 * gzip only cost time on both ends (about 400 ms for the inbox's 8 MB of triage records at 10 000 reports), and an
 * answer that is never compressed cannot leak through its compressed length what it holds next to a caller's text.
 */
export const API_CACHE_CONTROL = 'no-store, no-transform';

/** Headers that are the same on every response, static files included. */
export const staticSecurityHeaders: Record<string, string> = {
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': [
    'accelerometer=()',
    'autoplay=()',
    'bluetooth=()',
    'browsing-topics=()',
    'camera=()',
    'clipboard-read=()',
    'display-capture=()',
    'geolocation=()',
    'gyroscope=()',
    'hid=()',
    'idle-detection=()',
    'magnetometer=()',
    'microphone=()',
    'midi=()',
    'payment=()',
    'publickey-credentials-get=(self)',
    'serial=()',
    'usb=()',
    'xr-spatial-tracking=()',
  ].join(', '),
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-DNS-Prefetch-Control': 'off',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'Origin-Agent-Cluster': '?1',
};

/**
 * The Content-Security-Policy for a page rendered with `nonce`. No 'unsafe-inline' or 'unsafe-eval';
 * 'wasm-unsafe-eval' lets libsodium's WebAssembly compile. No other origin anywhere.
 */
export function contentSecurityPolicy(nonce: string, options: { isHttps: boolean; isDevelopment?: boolean }): string {
  const directives = [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${options.isDevelopment ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ];
  if (options.isHttps) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}
