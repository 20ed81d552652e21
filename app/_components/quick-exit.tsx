'use client';

import { useEffect } from 'react';

/** Two presses of Escape within this many milliseconds leave the site. */
const DOUBLE_PRESS_MS = 1500;

/** Fired before leaving so that in-memory form state can be wiped by whoever holds it. */
export const QUICK_EXIT_EVENT = 'qorgau:quick-exit';

/**
 * Leaves for a neutral site at once. The page is blanked first (a slow network must not leave the
 * report on screen), in-memory state is told to clear itself, and `location.replace` swaps this
 * history entry so Back does not return here.
 */
export function leaveNow(url: string): void {
  window.dispatchEvent(new Event(QUICK_EXIT_EVENT));
  document.title = '';
  document.body.replaceChildren();
  window.location.replace(url);
}

export function QuickExit({ url, text, label }: { url: string; text: string; label: string }) {
  useEffect(() => {
    let last = -Infinity;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      const now = performance.now();
      if (now - last <= DOUBLE_PRESS_MS) leaveNow(url);
      last = now;
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [url]);

  return (
    <button type="button" className="quick-exit" aria-label={label} title={label} onClick={() => leaveNow(url)} data-testid="quick-exit">
      {text}
    </button>
  );
}
