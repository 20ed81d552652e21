import { expect, test, type APIResponse } from '@playwright/test';
import { builtRoutes } from './support/server';

/**
 * DESIGN.md invariant 9 and issue 2: every page and API route carries the strict browser policy,
 * and no page ever asks another origin for anything.
 */

const { pages, api, missing } = builtRoutes();

function expectPolicy(response: APIResponse, what: string) {
  const h = response.headers();
  const csp = h['content-security-policy'] ?? '';
  expect(csp, `${what}: CSP`).toContain("frame-ancestors 'none'");
  expect(csp, `${what}: CSP`).toContain("default-src 'none'");
  expect(csp, `${what}: CSP must not allow inline script or eval`).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
  expect(h['referrer-policy'], what).toBe('no-referrer');
  expect(h['x-content-type-options'], what).toBe('nosniff');
  expect(h['cross-origin-opener-policy'], what).toBe('same-origin');
  expect(h['cross-origin-resource-policy'], what).toBe('same-origin');
  expect(h['permissions-policy'], what).toMatch(/camera=\(\).*geolocation=\(\).*microphone=\(\)/);
  expect(h['strict-transport-security'], what).toMatch(/max-age=\d{8,}/);
  expect(h['cache-control'], what).toContain('no-store');
  expect(h['x-powered-by'], what).toBeUndefined();
  expect(h['set-cookie'], `${what}: no cookie`).toBeUndefined();
}

test('the route list comes from the build and covers both worlds', () => {
  expect(pages).toEqual(expect.arrayContaining(['/ru', '/kk/safety', '/en/review']));
  expect(api).toEqual(expect.arrayContaining(['/api/health', '/api/directory']));
});

for (const route of [...pages, ...missing]) {
  test(`page ${route} carries the browser policy and a nonce-based script policy`, async ({ request }) => {
    const response = await request.get(route, { maxRedirects: 0 });
    expect(response.status()).toBe(missing.includes(route) ? 404 : 200);
    expectPolicy(response, route);
    const csp = response.headers()['content-security-policy']!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic' 'wasm-unsafe-eval'/);
    const html = await response.text();
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    // Every script element in the page carries this response's nonce (no inline script without it).
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`);
  });
}

for (const route of api) {
  test(`API ${route} carries the browser policy and answers JSON`, async ({ request }) => {
    const response = await request.get(route, { maxRedirects: 0 });
    expect(response.status()).toBeLessThan(500);
    expectPolicy(response, route);
    expect(response.headers()['content-type']).toContain('application/json');
  });
}

test('redirects, built static files and unknown pages carry the policy too', async ({ request, page }) => {
  const redirect = await request.get('/', { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  expect(redirect.headers().location).toMatch(/\/ru$/);
  expectPolicy(redirect, '/ (redirect)');

  const notFoundPage = await request.get('/ru/no-such-page');
  expect(notFoundPage.status()).toBe(404);
  expectPolicy(notFoundPage, '/ru/no-such-page');

  await page.goto('/ru');
  const scripts = await page.locator('script[src]').evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).src));
  expect(scripts.length).toBeGreaterThan(0);
  const asset = await request.get(scripts[0]!);
  expect(asset.status()).toBe(200);
  expectPolicy(asset, scripts[0]!);

  // A file from public/, a built file that does not exist, an unknown API path and a refused method.
  const publicFile = await request.get('/icon.svg');
  expect(publicFile.status()).toBe(200);
  expectPolicy(publicFile, '/icon.svg');
  const missingAsset = await request.get('/_next/static/chunks/no-such-chunk.js');
  expect(missingAsset.status()).toBe(404);
  expectPolicy(missingAsset, '/_next/static/chunks/no-such-chunk.js');
  const missingApi = await request.post('/api/no-such-route', { data: {} });
  expect(missingApi.status()).toBe(404);
  expectPolicy(missingApi, 'POST /api/no-such-route');
  const wrongMethod = await request.delete('/api/health');
  expect(wrongMethod.status()).toBe(405);
  expectPolicy(wrongMethod, 'DELETE /api/health');
});

test('the onion address, when configured, is offered for the same path', async ({ request }) => {
  const response = await request.get('/kk/safety?x=1');
  expect(response.headers()['onion-location']).toMatch(/^http:\/\/[a-z2-7]{56}\.onion\/kk\/safety\?x=1$/);
});

test('no page requests any other origin, and none violates its CSP', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const foreign: string[] = [];
  const violations: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!/^(data|blob):/.test(url) && new URL(url).origin !== origin) foreign.push(url);
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  for (const route of [...pages, ...missing]) {
    await page.goto(route, { waitUntil: 'networkidle' });
    // The page's HTML must not name another origin either (preconnect, fonts, images, forms).
    const html = await page.content();
    const urls = [...html.matchAll(/\b(?:src|href|action|content)="(https?:)?\/\/([^"/]+)/g)].map((m) => m[2]);
    for (const host of urls) expect(`${route}: ${host}`).toBe(`${route}: ${new URL(origin).host}`);
  }
  expect(foreign).toEqual([]);
  expect(violations).toEqual([]);
});
