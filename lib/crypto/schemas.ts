/** zod schemas shared by the wire formats, and the one place that turns a zod failure into a CryptoError. */
import { z } from 'zod';

import { CryptoError } from './errors';

/** Report ids are random, URL-safe, 16-64 characters (createReportId makes 22-character ones). */
export const zReportId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
/** Reviewer ids are chosen by the application (cuid, uuid…); "reporter" is reserved for the reporter. */
export const REPORTER_SENDER_ID = 'reporter';
export const zReviewerId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/)
  .refine((id) => id !== REPORTER_SENDER_ID, 'reserved id');
export const zRecordId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export const zKind = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/);
/**
 * base64url without padding. The alphabet, canonical form and length are enforced by fromB64 when the field is
 * decoded (every zB64 field is), so the schema does not scan long ciphertexts twice.
 */
export const zB64 = z.string().max(64 * 1024 * 1024);
export const zEpoch = z.number().int().min(1).max(0xffffffff);
export const zSerial = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** @throws CryptoError('invalid_input') naming `what` when `value` does not match `schema` */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
    throw new CryptoError('invalid_input', `${what}: ${where}`);
  }
  return result.data;
}
