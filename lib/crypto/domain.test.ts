import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { ATTACHMENT, BUCKETS, KDF, SIZE, TAG } from './domain';
import { readySodium } from './sodium';

const root = fileURLToPath(new URL('../..', import.meta.url));
const doc = readFileSync(join(root, 'docs', 'crypto.md'), 'utf8');

/** The rows of the markdown table that follows `heading` in docs/crypto.md, as arrays of cells (header row skipped). */
function tableAfter(heading: string): string[][] {
  const start = doc.indexOf(heading);
  if (start < 0) throw new Error(`docs/crypto.md has no "${heading}"`);
  const lines = doc.slice(start).split('\n').slice(1);
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

/** Source files under `dir` (recursively), without tests. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** String literals in code (comments removed) that start with a protocol label, cut before any interpolation. */
function labelLiterals(file: string): string[] {
  const code = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1');
  return [...code.matchAll(/['"`](qorgau\/v1\/[^'"`$\\]*|QRG\w{5}(?=['"`]))/g)].map((m) => m[1]!);
}

describe('domain separation', () => {
  it('every domain tag is unique, versioned, free of NUL and documented in docs/crypto.md', () => {
    const tags = Object.values(TAG);
    expect(new Set(tags).size).toBe(tags.length);
    for (const tag of tags) {
      expect(tag).toMatch(/^qorgau\/v1\/[a-z0-9-]+$/);
      expect(doc, tag).toContain(`\`${tag}\``);
    }
  });

  it('the document lists exactly the tags of the code, no more and no fewer', () => {
    const documented = tableAfter('### Domain tags').map(([tag]) => tag!.replace(/`/g, ''));
    expect(documented.sort()).toEqual(Object.values(TAG).sort());
  });

  it('no file of lib/crypto spells a tag or KDF context itself: every label comes from TAG and KDF', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    // The vector generator recomputes some constructions independently, on purpose, from the documented text.
    const spelled = sources(dir)
      .filter((file) => !file.endsWith('domain.ts') && !file.includes('vectors'))
      .flatMap((file) => labelLiterals(file).map((label) => `${relative(dir, file)}: ${label}`));
    expect(spelled).toEqual([]);
  });

  it('every protocol label the server uses outside lib/crypto is documented', () => {
    const documented = tableAfter('### Server-side labels').map(([label]) => label!.replace(/`/g, ''));
    const used = new Set(
      ['lib', 'app', 'scripts']
        .flatMap((dir) => sources(join(root, dir)))
        .filter((file) => !file.includes(`${join('lib', 'crypto')}`))
        .flatMap(labelLiterals),
    );
    expect(used.size).toBeGreaterThan(0);
    for (const label of used) {
      expect(
        documented.some((entry) => entry === label || entry.startsWith(label)),
        `${label} is used by the server but not listed under "Server-side labels" in docs/crypto.md`,
      ).toBe(true);
    }
    for (const entry of documented) expect([...used].some((label) => entry.startsWith(label)), `${entry} is documented but unused`).toBe(true);
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

  it('the KDF table lists exactly the contexts and subkey ids of the code', () => {
    const documented = tableAfter('### KDF contexts').map(([context, id]) => `${context!.replace(/`/g, '')} ${id}`);
    const inCode = Object.values(KDF).flatMap(({ context, ...ids }) => Object.values(ids).map((id) => `${context} ${id}`));
    expect(documented.sort()).toEqual(inCode.sort());
  });

  it('the sizes in the code are libsodium\'s own, and the document states the same numbers', async () => {
    const s = await readySodium();
    expect({
      key: SIZE.key,
      xchachaNonce: SIZE.xchachaNonce,
      aeadTag: SIZE.aeadTag,
      xwingPublicKey: SIZE.xwingPublicKey,
      xwingSecretKey: SIZE.xwingSecretKey,
      xwingCiphertext: SIZE.xwingCiphertext,
      ed25519PublicKey: SIZE.ed25519PublicKey,
      ed25519SecretKey: SIZE.ed25519SecretKey,
      ed25519Seed: SIZE.ed25519Seed,
      signature: SIZE.signature,
      pwhashSalt: SIZE.pwhashSalt,
      powMac: SIZE.powMac,
      attachmentHeader: ATTACHMENT.headerSize,
      attachmentChunkOverhead: ATTACHMENT.encryptedChunkSize - ATTACHMENT.chunkSize,
    }).toEqual({
      key: s.crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
      xchachaNonce: s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
      aeadTag: s.crypto_aead_xchacha20poly1305_ietf_ABYTES,
      xwingPublicKey: s.crypto_kem_xwing_PUBLICKEYBYTES,
      xwingSecretKey: s.crypto_kem_xwing_SECRETKEYBYTES,
      xwingCiphertext: s.crypto_kem_xwing_CIPHERTEXTBYTES,
      ed25519PublicKey: s.crypto_sign_PUBLICKEYBYTES,
      ed25519SecretKey: s.crypto_sign_SECRETKEYBYTES,
      ed25519Seed: s.crypto_sign_SEEDBYTES,
      signature: s.crypto_sign_BYTES,
      pwhashSalt: s.crypto_pwhash_SALTBYTES,
      powMac: s.crypto_auth_BYTES,
      attachmentHeader: s.crypto_secretstream_xchacha20poly1305_HEADERBYTES,
      attachmentChunkOverhead: s.crypto_secretstream_xchacha20poly1305_ABYTES,
    });
    const sizes = Object.fromEntries(tableAfter('### Sizes').map(([item, size]) => [item, size]));
    const n = (values: number[]) => values.join(' / ');
    expect(sizes).toEqual({
      'symmetric keys (data, team, attachment, wrap, auth, access token, server secret)': String(SIZE.key),
      'XChaCha20-Poly1305 nonce / tag': n([SIZE.xchachaNonce, SIZE.aeadTag]),
      'X-Wing public key / secret key (seed) / ciphertext / shared secret / encapsulation seed': n([SIZE.xwingPublicKey, SIZE.xwingSecretKey, SIZE.xwingCiphertext, s.crypto_kem_xwing_SHAREDSECRETBYTES, SIZE.xwingEncSeed]),
      'Ed25519 public key / secret key (libsodium layout) / seed / signature': n([SIZE.ed25519PublicKey, SIZE.ed25519SecretKey, SIZE.ed25519Seed, SIZE.signature]),
      'key commitments': String(SIZE.commitment),
      'Argon2id salt': String(SIZE.pwhashSalt),
      'recovery key': String(SIZE.recoveryKey),
      'proof-of-work id / nonce / MAC': n([SIZE.powChallengeId, SIZE.powNonce, SIZE.powMac]),
      'secretstream header / plaintext per chunk / ciphertext per chunk': n([ATTACHMENT.headerSize, ATTACHMENT.chunkSize, ATTACHMENT.encryptedChunkSize]),
    });
    expect([SIZE.key, SIZE.accessToken, SIZE.serverSecret, SIZE.recoveryKey, SIZE.commitment]).toEqual([32, 32, 32, 32, 32]);
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
