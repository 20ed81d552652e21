import 'server-only';
import { getDb } from '@/lib/db';

export type TOrganisationOverview = {
  name: string;
  isDemo: boolean;
  signingPublicKey: Uint8Array;
  directorySerial: number | null;
  activeReviewers: number;
};

/** Public facts about the deployment's organisation, or null before set-up. Throws only on database failure. */
export async function getOrganisationOverview(slug: string): Promise<TOrganisationOverview | null> {
  const db = await getDb();
  const organisation = await db.organisation.findUnique({ where: { slug } });
  if (!organisation) return null;
  const [directory, activeReviewers] = await Promise.all([
    db.reviewerDirectory.findFirst({ where: { organisationId: organisation.id }, orderBy: { serial: 'desc' }, select: { serial: true } }),
    db.reviewer.count({ where: { organisationId: organisation.id, status: 'active' } }),
  ]);
  return {
    name: organisation.name,
    isDemo: organisation.isDemo,
    signingPublicKey: organisation.signingPublicKey,
    directorySerial: directory?.serial ?? null,
    activeReviewers,
  };
}
