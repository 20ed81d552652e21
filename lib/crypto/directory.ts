/**
 * The signed reviewer directory: the list of reviewers (id, role, X-Wing and Ed25519 public keys) that reporters
 * encrypt to and that grants, team keys and messages are checked against. Signed by the organisation key, whose
 * public key every client pins; a key injected into the database is therefore refused.
 */
import { z } from 'zod';

import { canonicalJson, parseJson } from './canonical-json';
import { bytesEqual, frame, fromB64, toB64, utf8 } from './bytes';
import { SIZE, TAG } from './domain';
import { CryptoError } from './errors';
import { parseWith, zB64, zEpoch, zReviewerId, zSerial } from './schemas';
import { readySodium, type Sodium } from './sodium';
import type { Brand, OrganisationKeyPair, OrganisationPublicKey, SigningPublicKey, XWingPublicKey } from './types';

export const REVIEWER_ROLES = ['reviewer', 'coordinator', 'analyst'] as const;
export type ReviewerRole = (typeof REVIEWER_ROLES)[number];

/** Roles that receive report data keys. Analysts only receive team keys (aggregates, never narratives). */
export const REPORT_READER_ROLES: readonly ReviewerRole[] = ['reviewer', 'coordinator'];
/** Roles allowed to sign grants and team-key envelopes. */
export const GRANTER_ROLES: readonly ReviewerRole[] = ['coordinator'];

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const zTimestamp = z
  .string()
  .regex(ISO_SECONDS)
  .refine((text) => !Number.isNaN(Date.parse(text)) && new Date(Date.parse(text)).toISOString() === text.replace('Z', '.000Z'));

const zDirectoryEntry = z
  .object({
    id: zReviewerId,
    role: z.enum(REVIEWER_ROLES),
    xwingPublicKey: zB64,
    signingPublicKey: zB64,
  })
  .strict();

/** The signed body, exactly as serialised (canonical JSON) and signed. */
export const ZDirectoryBody = z
  .object({
    v: z.literal(1),
    organisation: z.string().min(1).max(200),
    serial: zSerial,
    issuedAt: zTimestamp,
    expiresAt: zTimestamp,
    teamEpoch: zEpoch,
    reviewers: z.array(zDirectoryEntry).max(10_000),
  })
  .strict();
export type TDirectoryBody = z.infer<typeof ZDirectoryBody>;

/** What the server stores and serves. `body` is the canonical JSON text that was signed. */
export const ZSignedDirectory = z
  .object({
    v: z.literal(1),
    body: z.string().max(16 * 1024 * 1024),
    signingKey: zB64,
    signature: zB64,
  })
  .strict();
export type TSignedDirectory = z.infer<typeof ZSignedDirectory>;

export type DirectoryEntry = {
  id: string;
  role: ReviewerRole;
  xwingPublicKey: XWingPublicKey;
  signingPublicKey: SigningPublicKey;
};

/** A directory whose signature, freshness, serial and uniqueness were checked by verifyDirectory. */
export type VerifiedDirectory = Brand<
  {
    organisation: string;
    serial: number;
    issuedAt: Date;
    expiresAt: Date;
    teamEpoch: number;
    reviewers: readonly DirectoryEntry[];
    signed: TSignedDirectory;
  },
  'VerifiedDirectory'
>;

export type SignDirectoryOptions = {
  organisation: string;
  serial: number;
  issuedAt: Date;
  expiresAt: Date;
  teamEpoch: number;
  reviewers: readonly DirectoryEntry[];
  organisationKey: OrganisationKeyPair;
};

function toTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new CryptoError('invalid_input', 'invalid date');
  return `${date.toISOString().slice(0, 19)}Z`;
}

function signatureMessage(body: string): Uint8Array {
  return frame(TAG.directorySignature, [utf8(body)]);
}

function decodeEntries(s: Sodium, body: TDirectoryBody): DirectoryEntry[] {
  const entries = body.reviewers.map((entry) => ({
    id: entry.id,
    role: entry.role,
    xwingPublicKey: fromB64(s, entry.xwingPublicKey, SIZE.xwingPublicKey) as XWingPublicKey,
    signingPublicKey: fromB64(s, entry.signingPublicKey, SIZE.ed25519PublicKey) as SigningPublicKey,
  }));
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const entry of body.reviewers) {
    if (ids.has(entry.id)) throw new CryptoError('duplicate', `reviewer ${entry.id} is listed twice`);
    ids.add(entry.id);
    for (const key of [`x:${entry.xwingPublicKey}`, `s:${entry.signingPublicKey}`]) {
      if (keys.has(key)) throw new CryptoError('duplicate', `a public key of ${entry.id} is listed twice`);
      keys.add(key);
    }
  }
  return entries;
}

/**
 * Signs a directory with the organisation key (in the admin's browser). Entries are sorted by id.
 * @throws CryptoError('invalid_input' | 'duplicate' | 'unavailable')
 */
