import type { Messages } from '@/lib/i18n/messages';
import { ApiError, NetworkError } from '@/lib/reporter/api';
import { format } from './format';

/** A failure of the submission flow as a sentence in the reporter's language. */
export function errorMessage(error: unknown, strings: Messages['apiErrors']): string {
  if (error instanceof NetworkError) return strings.network;
  if (error instanceof ApiError) {
    if (error.code === 'rate_limited') return format(strings.rate_limited, { minutes: Math.max(1, Math.ceil((error.retryAfterSeconds ?? 60) / 60)) });
    if (error.code === 'conflict') return strings.conflict;
    if (error.code === 'gone') return strings.gone;
    if (error.code === 'unavailable') return strings.unavailable;
    return strings.generic;
  }
  if (error && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (['bad_signature', 'unknown_key', 'expired', 'rollback', 'not_yet_valid', 'duplicate'].includes(String(code))) return strings.directory;
  }
  return strings.generic;
}
