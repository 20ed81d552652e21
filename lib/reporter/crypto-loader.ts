/**
 * Loads the crypto core in the reporter's browser after the form is on screen (it is about half a
 * megabyte), once, and runs its self-test. Rejects when WebAssembly is missing or the self-test
 * fails: the caller then explains how to fix it and submits nothing.
 */
type CryptoModule = typeof import('@/lib/crypto');

let loading: Promise<CryptoModule> | null = null;

export function loadCrypto(): Promise<CryptoModule> {
  loading ??= import('@/lib/crypto').then(async (crypto) => {
    await crypto.ensureCryptoReady();
    return crypto;
  });
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
