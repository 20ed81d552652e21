import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { BUCKETS, KDF, TAG } from './domain';

const doc = readFileSync(fileURLToPath(new URL('../../docs/crypto.md', import.meta.url)), 'utf8');

describe('domain separation', () => {
  it('every domain tag is unique, versioned, free of NUL and documented in docs/crypto.md', () => {
    const tags = Object.values(TAG);
    expect(new Set(tags).size).toBe(tags.length);
    for (const tag of tags) {
      expect(tag).toMatch(/^qorgau\/v1\/[a-z0-9-]+$/);
      expect(doc, tag).toContain(`\`${tag}\``);
    }
  });

  it('every KDF context is 8 bytes, unique, and documented with its subkey ids', () => {
    const contexts = Object.values(KDF).map((entry) => entry.context);
    expect(new Set(contexts).size).toBe(contexts.length);
    for (const entry of Object.values(KDF)) {
      expect(new TextEncoder().encode(entry.context)).toHaveLength(8);
      for (const [name, id] of Object.entries(entry)) {
        if (name === 'context') continue;
        expect(doc, `${entry.context} ${id}`).toMatch(new RegExp(`\`${entry.context}\` \\| ${String(id)} \\|`));
      }
    }
  });

  it('the padding buckets in the document match the code', () => {
    expect(BUCKETS).toEqual({
      reportBody: { min: 1024, max: 1024 * 1024 },
      message: { min: 256, max: 64 * 1024 },
      teamRecord: { min: 256, max: 256 * 1024 },
    });
    expect(doc).toMatch(/report body \(the inner JSON\) \| 1 KiB \| 1 MiB/);
    expect(doc).toMatch(/message \(64-byte signature \+ text\) \| 256 B \| 64 KiB/);
    expect(doc).toMatch(/team record \(JSON\) \| 256 B \| 256 KiB/);
  });
});
