import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { attachmentEncryptedSize, createAttachmentKey, decryptAttachmentStream, encryptAttachmentBlob } from '@/lib/crypto';
import { UPLOAD_CHUNK_BYTES, uploadChunkCount } from '@/lib/attachments/layout';
import { localDiskStorage } from '@/lib/attachments/storage';
import { openDb, providerOf } from '@/lib/db/open-db';
import { dropPostgresDatabase } from '@/lib/db/test-database';
import { newId } from '@/lib/ids';
import { e2ePort } from '../../playwright.config';
import { fetchDirectory, prepareSubmission, prepareSubmissions, runLoad, verifyIntake } from '../../bench/intake/load';
import { demoReviewer } from '../support/reporter';
import { ServerProcess } from '../support/server-process';

/**
 * Issue 7 item 2 at a small size: concurrent anonymous submissions against a server of its own,
 * which is killed with SIGKILL mid-run and started again on the same data while the load goes on.
 * Every acknowledged submission must be stored whole and open with the demo reviewer's key, nothing
 * unacknowledged may be half-stored, and an attachment upload cut by the crash resumes afterwards.
 */
test('a server killed mid-load loses no acknowledged submission, and an upload in flight resumes', async () => {
  test.setTimeout(240_000);
  const server = new ServerProcess(e2ePort + 30, `var/e2e-crash-${e2ePort}`, { QORGAU_E2E_INTAKE_PER_MINUTE: '100000' });
  try {
    await server.start();
    const info = server.info();
    const serverSecret = info.env.QORGAU_SERVER_SECRET!;
    const { prepared, directory } = await prepareSubmissions({ baseUrl: server.baseUrl, serverSecret, pinnedKey: info.demo.organisationPublicKey, count: 160, difficulty: 8 });

    // A report with a three-piece attachment: the report and its first piece arrive before the crash.
    const file = randomBytes(2 * UPLOAD_CHUNK_BYTES + 1000);
    const key = await createAttachmentKey();
    const attachmentId = newId();
    const encryptedSize = attachmentEncryptedSize(file.length);
    const withFile = await prepareSubmission({
      serverSecret,
      directory: await fetchDirectory(server.baseUrl, info.demo.organisationPublicKey),
      difficulty: 8,
      label: 'upload',
      attachments: [{ id: attachmentId, index: 0, encryptedSize }],
    });
    const ciphertext = new Uint8Array(await new Response(await encryptAttachmentBlob({ blob: new Blob([file]), key, binding: { reportId: withFile.reportId, index: 0 } })).arrayBuffer());
    const pieces = uploadChunkCount(encryptedSize);
    expect(pieces).toBe(3);
    const put = (n: number) =>
      fetch(`${server.baseUrl}/api/uploads/${attachmentId}/${n}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${withFile.accessToken}` },
        body: ciphertext.subarray(n * UPLOAD_CHUNK_BYTES, Math.min(encryptedSize, (n + 1) * UPLOAD_CHUNK_BYTES)),
      });
    expect((await fetch(`${server.baseUrl}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: withFile.body })).status).toBe(201);
    expect((await put(0)).status).toBe(200);

    // The kill comes once a third of the submissions have their answer, wherever the machine's speed.
    let reachedThird: () => void = () => undefined;
    const third = new Promise<void>((resolve) => (reachedThird = resolve));
    const load = runLoad({ baseUrl: server.baseUrl, prepared, concurrency: 8, durationMs: 120_000, onTick: (done) => done >= prepared.length / 3 && reachedThird() });
    await third;
    const killedAt = Date.now();
    await server.stop('SIGKILL');
    await server.start({ keep: true });
    const restartedAt = Date.now();

    // The upload resumes where it stopped: the server says one piece arrived, the rest follow.
    const status = await fetch(`${server.baseUrl}/api/uploads/${attachmentId}`, { headers: { authorization: `Bearer ${withFile.accessToken}` } });
    expect(await status.json()).toMatchObject({ receivedChunks: 1 });
    for (let n = 1; n < pieces; n += 1) expect((await put(n)).status).toBe(200);

    const outcomes = await load;
    const acknowledged = outcomes.filter((o) => o.status === 201);
    expect(acknowledged.filter((o) => o.at < killedAt).length).toBeGreaterThan(0);
    expect(acknowledged.filter((o) => o.at > restartedAt).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.status !== 201 && o.status !== 'network')).toEqual([]);

    const db = await openDb(info.env.DATABASE_URL!);
    try {
      const reviewer = await demoReviewer(db, info);
      const verified = await verifyIntake({ db, outcomes, reviewer, directory });
      expect(verified).toEqual({ acknowledged: acknowledged.length, lost: 0, damaged: 0, halfStored: 0 });

      const report = await db.report.findUniqueOrThrow({ where: { id: withFile.reportId }, include: { attachments: true } });
      expect(report.isComplete).toBe(true);
      const stored = report.attachments[0]!;
      expect(stored).toMatchObject({ isComplete: true, receivedChunks: pieces });
      const plain = await decryptAttachmentStream({
        source: localDiskStorage(info.env.QORGAU_UPLOAD_DIR!).readObject({ storageKey: stored.storageKey, count: stored.chunkCount }),
        key,
        binding: { reportId: withFile.reportId, index: 0 },
      });
      expect(Buffer.from(await new Response(plain).arrayBuffer()).equals(file)).toBe(true);
    } finally {
      await db.$disconnect();
    }
  } finally {
    await server.stop();
    // Its data goes with it: the folder, and on the PostgreSQL lane its database.
    const url = fs.existsSync(path.join(server.dir, 'server.json')) ? server.info().env.DATABASE_URL : undefined;
    if (url && providerOf(url) === 'postgresql') await dropPostgresDatabase(url);
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});
