import { AppError } from '@/lib/http/errors';

/** A report id from a route segment: the shape lib/crypto gives report ids, or a 404 (never echoed back). */
export function parseReportId(value: string): string {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(value)) throw new AppError('not_found', 'There is no such report.');
  return value;
}
