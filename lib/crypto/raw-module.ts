import type { Sodium } from './sodium';

/** What every direct call into libsodium's compiled (Emscripten) module needs: its memory and allocator. */
export type TRawHeap = {
  HEAPU8: Uint8Array;
  _malloc: (size: number) => number;
  _free: (pointer: number) => void;
};

/**
 * The compiled module behind `s` when it exports the memory, the allocator and every one of `functions`, after `check`
 * has passed once for this library (its result is kept in `cache`); null when this build of libsodium-wrappers does
 * not export them, and the caller falls back to the wrapper functions. A `check` that throws leaves nothing cached.
 */
export function checkedRawModule<T extends TRawHeap>(
  cache: WeakMap<Sodium, T | null>,
  s: Sodium,
  functions: readonly (keyof T & string)[],
  check: (s: Sodium, raw: T) => void,
): T | null {
  if (cache.has(s)) return cache.get(s)!;
  const lib = (s as unknown as { libsodium?: Record<string, unknown> }).libsodium;
  const raw =
    lib && lib.HEAPU8 instanceof Uint8Array && ['_malloc', '_free', ...functions].every((name) => typeof lib[name] === 'function')
      ? (lib as unknown as T)
      : null;
  if (raw) check(s, raw);
  cache.set(s, raw);
  return raw;
}
