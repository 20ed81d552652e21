import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '@/lib/http/errors';
import type { Db } from '@/lib/db/open-db';
import { rememberFull, type TFullWindow } from '@/lib/intake/rate-limit';
import type { TIntakeWriter, TPendingSubmission } from './intake-writer';

/**
 * The intake writer in a worker thread, for SQLite under server.ts. better-sqlite3 is synchronous: every statement,
 * and above all each group commit's COMMIT with its fsync (synchronous=FULL), held the main thread, which could not
 * read, check or answer other requests meanwhile (about a third of its time under a flood of reports). The thread
 * (lib/reports/intake-thread-main.ts) runs an `IntakeWriter` (lib/reports/intake-writer.ts: group commit) whose
 * batches go to `SqliteIntakeStore` (lib/reports/sqlite-intake-store.ts: the directory check, clashes with what is
 * stored, the limits counted in the same transaction, the inserts, in one synchronous transaction) on a SQLite
 * connection of its own, opened with `openDb` like the app's. The main thread reads and checks each submission as
 * before (body, schema, proof of work, attachment limits) and hands it over; its promise settles when the thread
 * answers, which it does only after the commit that holds it. A refusal comes back as the same `AppError`.
 *
 * Two connections to one SQLite file in one process: each waits for the other's write lock with the busy timeout
 * (the main thread's writes, such as spending a proof of work, then wait while a group commit holds it: a few
 * hundred microseconds, or one fsync), and neither waits on the other's thread to finish its transaction, so they
 * cannot deadlock. If the thread stops, every waiting submission fails (not acknowledged, nothing half-stored:
 * SQLite rolls back what was not committed) and the process exits, to be restarted by whatever runs it.
 */

/** A submission's fate as the thread reports it. */
export type TIntakeReply =
  | { id: number; ok: true }
  | { id: number; ok: false; refusal: { code: ErrorCode; message: string; headers: Record<string, string> } }
  | { id: number; ok: false; failure: { name: string; code?: string } };

/** What the main thread sends: the submissions handed over in one turn of its event loop. */
export type TIntakeRequest = { id: number; submission: TPendingSubmission };

/** What the thread sends back: the fates settled in one turn of its loop, and the limit windows it found full. */
export type TIntakeReplies = { replies: TIntakeReply[]; full: TFullWindow[] };

/**
 * Collects what is added in one turn of the event loop and hands it to `flush` as one array at the end of the turn:
 * both sides of the thread send one message per turn (one copy, one wake-up) rather than one per submission.
 */
export function perTurn<T>(flush: (items: T[]) => void): (item: T) => void {
  let items: T[] = [];
  return (item) => {
    if (items.push(item) === 1) {
      setImmediate(() => {
        const batch = items;
        items = [];
        flush(batch);
      });
    }
  };
}

/** The reply for an error the thread's writer rejected a submission with: refusals whole, anything else by name only. */
export function replyFor(id: number, error: unknown): TIntakeReply {
  if (error instanceof AppError) return { id, ok: false, refusal: { code: error.code, message: error.message, headers: error.headers } };
  const code = (error as { code?: unknown } | null)?.code;
  return { id, ok: false, failure: { name: error instanceof Error ? error.name : typeof error, ...(typeof code === 'string' ? { code } : {}) } };
}

export class ThreadedIntakeWriter implements TIntakeWriter {
  private nextId = 1;
  private isClosing = false;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>();
  // The submissions checked in one turn of the event loop go over in one message.
  private readonly send = perTurn<TIntakeRequest>((batch) => this.worker.postMessage(batch));

  private constructor(
    private readonly worker: Worker,
    private readonly db: Db,
  ) {
    worker.on('message', ({ replies, full }: TIntakeReplies) => {
      // Before the 429s are answered: the next submission of the flood is refused before its proof of work is checked.
      if (full.length > 0) rememberFull(this.db, full);
      for (const reply of replies) this.settle(reply);
    });
    worker.on('error', (error) => this.stopped(error));
    worker.on('exit', () => this.stopped(new Error('the intake thread exited')));
  }

  /**
   * Starts the thread from the bundled `file` (.next/qorgau-intake-thread.mjs) on the database of `db` (the main
   * thread's client, whose limit memo learns the full windows) and waits until its connection is open.
   */
  static async start(file: URL, databaseUrl: string, db: Db): Promise<ThreadedIntakeWriter> {
    const worker = new Worker(file, { workerData: { databaseUrl } });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if ((message as { ready?: unknown } | null)?.ready !== true) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        worker.off('exit', onExit);
        resolve();
      };
      const onExit = (code: number) => reject(new Error(`the intake thread exited with code ${code} before its database was open`));
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', onExit);
    });
    // The thread never keeps the process alive by itself.
    worker.unref();
    return new ThreadedIntakeWriter(worker, db);
  }

  write(submission: TPendingSubmission): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.send({ id, submission });
    });
  }

  /** Stops the thread (tests): what it has not answered yet fails. */
  async close(): Promise<void> {
    this.isClosing = true;
    await this.worker.terminate();
    for (const waiting of this.waiting.values()) waiting.reject(new Error('the intake thread was closed'));
    this.waiting.clear();
  }

  private settle(reply: TIntakeReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    if (reply.ok) waiting.resolve();
    else if ('refusal' in reply) waiting.reject(new AppError(reply.refusal.code, reply.refusal.message, { headers: reply.refusal.headers }));
    else waiting.reject(Object.assign(new Error('the intake thread failed'), { name: reply.failure.name, code: reply.failure.code }));
  }

  private stopped(error: Error): void {
    if (this.isClosing) return;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
    process.stderr.write(`qorgau: the intake thread stopped (${error.name}); exiting\n`);
    process.exit(1);
  }
}
