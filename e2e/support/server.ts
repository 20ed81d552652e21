import fs from 'node:fs';
import path from 'node:path';
import type { TDemoResult } from '@/lib/demo/seed-demo';
import { locales } from '@/lib/i18n/config';

const root = path.resolve(import.meta.dirname, '..', '..');
export const e2eDir = path.resolve(root, process.env.QORGAU_E2E_DIR ?? path.join('var', 'e2e'));

export type TServerInfo = {
  env: Record<string, string>;
  demo: TDemoResult;
};

/** What scripts/e2e-server.ts wrote about the running server. */
export function serverInfo(): TServerInfo {
  return JSON.parse(fs.readFileSync(path.join(e2eDir, 'server.json'), 'utf8')) as TServerInfo;
}

/** Everything the server has printed so far. */
export function serverLog(): string {
  return fs.readFileSync(path.join(e2eDir, 'server.log'), 'utf8');
}

/** Sample values for dynamic route segments (any value of the right shape). */
const samples: Record<string, string> = { id: 'AAAAAAAAAAAAAAAAAAAAAA', n: '0' };

/**
 * Every route of the built app, from Next's own manifest, with sample values for dynamic segments:
 * a route added later is covered by the header tests without anyone remembering to list it.
 */
export function builtRoutes(): { pages: string[]; api: string[]; missing: string[] } {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, '.next', 'app-path-routes-manifest.json'), 'utf8')) as Record<string, string>;
  const pages = new Set<string>();
  const api = new Set<string>();
  // Catch-all pages exist to answer unknown paths: they are checked for a translated 404.
  const missing = new Set<string>();
  for (const route of Object.values(manifest)) {
    if (route.startsWith('/_')) continue;
    const sample = route
      .replace(/\[\.\.\.(\w+)\]/g, 'no-such-thing/here')
      .replace(/\[(\w+)\]/g, (_, name: string) => samples[name] ?? `:${name}`);
    if (route.startsWith('/api')) api.add(sample);
    else for (const locale of locales) (route.includes('[...') ? missing : pages).add(sample.replace(':locale', locale));
  }
  for (const route of [...pages, ...api, ...missing]) {
    if (/:\w+/.test(route)) throw new Error(`e2e/support/server.ts: add a sample value for the dynamic segment in ${route}`);
  }
  return { pages: [...pages].sort(), api: [...api].sort(), missing: [...missing].sort() };
}
