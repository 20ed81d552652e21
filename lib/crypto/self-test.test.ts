import { createHmac, createPrivateKey, sign } from 'node:crypto';

import sodium from 'libsodium-wrappers-sumo';
import { describe, expect, it } from 'vitest';

import { CryptoError } from './errors';
import { runSelfTest, SELF_TEST_EXPECTED, sequenceBytes } from './self-test';
import { createCryptoGate, ensureCryptoReady, isCryptoReady, type Sodium } from './sodium';

describe('self-test', () => {
  it('passes on the real libsodium and marks crypto ready', async () => {
    await ensureCryptoReady();
    expect(isCryptoReady()).toBe(true);
    expect(sodium.SODIUM_VERSION_STRING).toBe('1.0.22');
  });

  it('uses expected values that independent implementations (Node/OpenSSL) agree with', async () => {
    await ensureCryptoReady();
    const message = Buffer.from('qorgau self-test');
    const key = Buffer.from(sequenceBytes(32));
    expect(createHmac('sha512', key).update(message).digest('hex').slice(0, 64)).toBe(SELF_TEST_EXPECTED.hmacSha512256);
    // Ed25519 private key from the raw seed via PKCS#8 (prefix for a 32-byte Ed25519 seed).
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(sequenceBytes(32, 7))]);
    const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    expect(sign(null, message, privateKey).toString('hex')).toBe(SELF_TEST_EXPECTED.ed25519Signature);
    const { createHash } = await import('node:crypto');
    expect(sodium.to_hex(sodium.crypto_generichash(64, message, null))).toBe(
      createHash('blake2b512').update(message).digest('hex'),
    );
  });

  it('refuses a library that gives one wrong answer, and stays closed afterwards', async () => {
    await sodium.ready;
    const broken = new Proxy(sodium, {
      get(target, property, receiver) {
        if (property === 'crypto_kdf_derive_from_key') {
          return (length: number, id: number, context: string, key: Uint8Array) => {
            const out = target.crypto_kdf_derive_from_key(length, id, context, key);
            out[0] = (out[0] ?? 0) ^ 1;
            return out;
          };
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    }) as Sodium;
    expect(() => runSelfTest(broken)).toThrow(CryptoError);
    const gate = createCryptoGate(async () => broken);
    await expect(gate.ensure()).rejects.toMatchObject({ code: 'self_test_failed' });
    expect(() => gate.require()).toThrow(expect.objectContaining({ code: 'unavailable' }) as Error);
    await expect(gate.ensure()).rejects.toMatchObject({ code: 'self_test_failed' });
    expect(gate.isReady()).toBe(false);
  });

  it('refuses a library that accepts forgeries', async () => {
    await sodium.ready;
    const lax = new Proxy(sodium, {
      get(target, property, receiver) {
        if (property === 'crypto_sign_verify_detached') return () => true;
        return Reflect.get(target, property, receiver) as unknown;
      },
    }) as Sodium;
    expect(() => runSelfTest(lax)).toThrow(expect.objectContaining({ code: 'self_test_failed' }) as Error);
  });

  it('reports a loader failure as unavailable', async () => {
    const gate = createCryptoGate(async () => {
      throw new Error('WebAssembly is not defined');
    });
    await expect(gate.ensure()).rejects.toMatchObject({ code: 'unavailable' });
    expect(() => gate.require()).toThrow(expect.objectContaining({ code: 'unavailable' }) as Error);
  });
});
