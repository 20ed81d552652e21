// @ts-check
// Security headers and the CSP are set per request in proxy.ts (they need a fresh nonce), for
// every path including built static files, so that one place defines the browser policy.

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Source maps would serve readable code to browsers and put it into build caches.
  productionBrowserSourceMaps: false,
  // `npm test` type-checks the whole project once with `tsc --noEmit` (app, lib, scripts, tests,
  // e2e); a second pass inside every build would only cost minutes on a 2-core machine.
  typescript: { ignoreBuildErrors: true },
  serverExternalPackages: ['better-sqlite3', '@prisma/adapter-better-sqlite3', 'pg', '@prisma/adapter-pg'],
};

export default nextConfig;
