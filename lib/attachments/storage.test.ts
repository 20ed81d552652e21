import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newId } from '@/lib/ids';
import { localDiskStorage } from './storage';

describe('local disk storage', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qorgau-disk-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('leaves no temporary file behind when a piece cannot be stored', async () => {
    const storage = localDiskStorage(root);
    const storageKey = newId();
    const dir = path.join(root, storageKey.slice(0, 2), storageKey);
    // A folder where the piece's file should go makes the final rename fail.
    fs.mkdirSync(path.join(dir, '000000', 'blocker'), { recursive: true });
    await expect(storage.putChunk({ storageKey, n: 0, count: 1, bytes: new Uint8Array(1000) })).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual(['000000']);
  });
});
