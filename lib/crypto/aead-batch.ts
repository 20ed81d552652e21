/**
 * XChaCha20-Poly1305 opening of many small ciphertexts (team records) in one reused region of libsodium's
 * WebAssembly memory. The JavaScript wrapper (`crypto_aead_xchacha20poly1305_ietf_decrypt`) allocates, copies in and
 * copies out every argument of every call and re-checks them; for 100 000 records of 1 KiB that bookkeeping costs
 * more than the cipher. Here the keys are copied into WebAssembly memory once per batch, each ciphertext is decoded
 * from base64url straight into a fixed input buffer, the associated data is written beside it, and the plaintext
 * lands in a fixed output buffer that the caller reads in place (a view, valid until the next `open`). `close`
 * overwrites the keys and the output buffer with zeros and frees them.
 *
 * The same libsodium function does the work (libsodium-wrappers exports the compiled module as `libsodium`), called
 * with its C signature; `rawAeadOf` checks that call once per loaded library against the self-test's known answer
 * and a forgery before using it. A library without that export falls back to the wrapper, one record at a time.
 */
import { aeadOpen } from './aead';
import { decodePublicB64Into, fromB64 } from './bytes';
import { SIZE, TAG } from './domain';
import { CryptoError } from './errors';
import { SELF_TEST_EXPECTED, sequenceBytes } from './self-test';
import type { Sodium } from './sodium';
import { checkedRawModule, type TRawHeap } from './raw-module';

/** The parts of the compiled module (Emscripten) this file calls. 64-bit length arguments are passed as two i32. */
type RawModule = TRawHeap & {
  _crypto_aead_xchacha20poly1305_ietf_decrypt: (
    m: number,
    mlenP: number,
    nsec: number,
    c: number,
    clenLow: number,
    clenHigh: number,
    ad: number,
    adlenLow: number,
    adlenHigh: number,
    npub: number,
    k: number,
  ) => number;
};

/** Opens ciphertexts under a fixed set of keys. Not reentrant; one batch at a time per instance. */
export type AeadBatchOpener = {
  /**
   * Opens `nonce || ciphertext || tag`, given as base64url text or as bytes, under key number `keyIndex` with
   * associated data `ad`. Returns the plaintext as a view that the next `open` (or `close`) overwrites: copy or
   * decode it first.
   * @throws CryptoError 'invalid_input' (not base64url), 'decrypt_failed' (too short, or authentication failed)
   */
  open: (keyIndex: number, sealed: string | Uint8Array, ad: Uint8Array) => Uint8Array;
  /** Overwrites the keys and the last plaintext with zeros and releases the memory. Idempotent. */
  close: () => void;
};

const checked = new WeakMap<Sodium, RawModule | null>();

/**
 * The compiled module behind `s`, after checking once that calling it directly decrypts the self-test's known
 * answer and refuses a forgery; null when this build of libsodium-wrappers does not export it.
 * @throws CryptoError('self_test_failed') when the direct call gives a wrong answer
 */
function rawAeadOf(s: Sodium): RawModule | null {
  return checkedRawModule(checked, s, ['_crypto_aead_xchacha20poly1305_ietf_decrypt'], checkRawAead);
}

function checkRawAead(s: Sodium, raw: RawModule): void {
  const key = sequenceBytes(SIZE.key);
  const nonce = sequenceBytes(SIZE.xchachaNonce, 100);
  const ad = s.from_string(TAG.selfTest);
  const sealed = new Uint8Array(nonce.length + SELF_TEST_EXPECTED.aead.length / 2);
  sealed.set(nonce);
  sealed.set(s.from_hex(SELF_TEST_EXPECTED.aead), nonce.length);
  const opener = createRawOpener(raw, [key]);
  try {
    const text = s.to_string(opener.open(0, s.to_base64(sealed, s.base64_variants.URLSAFE_NO_PADDING), ad));
    if (text !== 'qorgau self-test') throw new CryptoError('self_test_failed', 'XChaCha20-Poly1305 batch decrypt');
    sealed[sealed.length - 1]! ^= 1;
    let isForgeryAccepted = true;
    try {
      opener.open(0, s.to_base64(sealed, s.base64_variants.URLSAFE_NO_PADDING), ad);
    } catch {
      isForgeryAccepted = false;
    }
    if (isForgeryAccepted) throw new CryptoError('self_test_failed', 'XChaCha20-Poly1305 batch decrypt accepted a forgery');
  } finally {
    opener.close();
  }
}

