/**
 * Who may do what: the one table of staff roles against actions. Every staff route handler asks `can(role, action)`
 * through `requireStaff` (lib/auth/require-staff.ts); the authorisation tests are generated from this table, so a
 * new action is covered the moment it is added here.
 *
 * Analysts see statistics only: they get team keys and triage records (to aggregate in their browser), never a
 * report envelope, a report body or a message.
 */
import type { ReviewerRole } from '@/lib/crypto';

export const STAFF_ROLES = ['coordinator', 'reviewer', 'analyst'] as const satisfies readonly ReviewerRole[];
export type TStaffRole = (typeof STAFF_ROLES)[number];

export const POLICY = {
  /** Own identity, wrapped keys and team-key envelopes. */
  'self.read': ['coordinator', 'reviewer', 'analyst'],
  /** Change one's own password (proving the old one and holding the keys). */
  'self.password': ['coordinator', 'reviewer', 'analyst'],
  /** Sealed triage records of every report, for statistics (no narratives inside). */
  'triage.list': ['coordinator', 'reviewer', 'analyst'],
  /** The inbox index: status, assignee, days and sealed triage of the reports this staff member holds an envelope for. */
  'reports.list': ['coordinator', 'reviewer'],
  /** Sealed report bodies with this staff member's own envelope, by id (the inbox's visible rows; grants). */
  'reports.sealed': ['coordinator', 'reviewer'],
  'report.open': ['coordinator', 'reviewer'],
  'report.triage': ['coordinator', 'reviewer'],
  'report.reply': ['coordinator', 'reviewer'],
  /** An attachment's ciphertext, for a report this staff member holds an envelope for. */
  'attachment.open': ['coordinator', 'reviewer'],
  'audit.read': ['coordinator'],
  'staff.list': ['coordinator'],
  'staff.invite': ['coordinator'],
  'staff.approve': ['coordinator'],
  'staff.grant': ['coordinator'],
  'staff.revoke': ['coordinator'],
  /** Record that this browser (or the export command) produced an export from the triage records. */
  'stats.export': ['coordinator', 'reviewer', 'analyst'],
} as const satisfies Record<string, readonly TStaffRole[]>;

export type TAction = keyof typeof POLICY;

export function can(role: string, action: TAction): boolean {
  return (POLICY[action] as readonly string[]).includes(role);
}
