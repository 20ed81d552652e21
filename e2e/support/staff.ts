/**
 * Test fixtures for the staff workspace, made with lib/crypto exactly as the browsers make them: staff members
 * enrolled with keys, TOTP and a new signed directory (signed with the demo organisation key the e2e server wrote
 * to var/e2e), and reports sealed per the storage contract (docs/architecture.md). Each test creates its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { PrismaClient } from '@/generated/sqlite/client';
import { PrismaClient as PostgresClient } from '@/generated/postgres/client';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  createAttachmentKey,
  createReceipt,
  createReportId,
  decodeOrganisationPublicKey,
  decodeServerSecret,
  deriveReporterKeys,
  deriveReviewerPasswordKeys,
  encodeAttachmentKey,
  encryptAttachmentBlob,
  enrolReviewer,
  formatRecoveryKey,
  hashServerToken,
  importOrganisationKeyBackup,
  openTeamKey,
  sealMessageFromReporter,
  sealReport,
  sealTeamKeyForReviewers,
  signDirectory,
  unwrapReviewerKeys,
  verifyDirectory,
  type VerifiedDirectory,
} from '@/lib/crypto';
import { createTotpSecret, totpCode, TOTP_STEP_SECONDS } from '@/lib/auth/totp';
import { sealAtRest } from '@/lib/server-keys';
import { UPLOAD_CHUNK_BYTES, uploadChunkCount } from '@/lib/attachments/layout';
import { localDiskStorage } from '@/lib/attachments/storage';
import { providerOf, SQLITE_BUSY } from '@/lib/db/open-db';
import { e2eDir, serverInfo } from './server';

const KDF = { opsLimit: 2, memLimit: 64 * 1024 * 1024 };

export type TStaffMember = { id: string; login: string; password: string; totpSecret: string; role: 'coordinator' | 'reviewer' | 'analyst'; displayName: string; recoveryKey?: string };

let client: PrismaClient | undefined;
/** The e2e server's database, SQLite or PostgreSQL as its URL says (one client per test worker, opened at once). */
export function e2eDb(): PrismaClient {
  const url = serverInfo().env.DATABASE_URL!;
  client ??=
    providerOf(url) === 'postgresql'
      ? (new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as PrismaClient)
      : retryingWhenBusy(new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 10_000 }) }));
  return client;
}

/**
 * The server commits often (every counted request writes its intake counter), and a Prisma operation that reads
 * before it writes (an upsert, a nested create) gets SQLITE_BUSY at once if the server holds SQLite's write lock at
 * that moment. It did nothing, so it is sent again.
 */
function retryingWhenBusy(base: PrismaClient): PrismaClient {
  return base.$extends({
    query: {
      async $allOperations({ args, query }) {
        for (let attempt = 1; ; attempt += 1) {
          try {
            return await query(args);
          } catch (error) {
            const text = `${String((error as { code?: unknown } | null)?.code ?? '')} ${error instanceof Error ? error.message : ''}`;
            if (attempt >= 8 || !SQLITE_BUSY.test(text)) throw error;
            await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
          }
        }
      },
    },
  }) as unknown as PrismaClient;
}

const id = () => randomBytes(16).toString('base64url');
const day = () => new Date().toISOString().slice(0, 10);

export async function latestDirectory(organisationId: string): Promise<{ serial: number; directory: VerifiedDirectory }> {
  const db = e2eDb();
  const row = await db.reviewerDirectory.findFirstOrThrow({ where: { organisationId }, orderBy: { serial: 'desc' } });
  const pinned = await decodeOrganisationPublicKey(serverInfo().env.QORGAU_ORG_SIGNING_KEY!);
  const directory = await verifyDirectory({
    signed: { v: 1, body: row.body, signingKey: serverInfo().env.QORGAU_ORG_SIGNING_KEY!, signature: Buffer.from(row.signature).toString('base64url') },
    pinnedKeys: [pinned],
    now: new Date(),
  });
  return { serial: row.serial, directory };
}

