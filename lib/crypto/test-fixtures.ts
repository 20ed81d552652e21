/**
 * Shared fixtures for the unit tests (not part of the public API; imported only by *.test.ts, the vector script and
 * the browser test page e2e/crypto/streams-page.ts).
 * Argon2id runs with the cheapest parameters here because its cost is not what these tests examine; the receipt and
 * password tests check the real parameters separately.
 */
import { signDirectory, verifyDirectory, type DirectoryEntry, type ReviewerRole, type VerifiedDirectory } from './directory';
import { createOrganisationKeyWith } from './organisation-key';
import { deterministicRandom, systemRandom, type RandomSource } from './random';
import { createReceiptWith, deriveReporterKeysWith } from './receipt';
import { createReviewerKeysWith } from './reviewer-keys';
import { readySodium, type Sodium } from './sodium';
import type { OrganisationKeyPair, Receipt, ReporterKeys, ReviewerKeys } from './types';

export const CHEAP_KDF = { opsLimit: 1, memLimit: 8 * 1024 } as const;
export const NOW = new Date('2026-11-21T12:00:00Z');
export const DAY = 24 * 60 * 60 * 1000;

export type Member = { id: string; role: ReviewerRole; keys: ReviewerKeys };

export type World = {
  s: Sodium;
  random: RandomSource;
  org: OrganisationKeyPair;
  members: Member[];
  directory: VerifiedDirectory;
  receipt: Receipt;
  reporter: ReporterKeys;
  member: (id: string) => Member;
};

export function entryOf(member: Member): DirectoryEntry {
  return {
    id: member.id,
    role: member.role,
    xwingPublicKey: member.keys.xwing.publicKey,
    signingPublicKey: member.keys.signing.publicKey,
  };
}

/** An organisation, a signed and verified directory (alice, bob: reviewers; carol: coordinator; dana: analyst) and a reporter. */
export async function createWorld(seed?: Uint8Array): Promise<World> {
  const s = await readySodium();
  const random = seed ? deterministicRandom(s, seed) : systemRandom(s);
  const org = createOrganisationKeyWith(s, random);
  const roles: [string, ReviewerRole][] = [
    ['alice', 'reviewer'],
    ['bob', 'reviewer'],
    ['carol', 'coordinator'],
    ['dana', 'analyst'],
  ];
  const members = roles.map(([id, role]) => ({ id, role, keys: createReviewerKeysWith(s, random) }));
  const signed = await signDirectory({
    organisation: 'Qorgau test',
    serial: 7,
    issuedAt: new Date(NOW.getTime() - DAY),
    expiresAt: new Date(NOW.getTime() + 30 * DAY),
    teamEpoch: 1,
    reviewers: members.map(entryOf),
    organisationKey: org,
  });
  const directory = await verifyDirectory({ signed, pinnedKeys: [org.publicKey], now: NOW });
  const receipt = createReceiptWith(random);
  const reporter = deriveReporterKeysWith(s, receipt, CHEAP_KDF);
  const member = (id: string): Member => {
    const found = members.find((m) => m.id === id);
    if (!found) throw new Error(`no member ${id}`);
    return found;
  };
  return { s, random, org, members, directory, receipt, reporter, member };
}

/** Flips bit `bit` of a copy of `bytes`. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return copy;
}

export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A stream that delivers `bytes` in pieces of `pieceSize`. */
export function streamOf(bytes: Uint8Array, pieceSize = 50_000): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + pieceSize));
      offset += pieceSize;
    },
  });
}