/**
 * An opener for `keys` (each 32 bytes). Uses the compiled module directly when it is available and passed its
 * check, the wrapper otherwise.
 * @throws CryptoError 'invalid_input' (a key is not 32 bytes), 'self_test_failed' (see above)
 */
export function createAeadBatchOpener(s: Sodium, keys: readonly Uint8Array[]): AeadBatchOpener {
  for (const key of keys) if (key.length !== SIZE.key) throw new CryptoError('invalid_input', 'AEAD key must be 32 bytes');
  const raw = rawAeadOf(s);
  return raw ? createRawOpener(raw, keys) : createWrapperOpener(s, keys);
}

function createWrapperOpener(s: Sodium, keys: readonly Uint8Array[]): AeadBatchOpener {
  let last: Uint8Array | null = null;
  return {
    open: (keyIndex, sealed, ad) => {
      last?.fill(0);
      last = aeadOpen(s, keys[keyIndex]!, typeof sealed === 'string' ? fromB64(s, sealed) : sealed, ad);
      return last;
    },
    close: () => {
      last?.fill(0);
      last = null;
    },
  };
}

const OVERHEAD = SIZE.xchachaNonce + SIZE.aeadTag;

function createRawOpener(raw: RawModule, keys: readonly Uint8Array[]): AeadBatchOpener {
  // One allocation holds the keys, then the associated data, then the sealed input, then the plaintext output.
  const keysSize = keys.length * SIZE.key;
  let adCapacity = 256;
  let inputCapacity = 4096;
  let base = 0;
  const layout = () => ({ ad: base + keysSize, input: base + keysSize + adCapacity, output: base + keysSize + adCapacity + inputCapacity });
  const total = () => keysSize + adCapacity + 2 * inputCapacity;
  let regions = layout();
  const allocate = () => {
    base = raw._malloc(total());
    if (base === 0) throw new CryptoError('unavailable', 'out of WebAssembly memory');
    regions = layout();
    // _malloc may have grown the memory, which replaces HEAPU8: read it afresh.
    const heap = raw.HEAPU8;
    keys.forEach((key, i) => heap.set(key, base + i * SIZE.key));
  };
  const release = () => {
    if (base === 0) return;
    raw.HEAPU8.fill(0, base, base + total());
    raw._free(base);
    base = 0;
  };
  const grow = (adLength: number, inputLength: number) => {
    release();
    while (adCapacity < adLength) adCapacity *= 2;
    while (inputCapacity < inputLength) inputCapacity *= 2;
    allocate();
  };
  allocate();
  let isClosed = false;

  return {
    open: (keyIndex, sealed, ad) => {
      if (isClosed) throw new CryptoError('invalid_input', 'the batch is closed');
      if (!(keyIndex >= 0 && keyIndex < keys.length)) throw new CryptoError('invalid_input', 'no such key');
      // base64url: 4 characters for 3 bytes; the exact length is known after decoding.
      const maxLength = typeof sealed === 'string' ? Math.ceil((sealed.length * 3) / 4) : sealed.length;
      if (ad.length > adCapacity || maxLength > inputCapacity) grow(ad.length, maxLength);
      let heap = raw.HEAPU8;
      let length: number;
      if (typeof sealed === 'string') length = decodePublicB64Into(sealed, heap, regions.input);
      else {
        heap.set(sealed, regions.input);
        length = sealed.length;
      }
      if (length < OVERHEAD) throw new CryptoError('decrypt_failed', 'ciphertext too short');
      heap.set(ad, regions.ad);
      const cipherLength = length - SIZE.xchachaNonce;
      const result = raw._crypto_aead_xchacha20poly1305_ietf_decrypt(
        regions.output,
        0,
        0,
        regions.input + SIZE.xchachaNonce,
        cipherLength,
        0,
        regions.ad,
        ad.length,
        0,
        regions.input,
        base + keyIndex * SIZE.key,
      );
      if (result !== 0) throw new CryptoError('decrypt_failed', 'authentication failed');
      heap = raw.HEAPU8;
      return heap.subarray(regions.output, regions.output + cipherLength - SIZE.aeadTag);
    },
    close: () => {
      isClosed = true;
      release();
    },
  };
}
