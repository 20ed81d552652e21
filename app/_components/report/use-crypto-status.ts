'use client';

import { useEffect, useState } from 'react';
import { loadCrypto } from '@/lib/reporter/crypto-loader';

export type TCryptoStatus = 'loading' | 'ready' | 'unavailable';

/** Starts loading the crypto core once the page is on screen and reports whether it works. */
export function useCryptoStatus(): TCryptoStatus {
  const [status, setStatus] = useState<TCryptoStatus>('loading');
  useEffect(() => {
    let live = true;
    loadCrypto().then(
      () => live && setStatus('ready'),
      () => live && setStatus('unavailable'),
    );
    return () => {
      live = false;
    };
  }, []);
  return status;
}
