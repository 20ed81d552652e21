/**
 * npm run audit:verify [-- --org <slug>] [-- --since <seq>:<hash>]: checks every organisation's hash-chained audit
 * log in this deployment's database (.env decides which), offline, with the server secret: sequence numbers without
 * gaps from 1, each entry linked to the one before, each HMAC recomputed. Prints the number of entries and the head
 * hash, which an operator can write down elsewhere; `--since 41:ab12…` then also proves that entry 41 still has that
 * hash, so that deleting the newest entries (which leaves a shorter chain that is still valid) is noticed too.
 * Exits 1 when a chain is broken or the remembered entry differs, 2 on a usage error.
 */
import { verifyAuditChain } from '../lib/audit/audit-chain';
import { openDb } from '../lib/db/open-db';
import { loadDeployment } from './deployment';

type TArgs = { org?: string; since?: { seq: number; hash: string } };

function parseArgs(argv: string[]): TArgs {
  const args: TArgs = {};
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i];
    const value = argv[i + 1];
    if (name === '--org' && value) {
      args.org = value;
      i += 1;
    } else if (name === '--since' && value && /^[1-9][0-9]{0,9}:[0-9a-f]{64}$/.test(value)) {
      const [seq, hash] = value.split(':');
      args.since = { seq: Number(seq), hash: hash! };
      i += 1;
    } else {
      throw new UsageError(`unknown or incomplete argument "${name}"`);
    }
  }
  return args;
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const { env, databaseUrl } = loadDeployment();
  const db = await openDb(databaseUrl);
  try {
    const organisations = await db.organisation.findMany({
      where: args.org ? { slug: args.org } : {},
      select: { id: true, slug: true },
      orderBy: { slug: 'asc' },
    });
    if (organisations.length === 0) {
      console.error(args.org ? `no organisation "${args.org}" in this database` : 'no organisation in this database');
      return 1;
    }
    if (args.since && organisations.length > 1) throw new UsageError('--since needs --org: a remembered entry belongs to one organisation');
    let broken = false;
    for (const organisation of organisations) {
      const result = await verifyAuditChain(db, { serverSecret: env.QORGAU_SERVER_SECRET, organisationId: organisation.id });
      if (!result.ok) {
        broken = true;
        console.log(`${organisation.slug}: BROKEN at entry ${result.brokenAtSeq} (${result.reason.replace('_', ' ')}); ${result.count} entries stored`);
        continue;
      }
      console.log(`${organisation.slug}: ${result.count} entries, chain intact, head ${result.count}:${result.head}`);
      if (args.since) {
        const entry = await db.auditEvent.findUnique({
          where: { organisationId_seq: { organisationId: organisation.id, seq: args.since.seq } },
          select: { hash: true },
        });
        if (!entry) {
          broken = true;
          console.log(`${organisation.slug}: entry ${args.since.seq} is gone: the newest entries were deleted`);
        } else if (entry.hash !== args.since.hash) {
          broken = true;
          console.log(`${organisation.slug}: entry ${args.since.seq} has another hash than the one remembered: the chain was rewritten`);
        } else {
          console.log(`${organisation.slug}: entry ${args.since.seq} still has the remembered hash`);
        }
      }
    }
    return broken ? 1 : 0;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