/** Creates an active staff member with enrolled keys and TOTP, and publishes a directory that lists them. */
export async function createStaffMember(role: TStaffMember['role']): Promise<TStaffMember> {
  const db = e2eDb();
  const info = serverInfo();
  const organisation = await db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
  const member: TStaffMember = { id: id(), login: `${role}-${id().slice(0, 8).toLowerCase()}`, password: `pw-${id()}`, totpSecret: createTotpSecret(), role, displayName: `Test ${role} ${id().slice(0, 4)}` };
  const enrolled = await enrolReviewer({ reviewerId: member.id, password: member.password, params: KDF });
  const serverSecret = await decodeServerSecret(info.env.QORGAU_SERVER_SECRET!);
  const reviewerRow = {
    id: member.id,
    organisationId: organisation.id,
    login: member.login,
    displayName: member.displayName,
    role,
    status: 'active',
    passwordSalt: enrolled.salt,
    kdfOpsLimit: KDF.opsLimit,
    kdfMemLimit: KDF.memLimit,
    authKeyHash: await hashServerToken({ serverSecret, token: enrolled.authKey, purpose: 'auth-key' }),
    totpSecretSealed: sealAtRest(info.env.QORGAU_SERVER_SECRET!, 'totp-at-rest', new TextEncoder().encode(member.totpSecret), member.id) as Uint8Array<ArrayBuffer>,
    xwingPublicKey: enrolled.keys.xwing.publicKey as Uint8Array<ArrayBuffer>,
    signingPublicKey: enrolled.keys.signing.publicKey as Uint8Array<ArrayBuffer>,
    wrappedSecretKeys: JSON.stringify(enrolled.passwordWrapped),
    recoveryWrappedSecretKeys: JSON.stringify(enrolled.recoveryWrapped),
    createdAt: new Date(),
    approvedAt: new Date(),
  };
  // The member and the next directory, which lists every active member and them, are stored in one transaction: an
  // approval in the browser running in another test checks that its directory lists exactly the active staff, and
  // must never see a member who is active but not yet in a directory. Two workers may race for a serial: retry.
  const state = JSON.parse(fs.readFileSync(path.join(e2eDir, 'demo', 'demo-state.json'), 'utf8')) as { organisationKeyBackup: string };
  const organisationKey = await importOrganisationKeyBackup(state.organisationKeyBackup);
  for (let attempt = 0; ; attempt += 1) {
    const { serial, directory: current } = await latestDirectory(organisation.id);
    const active = await db.reviewer.findMany({ where: { organisationId: organisation.id, status: 'active', NOT: { xwingPublicKey: null } } });
    const now = new Date();
    const signed = await signDirectory({
      organisation: organisation.id,
      serial: serial + 1,
      issuedAt: new Date(now.getTime() - 60_000),
      expiresAt: new Date(now.getTime() + 30 * 86_400_000),
      // Revocation tests move the epoch on: keep the current one.
      teamEpoch: current.teamEpoch,
      reviewers: [...active, reviewerRow].map((r) => ({ id: r.id, role: r.role as TStaffMember['role'], xwingPublicKey: r.xwingPublicKey! as never, signingPublicKey: r.signingPublicKey! as never })),
      organisationKey,
    });
    try {
      await db.$transaction([
        db.reviewer.create({ data: reviewerRow }),
        db.reviewerDirectory.create({ data: { id: id(), organisationId: organisation.id, serial: serial + 1, body: signed.body, signature: Buffer.from(signed.signature, 'base64url'), createdDay: day() } }),
      ]);
      break;
    } catch (error) {
      if (attempt > 5) throw error;
    }
  }
  // The demo coordinator seals the current team key to the new member.
  const coordinatorAccount = info.demo.accounts.find((a) => a.role === 'coordinator')!;
  const coordinator = await db.reviewer.findFirstOrThrow({ where: { organisationId: organisation.id, login: coordinatorAccount.login } });
  const { wrapKey } = await deriveReviewerPasswordKeys({ password: coordinatorAccount.password, salt: coordinator.passwordSalt, params: { opsLimit: coordinator.kdfOpsLimit, memLimit: coordinator.kdfMemLimit } });
  const coordinatorKeys = await unwrapReviewerKeys({ reviewerId: coordinator.id, wrapped: JSON.parse(coordinator.wrappedSecretKeys!), wrapKey });
  const { directory } = await latestDirectory(organisation.id);
  const own = await db.teamKeyEnvelope.findFirstOrThrow({ where: { reviewerId: coordinator.id, epoch: directory.teamEpoch } });
  const teamKey = await openTeamKey({ envelope: JSON.parse(own.envelope), directory, reviewerId: coordinator.id, keys: coordinatorKeys });
  const [envelope] = await sealTeamKeyForReviewers({ teamKey, directory, granterId: coordinator.id, granterKeys: coordinatorKeys, reviewerIds: [member.id] });
  // A revocation running in another test may have rotated the team key meanwhile and sealed the new
  // epoch to everyone in the directory, this member included: keep that envelope if it exists. (Prisma's upsert
  // reads, then creates: the revocation can store its envelope in between, and then the create clashes.)
  try {
    await db.teamKeyEnvelope.upsert({
      where: { organisationId_epoch_reviewerId: { organisationId: organisation.id, epoch: directory.teamEpoch, reviewerId: member.id } },
      update: {},
      create: { id: id(), organisationId: organisation.id, epoch: directory.teamEpoch, reviewerId: member.id, envelope: JSON.stringify(envelope) },
    });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 'P2002') throw error;
  }
  return { ...member, recoveryKey: formatRecoveryKey(enrolled.recoveryKey) };
}

