/**
 * The intake writer's thread (lib/reports/intake-thread.ts): opens the database named by `workerData.databaseUrl`
 * with `openDb` and stores what the main thread sends with the unchanged `IntakeWriter`, replying after each
 * submission's commit (or with its refusal). Bundled by scripts/build-server.ts as .next/qorgau-intake-thread.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '@/lib/db/open-db';
import { replyFor, type TIntakeReply, type TIntakeRequest } from './intake-thread';
import { intakeWriterFor } from './intake-writer';

const port = parentPort;
if (!port) throw new Error('lib/reports/intake-thread-main.ts runs as a worker thread only');
const db = await openDb((workerData as { databaseUrl: string }).databaseUrl);
const writer = intakeWriterFor(db);
port.on('message', ({ id, submission }: TIntakeRequest) => {
  writer.write(submission).then(
    () => port.postMessage({ id, ok: true } satisfies TIntakeReply),
    (error: unknown) => port.postMessage(replyFor(id, error)),
  );
});
port.postMessage({ ready: true });
