/**
 * The intake writer's thread (lib/reports/intake-thread.ts): opens the database named by `workerData.databaseUrl`
 * with `openDb` (the app's PRAGMAs) and stores what the main thread sends with an `IntakeWriter` on the direct path
 * (lib/reports/sqlite-intake-store.ts: one synchronous transaction per group commit on this thread's connection,
 * which nothing else here uses), replying after each submission's commit (or with its refusal). Replies settled in
 * one turn of this thread's loop go back in one message, with the limit windows found full. Bundled by
 * scripts/build-server.ts as .next/qorgau-intake-thread.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDb, sqliteConnectionOf } from '@/lib/db/open-db';
import type { TFullWindow } from '@/lib/intake/rate-limit';
import { perTurn, replyFor, type TIntakeReplies, type TIntakeReply, type TIntakeRequest } from './intake-thread';
import { IntakeWriter } from './intake-writer';
import { SqliteIntakeStore } from './sqlite-intake-store';

const port = parentPort;
if (!port) throw new Error('lib/reports/intake-thread-main.ts runs as a worker thread only');
const db = await openDb((workerData as { databaseUrl: string }).databaseUrl);

// The windows found full go with the next message, which always carries the 429s that found them.
let full: TFullWindow[] = [];
const send = perTurn<TIntakeReply>((replies) => {
  port.postMessage({ replies, full } satisfies TIntakeReplies);
  full = [];
});

const writer = new IntakeWriter(db, { direct: new SqliteIntakeStore(sqliteConnectionOf(db)), onFull: (found) => full.push(...found) });
port.on('message', (batch: TIntakeRequest[]) => {
  for (const { id, submission } of batch) {
    writer.write(submission).then(
      () => send({ id, ok: true }),
      (error: unknown) => send(replyFor(id, error)),
    );
  }
});
port.postMessage({ ready: true });
