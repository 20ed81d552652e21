import { randomBytes } from 'node:crypto';

/**
 * A new record id: 128 random bits in unpadded base64url (22 characters). Random rather than
 * sequential or time-based (no autoincrement, no UUIDv7, no cuid) so ids reveal neither order
 * nor time of creation.
 */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

/** Ids chosen by browsers (report ids) must have the same shape. */
export const idPattern = /^[A-Za-z0-9_-]{22}$/;

/** Today's date (UTC) at day precision, "YYYY-MM-DD": the only time report-side rows may carry. */
export function today(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
