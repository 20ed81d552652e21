/** Browser entry of the crypto benchmark: exposes the benchmarks to run.ts through window.__qorgauBench. */
import { ensureCryptoReady } from '../../lib/crypto';
import { BENCHMARKS, lazyBlob, runPipeline, type BenchmarkName } from './benchmarks';

declare global {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- global augmentation must be an interface
  interface Window {
    __qorgauBench?: {
      ready: Promise<void>;
      run: (name: BenchmarkName) => Promise<Record<string, number>>;
      pipelineMiB: (mib: number) => Promise<{ ms: number; outBytes: number; chunks: number; size: number }>;
      warmPipeline: () => Promise<void>;
    };
  }
}

window.__qorgauBench = {
  ready: ensureCryptoReady(),
  run: (name) => BENCHMARKS[name](),
  pipelineMiB: async (mib) => {
    const blob = lazyBlob(mib);
    return { ...(await runPipeline(blob)), size: blob.size };
  },
  warmPipeline: async () => {
    await runPipeline(lazyBlob(4));
  },
};
