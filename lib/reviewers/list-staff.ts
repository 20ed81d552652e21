import 'server-only';
import type { TStaff } from '@/lib/auth/staff-auth';
import type { Db } from '@/lib/db';
import type { TStaffMember } from './schemas';

/** Every staff member of the organisation with role, status and public keys (for fingerprints computed in the
 *  coordinator's browser), and the newest directory serial. No secrets, no wrapped keys, no hashes. */
export async function listStaff(db: Db, staff: TStaff): Promise<{ members: TStaffMember[]; latestSerial: number }> {
  const rows = await db.reviewer.findMany({ where: { organisationId: staff.organisationId }, orderBy: [{ status: 'asc' }, { displayName: 'asc' }] });
  const latest = await db.reviewerDirectory.findFirst({ where: { organisationId: staff.organisationId }, orderBy: { serial: 'desc' }, select: { serial: true } });
  return {
    members: rows.map((r) => ({
      id: r.id,
      login: r.login,
      displayName: r.displayName,
      role: r.role as TStaffMember['role'],
      status: r.status,
      xwingPublicKey: r.xwingPublicKey ? Buffer.from(r.xwingPublicKey).toString('base64url') : null,
      signingPublicKey: r.signingPublicKey ? Buffer.from(r.signingPublicKey).toString('base64url') : null,
    })),
    latestSerial: latest?.serial ?? 0,
  };
}
