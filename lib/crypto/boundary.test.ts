import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE = /\.(?:[cm]?[jt]sx?)$/;
const SKIP_DIRS = new Set(['node_modules', '.next', '.git', 'generated', 'test-results', 'playwright-report']);
/** Any of: import/export … from, a dynamic import, a CommonJS require, or a bare import, of a libsodium package. */
// The test inputs below that use CommonJS are assembled from this, so that no line of this file reads as a real require.
const requireOf = (pkg: string) => `${'req'}uire('${pkg}')`;
const LIBSODIUM = /(?:from\s*|import\s*\(\s*|require\s*\(\s*|import\s+)["'`]libsodium[^"'`]*["'`]/;

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    if (SKIP_DIRS.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

function offenders(): string[] {
  const scanned = ['app', 'lib', 'scripts', 'bench', 'components', 'e2e', 'proxy.ts', 'middleware.ts']
    .flatMap((entry) => (entry.endsWith('.ts') ? [join(root, entry)] : sourceFiles(join(root, entry))))
    .filter((path) => {
      const rel = relative(root, path).split(sep).join('/');
      if (rel.startsWith('lib/crypto/') || rel.startsWith('bench/crypto/') || rel.startsWith('e2e/crypto/')) return false;
      try {
        statSync(path);
        return true;
      } catch {
        return false;
      }
    });
  return scanned.filter((path) => LIBSODIUM.test(readFileSync(path, 'utf8'))).map((path) => relative(root, path));
}

describe('crypto boundary', () => {
  it('no file outside lib/crypto (and its bench and browser tests) imports or requires libsodium', () => {
    expect(offenders()).toEqual([]);
  });

  it('the pattern catches every import form it is meant to catch', () => {
    for (const line of [
      "import sodium from 'libsodium-wrappers-sumo';",
      'import * as s from "libsodium-wrappers";',
      "export { default } from 'libsodium-wrappers-sumo'",
      `const s = ${requireOf('libsodium-wrappers-sumo')}`,
      "const s = await import('libsodium-sumo')",
      "import 'libsodium-wrappers'",
    ]) {
      expect(LIBSODIUM.test(line), line).toBe(true);
    }
    expect(LIBSODIUM.test("import { sealReport } from '@/lib/crypto';")).toBe(false);
  });

  it('lib/crypto imports libsodium only in sodium.ts, as the ESM default import, never through require', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const importers = sourceFiles(dir)
      .filter((path) => !path.endsWith('.test.ts'))
      .filter((path) => LIBSODIUM.test(readFileSync(path, 'utf8')))
      .map((path) => relative(dir, path));
    expect(importers).toEqual(['sodium.ts']);
    const text = readFileSync(join(dir, 'sodium.ts'), 'utf8');
    expect(text).toContain("import sodium from 'libsodium-wrappers-sumo';");
    // (This file is skipped: it spells the forbidden forms out as test data.)
    for (const path of sourceFiles(dir).filter((p) => !p.endsWith('boundary.test.ts'))) {
      expect(readFileSync(path, 'utf8'), path).not.toMatch(/require\s*\(\s*["'`]libsodium/);
      expect(readFileSync(path, 'utf8'), path).not.toMatch(/Math\.random/);
    }
  });
});

describe('the lint rules that guard the boundary (eslint.config.js)', () => {
  const eslint = new ESLint({ cwd: root });
  /** The rule ids ESLint reports for `code` as if it were the file `path` (relative to the project root). */
  const rulesFor = async (path: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: join(root, path) });
    return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
  };

  it('refuse Math.random in app and library code', async () => {
    for (const path of ['lib/ids.ts', 'lib/crypto/random.ts', 'app/page.tsx', 'scripts/demo.ts']) {
      expect(await rulesFor(path, 'export const n = Math.random();\n'), path).toEqual(['no-restricted-properties']);
    }
  });

  it('refuse libsodium outside lib/crypto, in any import form', async () => {
    for (const code of ["import s from 'libsodium-wrappers-sumo';\nexport const x = s;\n", "export { default } from 'libsodium-wrappers';\n"]) {
      expect(await rulesFor('lib/reports/x.ts', code), code).toEqual(['no-restricted-imports']);
      expect(await rulesFor('app/x.tsx', code), code).toEqual(['no-restricted-imports']);
    }
    expect(await rulesFor('lib/reports/x.ts', `export const s = ${requireOf('libsodium-wrappers-sumo')};\n`)).toContain('no-restricted-syntax');
  });

  it('allow lib/crypto the ESM entry point only: no require, no path into the package', async () => {
    expect(await rulesFor('lib/crypto/x.ts', "import sodium from 'libsodium-wrappers-sumo';\nexport const s = sodium;\n")).toEqual([]);
    expect(await rulesFor('lib/crypto/x.ts', `export const s = ${requireOf('libsodium-wrappers-sumo')};\n`)).toContain('no-restricted-syntax');
    const deep = "import s from 'libsodium-wrappers-sumo/dist/modules-sumo/libsodium-wrappers.js';\nexport const x = s;\n";
    expect(await rulesFor('lib/crypto/x.ts', deep)).toEqual(['no-restricted-imports']);
  });
});
