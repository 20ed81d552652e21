/**
 * Browser entry for e2e/crypto/vectors.spec.ts: runs the same known-answer checks as the Node unit test, in the page,
 * and publishes the results on window.__qorgauVectors.
 */
import { ensureCryptoReady, isCryptoError } from '@/lib/crypto';
import { checkVectors, type Vectors } from '@/lib/crypto/vectors/known-answers';
import stored from '@/lib/crypto/vectors/v1.json';

type PageResult = { ready: boolean; code?: string; results: { name: string; ok: boolean; detail?: string }[] };

declare global {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- global augmentation must be an interface
  interface Window {
    __qorgauVectors?: PageResult;
  }
}

async function run(): Promise<PageResult> {
  try {
    await ensureCryptoReady();
  } catch (error) {
    return { ready: false, code: isCryptoError(error) ? error.code : String(error), results: [] };
  }
  return { ready: true, results: await checkVectors(stored as unknown as Vectors) };
}

void run().then((result) => {
  window.__qorgauVectors = result;
});
