/**
 * The coordinator's staff-management page, apart from React: invitations, the members list with key fingerprints,
 * approval (directory, team keys, then grants of every existing report in batches) and revocation (directory
 * without the member, new team epoch). The signing and sealing are lib/reviewers/coordinator-crypto.ts; the
 * organisation key is imported from its printed backup in this page and never sent.
 */
import { z } from 'zod';
import { decodeOrganisationPublicKey, fingerprintPublicKey, verifyDirectory, type OrganisationKeyPair, type TeamKey, type VerifiedDirectory } from '@/lib/crypto';
import { buildApproval, buildRevocation, fromB64url, grantReports } from '@/lib/reviewers/coordinator-crypto';
import { GRANT_BATCH, ZCreateInvitationResponse, ZStaffList, type TStaffMember } from '@/lib/reviewers/schemas';
import { SEALED_BATCH } from './api-types';
import { api, fetchReportIndex, fetchSealedReports, type TWorkspace } from './workspace-client';
import { staffFetch } from './staff-transport';

export type TMemberView = TStaffMember & { xwingFingerprint: string | null; signingFingerprint: string | null };

/** The organisation's staff with the fingerprints of their public keys, computed here to compare out of band. */
export async function fetchMembers(): Promise<TMemberView[]> {
  const { members } = await api(ZStaffList, '/api/staff/members');
  return Promise.all(
    members.map(async (member) => ({
      ...member,
      xwingFingerprint: member.xwingPublicKey ? await fingerprintPublicKey('xwing', fromB64url(member.xwingPublicKey)) : null,
      signingFingerprint: member.signingPublicKey ? await fingerprintPublicKey('signing', fromB64url(member.signingPublicKey)) : null,
    })),
  );
}

/** A single-use invitation; the token is only in the answer, for the link. */
export async function createInvitation(role: TStaffMember['role']) {
  return api(ZCreateInvitationResponse, '/api/staff/invitations', { method: 'POST', body: { role } });
}

/** The invitation link: the token travels in the fragment, which browsers never send to a server or in a Referer. */
export function invitationLink(origin: string, locale: string, token: string): string {
  return `${origin}/${locale}/review/join#${token}`;
}

/** The newest published directory, verified against the pinned organisation key (never trust the server's copy). */
export async function fetchVerifiedDirectory(pinnedKey: string): Promise<VerifiedDirectory> {
  const signed: unknown = await (await staffFetch('/api/directory', { cache: 'no-store' })).json();
  return verifyDirectory({ signed, pinnedKeys: [await decodeOrganisationPublicKey(pinnedKey)], now: new Date() });
}

/**
 * Approves `memberId`: signs the next directory with them in it, seals every team key this coordinator holds to
 * them, posts both, then grants them every report this coordinator can open, GRANT_BATCH at a time.
 * `onProgress(done, total)` follows the grants. Returns the new directory for the workspace.
 * @throws ApiError (409 when another change landed first: reload and try again), CryptoError
 */
export async function approveMember(options: {
  workspace: TWorkspace;
  organisationKey: OrganisationKeyPair;
  pinnedKey: string;
  memberId: string;
  onProgress: (done: number, total: number) => void;
}): Promise<{ directory: VerifiedDirectory; granted: number; failed: number }> {
  const { workspace } = options;
  const { members } = await api(ZStaffList, '/api/staff/members');
  const member = members.find((m) => m.id === options.memberId && m.status === 'pending_approval');
  if (!member) throw new Error('This person is not waiting for approval any more.');
  const active = members.filter((m) => m.status === 'active');
  const current = await fetchVerifiedDirectory(options.pinnedKey);
  const { request, directory } = await buildApproval({
    organisationKey: options.organisationKey,
    current,
    active,
    member,
    coordinatorId: workspace.profile.reviewerId,
    coordinatorKeys: workspace.keys,
    teamKeys: workspace.teamKeys,
    now: new Date(),
  });
  await api(z.unknown(), `/api/staff/members/${encodeURIComponent(member.id)}/approve`, { method: 'POST', body: request });
  // Every report this coordinator holds, SEALED_BATCH sealed bodies at a time (10 000 bodies are about 60 MB).
  const ids = (await fetchReportIndex()).rows.map((row) => row.id);
  options.onProgress(0, ids.length);
  const result = { granted: 0, failed: 0 };
  for (let start = 0; start < ids.length; start += SEALED_BATCH) {
    const chunk = ids.slice(start, start + SEALED_BATCH);
    const rows = await fetchSealedReports(chunk);
    // A report deleted meanwhile (retention) is not in the answer: it cannot be granted.
    result.failed += chunk.length - rows.length;
    const part = await grantReports({
      rows,
      directory,
      memberId: member.id,
      coordinatorId: workspace.profile.reviewerId,
      coordinatorKeys: workspace.keys,
      batchSize: GRANT_BATCH,
      send: async (grants) => {
        await api(z.unknown(), `/api/staff/members/${encodeURIComponent(member.id)}/grants`, { method: 'POST', body: { grants } });
      },
      onProgress: (done) => options.onProgress(start + done, ids.length),
    });
    result.granted += part.granted;
    result.failed += part.failed;
  }
  return { directory, ...result };
}

/**
 * Revokes `memberId`: signs the next directory without them, makes the next team key and seals it, with every
 * older one, to everyone who remains. The server ends their sessions and deletes their envelopes. Returns the new
 * directory and team key for the workspace. @throws ApiError, CryptoError
 */
export async function revokeMember(options: { workspace: TWorkspace; organisationKey: OrganisationKeyPair; pinnedKey: string; memberId: string }): Promise<{ directory: VerifiedDirectory; teamKey: TeamKey }> {
  const { workspace } = options;
  const current = await fetchVerifiedDirectory(options.pinnedKey);
  const { request, directory, teamKey } = await buildRevocation({
    organisationKey: options.organisationKey,
    current,
    memberId: options.memberId,
    coordinatorId: workspace.profile.reviewerId,
    coordinatorKeys: workspace.keys,
    teamKeys: workspace.teamKeys,
    now: new Date(),
  });
  await api(z.unknown(), `/api/staff/members/${encodeURIComponent(options.memberId)}/revoke`, { method: 'POST', body: request });
  return { directory, teamKey };
}
