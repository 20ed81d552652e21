/**
 * The coordinator's half of approval, grants and revocation, as it runs in the coordinator's browser (and in tests):
 * import the organisation key from its printed backup (never sent anywhere), check it is the pinned one, sign the
 * next directory, seal team keys, re-seal report keys. Pure functions over lib/crypto: the caller fetches and posts.
 */
import {
  createTeamKey,
  encodeOrganisationPublicKey,
  grantReportAccess,
  importOrganisationKeyBackup,
  openReportAsReviewer,
  sealTeamKeyForReviewers,
  signDirectory,
  signDirectoryWithout,
  verifyDirectory,
  type DirectoryEntry,
  type OrganisationKeyPair,
  type ReviewerKeys,
  type ReviewerRole,
  type TeamKey,
  type TReportGrant,
  type VerifiedDirectory,
} from '@/lib/crypto';
import type { TDirectoryChangeRequest, TStaffMember } from './schemas';

/** How long a directory signed at approval or revocation stays valid. */
export const DIRECTORY_LIFETIME_MS = 90 * 86_400_000;

/** Imports the organisation key backup and refuses it unless its public key is the one this deployment pins. */
export async function importPinnedOrganisationKey(backup: string, pinnedKey: string): Promise<OrganisationKeyPair> {
  const key = await importOrganisationKeyBackup(backup);
  if ((await encodeOrganisationPublicKey(key.publicKey)) !== pinnedKey) {
    key.secretKey.fill(0);
    throw new Error('This backup is not the organisation key this deployment pins.');
  }
  return key;
}

/** base64url to bytes with the platform's atob (browsers and Node alike). */
export function fromB64url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function entryOf(member: TStaffMember): DirectoryEntry {
  if (!member.xwingPublicKey || !member.signingPublicKey) throw new Error(`${member.login} has no enrolled keys`);
  return {
    id: member.id,
    role: member.role as ReviewerRole,
    xwingPublicKey: fromB64url(member.xwingPublicKey) as unknown as DirectoryEntry['xwingPublicKey'],
    signingPublicKey: fromB64url(member.signingPublicKey) as unknown as DirectoryEntry['signingPublicKey'],
  };
}

/**
 * The approval request: the next directory (current active staff plus `member`, same team epoch) and every team key
 * the coordinator holds sealed to the new member, so they can read older triage records too.
 */
export async function buildApproval(options: {
  organisationKey: OrganisationKeyPair;
  current: VerifiedDirectory;
  active: TStaffMember[];
  member: TStaffMember;
  coordinatorId: string;
  coordinatorKeys: ReviewerKeys;
  teamKeys: TeamKey[];
  now: Date;
}): Promise<{ request: TDirectoryChangeRequest; directory: VerifiedDirectory }> {
  const signed = await signDirectory({
    organisation: options.current.organisation,
    serial: options.current.serial + 1,
    issuedAt: options.now,
    expiresAt: new Date(options.now.getTime() + DIRECTORY_LIFETIME_MS),
    teamEpoch: options.current.teamEpoch,
    reviewers: [...options.active, options.member].map(entryOf),
    organisationKey: options.organisationKey,
  });
  const directory = await verifyDirectory({ signed, pinnedKeys: [options.organisationKey.publicKey], now: options.now });
  const teamKeyEnvelopes = (
    await Promise.all(
      options.teamKeys.map((teamKey) => sealTeamKeyForReviewers({ teamKey, directory, granterId: options.coordinatorId, granterKeys: options.coordinatorKeys, reviewerIds: [options.member.id] })),
    )
  ).flat();
  return { request: { directory: signed, teamKeyEnvelopes }, directory };
}

/**
 * The revocation request: the next directory without `memberId` (team epoch + 1), a new team key sealed to everyone
 * remaining, and every older team key the coordinator holds re-sealed to them under the new directory, so old triage
 * records stay readable whoever sealed them first. Returns the new team key so the caller can use it at once.
 */
export async function buildRevocation(options: {
  organisationKey: OrganisationKeyPair;
  current: VerifiedDirectory;
  memberId: string;
  coordinatorId: string;
  coordinatorKeys: ReviewerKeys;
  teamKeys: TeamKey[];
  now: Date;
}): Promise<{ request: TDirectoryChangeRequest; directory: VerifiedDirectory; teamKey: TeamKey }> {
  const signed = await signDirectoryWithout({
    previous: options.current,
    reviewerId: options.memberId,
    organisationKey: options.organisationKey,
    issuedAt: options.now,
    expiresAt: new Date(options.now.getTime() + DIRECTORY_LIFETIME_MS),
  });
  const directory = await verifyDirectory({ signed, pinnedKeys: [options.organisationKey.publicKey], now: options.now });
  const teamKey = await createTeamKey(directory.teamEpoch);
  const teamKeyEnvelopes = (
    await Promise.all(
      [teamKey, ...options.teamKeys].map((key) => sealTeamKeyForReviewers({ teamKey: key, directory, granterId: options.coordinatorId, granterKeys: options.coordinatorKeys })),
    )
  ).flat();
  return { request: { directory: signed, teamKeyEnvelopes }, directory, teamKey };
}

/**
 * Grants for every report the coordinator can open, to `memberId`, in batches; `onProgress(done, total)` after each
 * report, and `send(batch)` for each full batch (the caller posts it). A report that fails to open is skipped and
 * counted, never granted.
 */
export async function grantReports(options: {
  rows: { id: string; sealed: string; envelope: string }[];
  directory: VerifiedDirectory;
  memberId: string;
  coordinatorId: string;
  coordinatorKeys: ReviewerKeys;
  batchSize: number;
  send: (grants: TReportGrant[]) => Promise<void>;
  onProgress?: (done: number, total: number) => void;
}): Promise<{ granted: number; failed: number }> {
  let batch: TReportGrant[] = [];
  let granted = 0;
  let failed = 0;
  for (const [index, row] of options.rows.entries()) {
    try {
      const core = JSON.parse(row.sealed) as { commitment: string };
      const stored = JSON.parse(row.envelope) as { kind: string; kemCiphertext?: string; wrappedKey?: string; grant?: unknown };
      const opened = await openReportAsReviewer({
        envelope: { ...core, recipients: stored.kind === 'recipient' ? [{ reviewerId: options.coordinatorId, kemCiphertext: stored.kemCiphertext, wrappedKey: stored.wrappedKey }] : [] },
        reviewerId: options.coordinatorId,
        keys: options.coordinatorKeys,
        ...(stored.kind === 'grant' ? { grant: stored.grant, directory: options.directory } : {}),
      });
      batch.push(await grantReportAccess({ opened, commitment: core.commitment, directory: options.directory, reviewerId: options.memberId, granterId: options.coordinatorId, granterKeys: options.coordinatorKeys }));
      granted += 1;
    } catch {
      failed += 1;
    }
    if (batch.length >= options.batchSize) {
      await options.send(batch);
      batch = [];
    }
    options.onProgress?.(index + 1, options.rows.length);
  }
  if (batch.length > 0) await options.send(batch);
  return { granted, failed };
}
