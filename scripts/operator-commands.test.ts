import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvent } from '@/lib/audit/audit-chain';
import { submitReport } from '@/lib/reports/submit-report';
import { buildSubmission, createIntakeFixture, type TIntakeFixture } from '@/lib/reports/test-support';

/**
 * The operators' commands exactly as package.json runs them (`npm run …`), in a child process against a real
 * database: a command that cannot even load (as `npm run retention` once could not, on a server-only import) fails
 * here rather than on a deployment.
 */
const root = path.resolve(import.meta.dirname, '..');

function npmRun(fixture: TIntakeFixture, script: string, args: string[] = []) {
  const result = spawnSync('npm', ['run', '--silent', script, '--', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: fixture.t.url,
      QORGAU_SERVER_SECRET: fixture.settings.serverSecret,
      NEXTAUTH_SECRET: 'operator-commands-test-secret-0123456789',
      QORGAU_UPLOAD_DIR: fixture.uploadDir,
      NODE_ENV: 'production',
    },
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('operator commands (SQLite)', () => {
  let f: TIntakeFixture;
  let organisationId: string;
  beforeAll(async () => {
    f = await createIntakeFixture('sqlite');
    organisationId = (await f.t.db.organisation.findUniqueOrThrow({ where: { slug: 'demo' } })).id;
    for (const action of ['auth.login', 'report.open', 'auth.logout'] as const) {
      await f.t.db.$transaction((tx) => appendAuditEvent(tx, { serverSecret: f.settings.serverSecret, organisationId, actorId: null, action }));
    }
  });
  afterAll(async () => {
    await f?.drop();
  });

  it('npm run audit:verify reports an intact chain with its head, and proves a remembered entry', async () => {
    const third = await f.t.db.auditEvent.findUniqueOrThrow({ where: { organisationId_seq: { organisationId, seq: 3 } } });
    const ok = npmRun(f, 'audit:verify');
    expect(ok.out).toContain(`demo: 3 entries, chain intact, head 3:${third.hash}`);
    expect(ok.code).toBe(0);

    const remembered = npmRun(f, 'audit:verify', ['--org', 'demo', '--since', `3:${third.hash}`]);
    expect(remembered.out).toContain('entry 3 still has the remembered hash');
    expect(remembered.code).toBe(0);

    const wrongHash = npmRun(f, 'audit:verify', ['--org', 'demo', '--since', `2:${third.hash}`]);
    expect(wrongHash.out).toContain('entry 2 has another hash than the one remembered');
    expect(wrongHash.code).toBe(1);

    const usage = npmRun(f, 'audit:verify', ['--since', 'yesterday']);
    expect(usage.out).toContain('unknown or incomplete argument "--since"');
    expect(usage.code).toBe(2);
  });

  it('npm run audit:verify finds an edited entry and notices the newest entries deleted', async () => {
    const second = await f.t.db.auditEvent.findUniqueOrThrow({ where: { organisationId_seq: { organisationId, seq: 2 } } });
    const third = await f.t.db.auditEvent.findUniqueOrThrow({ where: { organisationId_seq: { organisationId, seq: 3 } } });

    await f.t.db.auditEvent.update({ where: { id: second.id }, data: { action: 'audit.view' } });
    const edited = npmRun(f, 'audit:verify');
    expect(edited.out).toContain('demo: BROKEN at entry 2 (hash mismatch)');
    expect(edited.code).toBe(1);
    await f.t.db.auditEvent.update({ where: { id: second.id }, data: { action: second.action } });

    await f.t.db.auditEvent.delete({ where: { id: third.id } });
    const truncated = npmRun(f, 'audit:verify', ['--org', 'demo', '--since', `3:${third.hash}`]);
    expect(truncated.out).toContain('demo: 2 entries, chain intact');
    expect(truncated.out).toContain('entry 3 is gone');
    expect(truncated.code).toBe(1);
    await f.t.db.auditEvent.create({ data: third });
  });

  it('npm run retention deletes a closed report past the organisation’s period', async () => {
    const sub = await buildSubmission(f, { v: 1, narrative: 'operator commands' });
    await submitReport({ db: f.t.db, request: sub.request, settings: f.settings });
    await f.t.db.report.update({ where: { id: sub.reportId }, data: { status: 'closed', updatedDay: '2020-01-01' } });
    await f.t.db.organisation.update({ where: { id: organisationId }, data: { retentionDays: 30 } });

    const run = npmRun(f, 'retention');
    expect(run.out).toMatch(new RegExp(`organisation ${organisationId}: 1 reports changed before \\d{4}-\\d{2}-\\d{2} deleted`));
    expect(run.code).toBe(0);
    expect(await f.t.db.report.findUnique({ where: { id: sub.reportId } })).toBeNull();
  });
});
