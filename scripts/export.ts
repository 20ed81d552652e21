/**
 * The command-line export, for NGOs that automate their yearly reporting:
 *
 *   QORGAU_PASSWORD=… npm run export -- --url https://qorgau.example.org --login analyst1 --totp 123456 \
 *     --org-key <organisation public key> --from 2025-01 --to 2025-12 --out ./exports
 *
 * Signs in with a reviewer's or analyst's login, password and TOTP code, unlocks their keys here (the password never
 * leaves this process), verifies the signed reviewer directory against the pinned organisation key, opens the
 * triage records with the team key and writes the same files as the statistics page, with the same lib/ code
 * (lib/review/workspace-client, lib/stats, lib/exports). Each export is recorded in the audit log as from the
 * browser. The password is read from QORGAU_PASSWORD or, when that is unset, from standard input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { buildExport } from '../lib/exports/build-export';
import { EXPORT_KINDS, today, ZExportKind, ZExportOptions, type TExportKind } from '../lib/exports/export-context';
import { signInWithCredentials } from '../lib/review/sign-in-with-credentials';
import { createCookieTransport, setStaffTransport } from '../lib/review/staff-transport';
import { openWorkspace, wipeKeys } from '../lib/review/workspace-client';
import { loadStatsRecords, recordExportInAudit } from '../lib/stats/stats-client';
import { DEFAULT_THRESHOLD } from '../lib/stats/suppress';

const usage = `Usage: npm run export -- --url URL --login LOGIN --totp CODE --org-key KEY [options]
  --url URL            the Qorgau deployment (its origin)
  --login LOGIN        a reviewer's, coordinator's or analyst's login name
  --totp CODE          the current six-digit code from their authenticator app
  --org-key KEY        the organisation's public signing key (base64url), as pinned in the deployment's
                       configuration (QORGAU_ORG_SIGNING_KEY); also read from that variable
  --out DIR            where to write the files (default: .)
  --from YYYY-MM       first month (verified month) counted
  --to YYYY-MM         last month counted
  --category ID        only cases with this ILGA-Europe category (repeatable)
  --verified-only      only verified cases
  --threshold N        small-count threshold (default ${DEFAULT_THRESHOLD})
  --kind KIND          one of ${EXPORT_KINDS.join(', ')} (repeatable; default: all)
The password is read from QORGAU_PASSWORD, or asked for on standard input.`;

async function readPassword(): Promise<string> {
  if (process.env.QORGAU_PASSWORD) return process.env.QORGAU_PASSWORD;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write('Password: ');
  const line = await rl[Symbol.asyncIterator]().next();
  rl.close();
  return typeof line.value === 'string' ? line.value : '';
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      login: { type: 'string' },
      totp: { type: 'string' },
      'org-key': { type: 'string' },
      out: { type: 'string', default: '.' },
      from: { type: 'string' },
      to: { type: 'string' },
      category: { type: 'string', multiple: true, default: [] },
      'verified-only': { type: 'boolean', default: false },
      threshold: { type: 'string', default: String(DEFAULT_THRESHOLD) },
      kind: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const orgKey = values['org-key'] ?? process.env.QORGAU_ORG_SIGNING_KEY;
  if (values.help || !values.url || !values.login || !values.totp || !orgKey) {
    process.stderr.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const options = ZExportOptions.parse({
    filters: { from: values.from ?? null, to: values.to ?? null, categories: values.category, verifiedOnly: values['verified-only'] },
    threshold: Number(values.threshold),
    generatedDay: today(),
  });
  const kinds: TExportKind[] = values.kind.length > 0 ? values.kind.map((k) => ZExportKind.parse(k)) : [...EXPORT_KINDS];

  setStaffTransport(createCookieTransport(values.url));
  const { wrapKey } = await signInWithCredentials({ login: values.login, password: await readPassword(), totp: values.totp.replace(/\s/g, '') });
  const workspace = await openWorkspace({ pinnedKey: orgKey, password: '', wrapKey });
  try {
    const { records, timings } = await loadStatsRecords(workspace);
    process.stderr.write(`Opened ${timings.records} records (fetch ${Math.round(timings.fetchMs)} ms, decrypt ${Math.round(timings.decryptMs)} ms).\n`);
    fs.mkdirSync(values.out, { recursive: true });
    for (const kind of kinds) {
      const file = await buildExport(kind, records, options);
      await recordExportInAudit(kind);
      const target = path.join(values.out, file.fileName);
      fs.writeFileSync(target, file.content);
      process.stdout.write(`${target}\n`);
    }
  } finally {
    wipeKeys(workspace);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A plain message: never a stack with request data in it.
    process.stderr.write(`export failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
