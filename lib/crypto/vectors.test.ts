import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { checkVectors, type Vectors } from './vectors/known-answers';

const stored = JSON.parse(readFileSync(fileURLToPath(new URL('./vectors/v1.json', import.meta.url)), 'utf8')) as Vectors;

describe('known-answer vectors (v1.json)', () => {
  it('every construction rebuilds byte for byte and every stored ciphertext opens', async () => {
    const results = await checkVectors(stored);
    expect(results.length).toBeGreaterThanOrEqual(30);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it('detects a changed vector (the check can fail)', async () => {
    const tampered = structuredClone(stored);
    tampered.report.envelope.body = `A${tampered.report.envelope.body.slice(1)}`;
    tampered.receipt.accessTokenHash = '00'.repeat(32);
    const failed = (await checkVectors(tampered)).filter((r) => !r.ok).map((r) => r.name);
    expect(failed).toEqual(expect.arrayContaining(['rebuild:report', 'rebuild:receipt', 'open:report-as-alice', 'open:report-as-reporter']));
  });
});
