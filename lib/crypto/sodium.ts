/**
 * The only place in the project that imports libsodium. Everything else in lib/crypto obtains the library through
 * `requireSodium()`, which throws `CryptoError('unavailable')` unless the WebAssembly build loaded and the
 * known-answer self-test passed. The state is sticky: once loading or the self-test failed, every later call fails
 * too (fail closed; a page that saw a broken primitive must not get a second chance to use it).
 */
import sodium from 'libsodium-wrappers-sumo';

import { CryptoError } from './errors';
import { runSelfTest } from './self-test';

export type Sodium = typeof sodium;

type GateState =
  | { status: 'idle' }
  | { status: 'loading'; promise: Promise<Sodium> }
  | { status: 'ready'; sodium: Sodium }
  | { status: 'failed'; error: CryptoError };

export type CryptoGate = {
  /** Loads libsodium and runs the self-test once. Throws `CryptoError('unavailable' | 'self_test_failed')`. */
  ensure: () => Promise<void>;
  /** The ready library. Throws `CryptoError('unavailable')` if `ensure` has not succeeded. */
  require: () => Sodium;
  isReady: () => boolean;
};

/**
 * Builds a readiness gate around a loader. Exported so a test can prove that a library failing the self-test is
 * refused; the application uses the single `defaultGate` below.
 */
export function createCryptoGate(load: () => Promise<Sodium>): CryptoGate {
  let state: GateState = { status: 'idle' };

  const start = async (): Promise<Sodium> => {
    if (typeof WebAssembly === 'undefined') {
      throw new CryptoError('unavailable', 'WebAssembly is not available in this browser');
    }
    let loaded: Sodium;
    try {
      loaded = await load();
    } catch (cause) {
      throw new CryptoError('unavailable', 'libsodium failed to load', { cause });
    }
    runSelfTest(loaded);
    return loaded;
  };

  return {
    ensure: async () => {
      if (state.status === 'ready') return;
      if (state.status === 'failed') throw state.error;
      if (state.status === 'idle') {
        const promise = start();
        state = { status: 'loading', promise };
      }
      try {
        const loaded = await state.promise;
        state = { status: 'ready', sodium: loaded };
      } catch (cause) {
        const error =
          cause instanceof CryptoError ? cause : new CryptoError('unavailable', 'crypto initialisation failed', { cause });
        state = { status: 'failed', error };
        throw error;
      }
    },
    require: () => {
      if (state.status === 'ready') return state.sodium;
      if (state.status === 'failed') {
        throw new CryptoError('unavailable', 'crypto is unavailable (initialisation failed)', { cause: state.error });
      }
      throw new CryptoError('unavailable', 'crypto is not initialised: await ensureCryptoReady() first');
    },
    isReady: () => state.status === 'ready',
  };
}

const defaultGate = createCryptoGate(async () => {
  await sodium.ready;
  return sodium;
});

/**
 * Loads libsodium (WebAssembly) and runs the known-answer self-test, once per page. Every async operation of
 * lib/crypto awaits it itself; call it early to show a clear message when crypto is unavailable.
 * @throws CryptoError 'unavailable' when WebAssembly or libsodium is missing; 'self_test_failed' on a wrong answer.
 */
export async function ensureCryptoReady(): Promise<void> {
  await defaultGate.ensure();
}

/** True once ensureCryptoReady() has succeeded. */
export function isCryptoReady(): boolean {
  return defaultGate.isReady();
}

/** Internal: the ready library. @throws CryptoError('unavailable') */
export function requireSodium(): Sodium {
  return defaultGate.require();
}

/** Internal: awaits readiness and returns the library. @throws CryptoError('unavailable' | 'self_test_failed') */
export async function readySodium(): Promise<Sodium> {
  await defaultGate.ensure();
  return defaultGate.require();
}
