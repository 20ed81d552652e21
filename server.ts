/**
 * The production server (`npm start`, `npm run demo`, the end-to-end tests, the benchmarks, systemd): Next.js in
 * this process (`next({ dev: false })`, the same request handler `next start` uses, proxy.ts included), with one
 * exception served before Next's request pipeline: the anonymous submission, `POST /api/reports`. That is the
 * request a flood of reports consists of, and Next's pipeline alone costs more CPU than the whole of storing one
 * (docs/architecture.md, "Intake throughput"). It is answered by the same function the route handler uses
 * (lib/reports/intake-endpoint.ts: body limit, schema, proof of work, replay, limits, group commit, error mapping)
 * with the same browser-policy headers proxy.ts gives it (lib/security/response-policy.ts), so the two answer
 * alike; e2e/reliability/fast-path.spec.ts compares them. Every other request, other methods on that path included, goes to Next
 * unchanged.
 *
 * Built by `npm run build` into .next/qorgau-server.mjs (scripts/build-server.ts; no TypeScript is compiled at run
 * time) and started from the project folder: `node .next/qorgau-server.mjs [-p port] [-H host]`, like `next start`
 * (PORT, or 3000; every interface unless -H). Logs only that it is ready: never a request, an address or a user agent.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { getDb } from '@/lib/db';
import { providerOfDb } from '@/lib/db/open-db';
import { getEnv } from '@/lib/env';
import { isSubmission, serveSubmission } from '@/lib/reports/intake-endpoint';
import { ThreadedIntakeWriter } from '@/lib/reports/intake-thread';
import { setIntakeWriter } from '@/lib/reports/intake-writer';
import { policyHeaders } from '@/lib/security/response-policy';

async function main(): Promise<void> {
  const { values } = parseArgs({
    // --no-intake-thread keeps the SQLite intake writer on the main thread (for measuring what the thread gains).
    options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' }, 'no-intake-thread': { type: 'boolean' } },
    strict: true,
  });
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`not a port: ${values.port ?? process.env.PORT}`);
  // As `next start` does: the production build of React and Next unless told otherwise.
  (process.env as Record<string, string | undefined>).NODE_ENV ||= 'production';
  process.title = 'qorgau-server';
  const { default: next } = await import('next');
  const app = next({ dev: false, dir: process.cwd(), hostname: values.hostname ?? 'localhost', port });
  // Loads the build and runs instrumentation.ts (configuration check, maintenance schedule) before listening.
  await app.prepare();
  const handle = app.getRequestHandler();
  // On SQLite the intake's group commits run in a thread of their own (lib/reports/intake-thread.ts), so that the
  // synchronous inserts and COMMIT's fsync do not hold the thread that reads and answers requests.
  const db = await getDb();
  if (providerOfDb(db) === 'sqlite' && !values['no-intake-thread']) {
    setIntakeWriter(db, await ThreadedIntakeWriter.start(new URL('./qorgau-intake-thread.mjs', import.meta.url), getEnv().DATABASE_URL, db));
  }
  // Neither handler should fail (answerSubmission answers every error itself, Next answers its own); if one does, the
  // answer is a bare 500 with the browser policy, as Next's own server gives, and nothing but the error's name is logged.
  const failed = (response: http.ServerResponse, error: unknown) => {
    process.stderr.write(`qorgau: unexpected ${error instanceof Error ? error.name : typeof error} while answering a request\n`);
    if (response.headersSent) return void response.destroy();
    response.writeHead(500, policyHeaders('/', '', null)).end();
  };
  const server = http.createServer((request, response) => {
    if (isSubmission(request.method, request.url)) {
      serveSubmission(request, response).catch((error: unknown) => failed(response, error));
      return;
    }
    handle(request, response).catch((error: unknown) => failed(response, error));
  });
  server.on('error', (error) => {
    process.stderr.write(`qorgau: the server could not start (${(error as NodeJS.ErrnoException).code ?? error.name})\n`);
    process.exit(1);
  });
  await new Promise<void>((resolve) => server.listen(port, values.hostname, resolve));
  // The port only: no address of any kind goes into the log (e2e/no-identifying-logs.spec.ts).
  const address = server.address();
  process.stdout.write(`qorgau: Ready on port ${typeof address === 'object' && address ? address.port : port}\n`);

  // A clean stop: no new connections, idle ones closed, the answers in progress finished (their commits included).
  // A second signal (a launcher passing on the one its process group got) changes nothing.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`qorgau: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