/** A file to attach to a seeded report. `state` says what the server holds: the whole ciphertext (default), an
 *  unfinished upload, nothing at all (cleaned up), or a ciphertext with one byte flipped (tampered at rest). */
export type TSeedFile = { bytes: Uint8Array; type: string; name: string; state?: 'stored' | 'incomplete' | 'missing' | 'tampered' };

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of stream as unknown as AsyncIterable<Uint8Array>) parts.push(part);
  return Buffer.concat(parts);
}

/**
 * Seals a report as the reporter's browser does and stores it per the storage contract: Report.sealed is the
 * envelope without `recipients`; each recipient is a ReportEnvelope row {kind: "recipient", …}. Files are encrypted
 * with lib/crypto (key, type and generic name in the sealed manifest), cut into upload pieces and written through the
 * attachment storage the server reads, with their Attachment rows. Optionally adds a message from the reporter.
 */
export async function seedReport(options: { report: Record<string, unknown>; reporterMessage?: string; files?: TSeedFile[] }): Promise<{ reportId: string }> {
  const db = e2eDb();
  const info = serverInfo();
  const organisation = await db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } });
  const { directory } = await latestDirectory(organisation.id);
  const reportId = await createReportId();
  const storage = localDiskStorage(info.env.QORGAU_UPLOAD_DIR!);
  const manifest: Record<string, unknown>[] = [];
  const rows: { id: string; index: number; storageKey: string; encryptedSize: number; chunkSize: number; chunkCount: number; receivedChunks: number; isComplete: boolean; createdDay: string; expiresDay: string }[] = [];
  for (const [index, file] of (options.files ?? []).entries()) {
    const key = await createAttachmentKey();
    manifest.push({ index, key: await encodeAttachmentKey(key), type: file.type, size: file.bytes.byteLength, name: file.name, metadataRemoved: true });
    const ciphertext = await readAll(await encryptAttachmentBlob({ blob: new Blob([file.bytes as Uint8Array<ArrayBuffer>]), key, binding: { reportId, index } }));
    if (file.state === 'tampered') ciphertext[ciphertext.length - 100]! ^= 1;
    if (file.state === 'missing') continue;
    const storageKey = id();
    const chunkCount = uploadChunkCount(ciphertext.length);
    const stored = file.state === 'incomplete' ? chunkCount - 1 : chunkCount;
    for (let n = 0; n < stored; n += 1) await storage.putChunk({ storageKey, n, count: chunkCount, bytes: ciphertext.subarray(n * UPLOAD_CHUNK_BYTES, (n + 1) * UPLOAD_CHUNK_BYTES) });
    rows.push({ id: id(), index, storageKey, encryptedSize: ciphertext.length, chunkSize: UPLOAD_CHUNK_BYTES, chunkCount, receivedChunks: stored, isComplete: stored === chunkCount, createdDay: day(), expiresDay: day() });
  }
  const report = options.files ? { ...options.report, attachments: manifest } : options.report;
  const reporter = await deriveReporterKeys(await createReceipt());
  const serverSecret = await decodeServerSecret(info.env.QORGAU_SERVER_SECRET!);
  const accessTokenHash = await hashServerToken({ serverSecret, token: reporter.accessToken, purpose: 'access-token' });
  let dataKey: Awaited<ReturnType<typeof sealReport>>['dataKey'];
  // Like the intake, keep only a report sealed for the newest directory: if a directory change (a revocation in a
  // parallel test) landed while this one was sealed and stored, remove it and seal it again, so no revoked reviewer
  // keeps an envelope. Checked after the write rather than in one transaction with it, so this helper holds the
  // database's write lock no longer than the plain insert did.
  for (let attempt = 0, current = directory; ; attempt += 1) {
    const sealed = await sealReport({ reportId, report: report as never, directory: current, reporter });
    const { recipients, ...core } = sealed.envelope;
    await db.report.create({
      data: {
        id: reportId,
        organisationId: organisation.id,
        directorySerial: current.serial,
        sealed: JSON.stringify(core),
        accessTokenHash,
        // A reviewer opens a report whose files are partly missing: the clean-up counted them.
        isComplete: true,
        expectedAttachments: manifest.length,
        missingAttachments: (options.files ?? []).filter((f) => f.state === 'missing').length,
        receivedDay: day(),
        updatedDay: day(),
        envelopes: {
          create: recipients.map((r) => ({ id: id(), reviewerId: r.reviewerId, envelope: JSON.stringify({ kind: 'recipient', kemCiphertext: r.kemCiphertext, wrappedKey: r.wrappedKey }) })),
        },
        attachments: { create: rows },
      },
    });
    const latest = await latestDirectory(organisation.id);
    if (latest.serial === current.serial || attempt >= 5) {
      dataKey = sealed.dataKey;
      break;
    }
    await db.report.delete({ where: { id: reportId } });
    current = latest.directory;
  }
  if (options.reporterMessage) {
    const message = await sealMessageFromReporter({ reportId, dataKey, reporter, text: options.reporterMessage });
    await db.message.create({ data: { id: id(), reportId, seq: 1, direction: 'to-reviewers', sealed: JSON.stringify(message), createdDay: day() } });
  }
  return { reportId };
}

