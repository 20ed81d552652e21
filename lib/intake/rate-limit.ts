/**
 * Global limits for anonymous intake, by what is asked, never by who asks: no IP address, token or
 * other sender property is a key, so the limiter stores nothing about anyone. Fixed windows per
 * bucket in this process (several instances share state through the database in issue 7's
 * scale path; one process is the embedded default).
 */
import { AppError } from '@/lib/http/errors';

export type TLimit = { bucket: string; max: number; windowSeconds: number };

type Window = { startsAt: number; count: number };
const windows = new Map<string, Window>();

/**
 * Counts one event against each limit; throws `AppError('rate_limited')` with Retry-After and a
 * "try again in N minutes" message when any is exhausted (nothing is counted then).
 */
export function takeIntakeSlot(limits: TLimit[], now: number = Date.now()): void {
  for (const limit of limits) {
    const current = windows.get(limit.bucket);
    const windowMs = limit.windowSeconds * 1000;
    if (current && now - current.startsAt < windowMs && current.count >= limit.max) {
      const retryAfter = Math.max(1, Math.ceil((current.startsAt + windowMs - now) / 1000));
      const minutes = Math.max(1, Math.ceil(retryAfter / 60));
      throw new AppError('rate_limited', `Too many requests right now. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, {
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
  }
  for (const limit of limits) {
    const current = windows.get(limit.bucket);
    const windowMs = limit.windowSeconds * 1000;
    if (!current || now - current.startsAt >= windowMs) windows.set(limit.bucket, { startsAt: now, count: 1 });
    else current.count += 1;
  }
}

/** For tests: forget every window. */
export function resetIntakeLimits(): void {
  windows.clear();
}
