import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { locales } from './config';
import { catalogues, flatten, getTranslator } from './messages';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const reference = flatten(catalogues.en);

describe.each(locales)('the %s catalogue', (locale) => {
  const catalogue = flatten(catalogues[locale]);

  it('has every key of the reference catalogue and no extra ones', () => {
    expect([...catalogue.keys()].sort()).toEqual([...reference.keys()].sort());
  });

  it('has a non-empty text for every key, with the same placeholders', () => {
    for (const [key, text] of reference) {
      const translated = catalogue.get(key);
      expect(typeof translated, key).toBe('string');
      expect((translated as string).trim().length, key).toBeGreaterThan(0);
      expect(placeholders(translated as string), key).toEqual(placeholders(text as string));
    }
  });

  if (locale !== 'en') {
    it('is actually translated: no text other than names is left in English', () => {
      const sameAsEnglish = [...reference].filter(([key, text]) => catalogue.get(key) === text).map(([key]) => key);
      expect(sameAsEnglish).toEqual(['common.appName']);
    });
  }
});

describe('message keys used in the code', () => {
  it('all exist in the catalogues', () => {
    const root = path.resolve(import.meta.dirname, '..', '..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) files.push(full);
      }
    };
    walk(path.join(root, 'app'));
    walk(path.join(root, 'lib'));
    const used = new Set<string>();
    for (const file of files) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z]+\.[a-zA-Z0-9.]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(5);
    for (const key of used) expect(reference.has(key), key).toBe(true);
  });

  it('a translator throws on an unknown key rather than showing it', () => {
    // @ts-expect-error: deliberately not a key
    expect(() => getTranslator('kk')('landing.nope')).toThrow(/missing message/);
    expect(getTranslator('kk')('quickExit.button')).toBe('Жылдам шығу');
  });
});
