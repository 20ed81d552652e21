import 'server-only';
import { createHmac, randomBytes } from 'node:crypto';

/** A fresh invitation token: 256 random bits, base64url. It exists only in the invitation link. */
export function createInvitationToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The keyed hash the server stores instead of the token (HMAC-SHA-256 under the server secret, own domain). */
export function hashInvitationToken(serverSecret: string, token: string): string {
  return createHmac('sha256', Buffer.from(serverSecret, 'base64url')).update(`qorgau/v1/server/invitation-token\0${token}`).digest('hex');
}