/** Signs in through the staff page as a person would, and waits for the unlocked workspace. */
export async function signInInBrowser(page: Page, member: TStaffMember) {
  await page.goto('/en/review');
  await page.getByLabel('Login name').fill(member.login);
  await page.getByLabel('Password').fill(member.password);
  await page.getByLabel('Six-digit code from your authenticator app').fill(await waitForFreshTotp(member));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toContainText(member.displayName, { timeout: 20_000 });
}

/** A fresh TOTP code, waiting for the next 30-second step when this member has used up the current ones. */
export async function waitForFreshTotp(member: TStaffMember): Promise<string> {
  for (;;) {
    try {
      return freshTotp(member);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

/** A TOTP code that has not been used yet for this member: the current step, or the next one (accepted ±1). */
const usedSteps = new Map<string, number>();

/** Records that the TOTP step of `at` was used for this member elsewhere (an enrolment claims its code's step). */
export function markTotpStepUsed(member: TStaffMember, at: Date): void {
  const step = Math.floor(at.getTime() / 1000 / TOTP_STEP_SECONDS);
  usedSteps.set(member.id, Math.max(usedSteps.get(member.id) ?? -1, step));
}
export function freshTotp(member: TStaffMember): string {
  const step = Math.floor(Date.now() / 1000 / TOTP_STEP_SECONDS);
  const last = usedSteps.get(member.id) ?? -1;
  const use = Math.max(step, last + 1);
  if (use > step + 1) throw new Error('no fresh TOTP step available; wait 30 s');
  usedSteps.set(member.id, use);
  return totpCode(member.totpSecret, new Date(use * TOTP_STEP_SECONDS * 1000));
}

/** Signs in through next-auth's credentials endpoint, deriving the auth key as the browser does. */
export async function apiSignIn(request: APIRequestContext, member: TStaffMember, overrides: { password?: string; totp?: string; login?: string } = {}) {
  const login = overrides.login ?? member.login;
  const params = (await (await request.post('/api/staff/prelogin', { data: { login } })).json()) as { salt: string; opsLimit: number; memLimit: number };
  const { authKey } = await deriveReviewerPasswordKeys({ password: overrides.password ?? member.password, salt: params.salt, params: { opsLimit: params.opsLimit, memLimit: params.memLimit } });
  const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await request.post('/api/auth/callback/credentials', {
    form: { login, authKey, totp: overrides.totp ?? freshTotp(member), csrfToken, json: 'true' },
    headers: { 'X-Auth-Return-Redirect': '1' },
    maxRedirects: 0,
  });
  const body = (await response.json().catch(() => ({}))) as { url?: string };
  const error = body.url ? new URL(body.url, 'http://x').searchParams.get('error') : null;
  return { response, error, ok: response.ok() && !error };
}
