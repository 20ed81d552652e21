import { AppError } from '@/lib/http/errors';

/** A staff member id from a route segment (128 random bits, base64url), or a 404 that does not echo it. */
export function parseMemberId(value: string): string {
  if (!/^[A-Za-z0-9_-]{22}$/.test(value)) throw new AppError('not_found', 'There is no such staff member.');
  return value;
}