export async function signDirectory(options: SignDirectoryOptions): Promise<TSignedDirectory> {
  const s = await readySodium();
  if (options.expiresAt.getTime() <= options.issuedAt.getTime()) {
    throw new CryptoError('invalid_input', 'expiresAt must be after issuedAt');
  }
  const reviewers = [...options.reviewers]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((entry) => ({
      id: entry.id,
      role: entry.role,
      xwingPublicKey: toB64(s, entry.xwingPublicKey),
      signingPublicKey: toB64(s, entry.signingPublicKey),
    }));
  const body = parseWith(
    ZDirectoryBody,
    {
      v: 1,
      organisation: options.organisation,
      serial: options.serial,
      issuedAt: toTimestamp(options.issuedAt),
      expiresAt: toTimestamp(options.expiresAt),
      teamEpoch: options.teamEpoch,
      reviewers,
    },
    'directory',
  );
  decodeEntries(s, body);
  const text = canonicalJson(body);
  const signature = s.crypto_sign_detached(signatureMessage(text), options.organisationKey.secretKey);
  return { v: 1, body: text, signingKey: toB64(s, options.organisationKey.publicKey), signature: toB64(s, signature) };
}

export type VerifyDirectoryOptions = {
  /** The stored directory as received from the server (any JSON value; validated here). */
  signed: unknown;
  /** Organisation public keys pinned by the deployment (more than one during a key rotation). */
  pinnedKeys: readonly OrganisationPublicKey[];
  now: Date;
  /** Highest serial this client has verified before, if it remembers one (rollback protection). */
  lastSeenSerial?: number;
  /** Tolerated clock skew for issuedAt in the future (default 5 minutes). */
  maxClockSkewMs?: number;
};

/**
 * Verifies a signed directory. Order: schema, signing key pinned ('unknown_key'), signature ('bad_signature'),
 * canonical encoding and body schema ('invalid_input'), freshness ('not_yet_valid' | 'expired'), serial
 * ('rollback'), uniqueness of ids and keys ('duplicate').
 * @throws CryptoError with the codes above, or 'unavailable'
 */
export async function verifyDirectory(options: VerifyDirectoryOptions): Promise<VerifiedDirectory> {
  const s = await readySodium();
  const signed = parseWith(ZSignedDirectory, options.signed, 'signed directory');
  const signingKey = fromB64(s, signed.signingKey, SIZE.ed25519PublicKey);
  const signature = fromB64(s, signed.signature, SIZE.signature);
  if (!options.pinnedKeys.some((pinned) => bytesEqual(s, pinned, signingKey))) {
    throw new CryptoError('unknown_key', 'directory signed by a key that is not pinned');
  }
  if (!s.crypto_sign_verify_detached(signature, signatureMessage(signed.body), signingKey)) {
    throw new CryptoError('bad_signature', 'directory signature does not verify');
  }
  const body = parseWith(ZDirectoryBody, parseJson(signed.body), 'directory body');
  if (canonicalJson(body) !== signed.body) throw new CryptoError('invalid_input', 'directory is not canonical');

  const issuedAt = new Date(body.issuedAt);
  const expiresAt = new Date(body.expiresAt);
  const skew = options.maxClockSkewMs ?? 5 * 60 * 1000;
  if (issuedAt.getTime() > options.now.getTime() + skew) {
    throw new CryptoError('not_yet_valid', 'directory issued in the future');
  }
  if (options.now.getTime() >= expiresAt.getTime()) throw new CryptoError('expired', 'directory has expired');
  if (options.lastSeenSerial !== undefined && body.serial < options.lastSeenSerial) {
    throw new CryptoError('rollback', `directory serial ${body.serial} is older than ${options.lastSeenSerial}`);
  }
  const reviewers = decodeEntries(s, body);
  return {
    organisation: body.organisation,
    serial: body.serial,
    issuedAt,
    expiresAt,
    teamEpoch: body.teamEpoch,
    reviewers,
    signed,
  } as unknown as VerifiedDirectory;
}

/** The directory entry for `id`, or undefined. */
export function findDirectoryEntry(directory: VerifiedDirectory, id: string): DirectoryEntry | undefined {
  return directory.reviewers.find((entry) => entry.id === id);
}

/**
 * Helper for revocation: the next directory without `reviewerId`, with serial + 1 and teamEpoch + 1 (a
 * coordinator must then seal the new team key with sealTeamKeyForReviewers).
 * @throws CryptoError('invalid_input') if the reviewer is not in the directory
 */
export async function signDirectoryWithout(options: {
  previous: VerifiedDirectory;
  reviewerId: string;
  organisationKey: OrganisationKeyPair;
  issuedAt: Date;
  expiresAt: Date;
}): Promise<TSignedDirectory> {
  const { previous } = options;
  if (!findDirectoryEntry(previous, options.reviewerId)) {
    throw new CryptoError('invalid_input', 'reviewer is not in the directory');
  }
  return signDirectory({
    organisation: previous.organisation,
    serial: previous.serial + 1,
    issuedAt: options.issuedAt,
    expiresAt: options.expiresAt,
    teamEpoch: previous.teamEpoch + 1,
    reviewers: previous.reviewers.filter((entry) => entry.id !== options.reviewerId),
    organisationKey: options.organisationKey,
  });
}
