import { beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/http/errors';
import { resetIntakeLimits, takeIntakeSlot } from './rate-limit';

describe('global intake limits', () => {
  beforeEach(() => resetIntakeLimits());
  const limits = [{ bucket: 'submit-minute', max: 3, windowSeconds: 60 }];

  it('allows up to the limit, then answers 429 with Retry-After and minutes to wait', () => {
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i += 1) takeIntakeSlot(limits, t0 + i);
    const error = (() => {
      try {
        takeIntakeSlot(limits, t0 + 10_000);
      } catch (e) {
        return e;
      }
    })() as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(429);
    expect(error.headers['Retry-After']).toBe('50');
    expect(error.message).toContain('try again in 1 minute');
  });

  it('opens again when the window has passed', () => {
    const t0 = 2_000_000;
    for (let i = 0; i < 3; i += 1) takeIntakeSlot(limits, t0);
    expect(() => takeIntakeSlot(limits, t0 + 59_000)).toThrow(AppError);
    expect(() => takeIntakeSlot(limits, t0 + 60_000)).not.toThrow();
  });

  it('does not count a refused request against the other limits', () => {
    const both = [
      { bucket: 'a', max: 1, windowSeconds: 60 },
      { bucket: 'b', max: 5, windowSeconds: 60 },
    ];
    takeIntakeSlot(both, 0);
    expect(() => takeIntakeSlot(both, 1)).toThrow(AppError);
    expect(() => takeIntakeSlot([{ bucket: 'b', max: 2, windowSeconds: 60 }], 2)).not.toThrow();
  });
});
