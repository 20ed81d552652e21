'use client';

import { useEffect, useState } from 'react';
import type { Locale } from '@/lib/i18n/config';
import { getTranslator } from '@/lib/i18n/messages';
import type { TAuditView } from '@/lib/review/api-types';
import { ApiError, fetchAllTriage, fetchAudit, type TWorkspace } from '@/lib/review/workspace-client';
import { CATEGORIES, STATUSES, labelOf } from '@/lib/taxonomy';

/** Counts by status and category, aggregated in the browser from triage records (all the analyst role receives). */
export function Statistics({ locale, workspace, onExpired }: { locale: Locale; workspace: TWorkspace; onExpired: () => void }) {
  const t = getTranslator(locale);
  const [counts, setCounts] = useState<{ total: number; untriaged: number; byStatus: Map<string, number>; byCategory: Map<string, number> } | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    fetchAllTriage(workspace)
      .then(({ rows, triages }) => {
        const byStatus = new Map<string, number>();
        const byCategory = new Map<string, number>();
        for (const row of rows) byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + 1);
        for (const triage of triages.values()) for (const c of triage.categories) byCategory.set(c, (byCategory.get(c) ?? 0) + 1);
        setCounts({ total: rows.length, untriaged: rows.length - triages.size, byStatus, byCategory });
      })
      .catch((e: unknown) => (e instanceof ApiError && e.status === 401 ? onExpired() : setError((e as Error).message)));
  }, [workspace, onExpired]);

  return (
    <section aria-labelledby="stats-title">
      <h2 id="stats-title">{t('staff.stats.title')}</h2>
      <p className="help">{t('staff.stats.help')}</p>
      {error ? <p role="alert" className="error">{t('staff.common.error', { message: error })}</p> : null}
      {!counts ? (
        <p role="status">{t('staff.stats.loading')}</p>
      ) : (
        <>
          <p data-testid="stats-total">{t('staff.stats.total', { total: counts.total, untriaged: counts.untriaged })}</p>
          <table className="table" data-testid="stats-by-category">
            <caption>{t('staff.stats.byCategory')}</caption>
            <tbody>
              {CATEGORIES.filter((c) => counts.byCategory.has(c.id)).map((c) => (
                <tr key={c.id}>
                  <th scope="row">{labelOf(CATEGORIES, c.id, locale)}</th>
                  <td>{counts.byCategory.get(c.id)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="table">
            <caption>{t('staff.stats.byStatus')}</caption>
            <tbody>
              {STATUSES.filter((s) => counts.byStatus.has(s.id)).map((s) => (
                <tr key={s.id}>
                  <th scope="row">{s.label[locale]}</th>
                  <td>{counts.byStatus.get(s.id)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The audit log for coordinators, with the server's verification of the whole chain. */
export function AuditView({ locale, onExpired }: { locale: Locale; onExpired: () => void }) {
  const t = getTranslator(locale);
  const [audit, setAudit] = useState<TAuditView | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    fetchAudit()
      .then(setAudit)
      .catch((e: unknown) => (e instanceof ApiError && e.status === 401 ? onExpired() : setError((e as Error).message)));
  }, [onExpired]);
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('staff.audit.title')}</h2>
      {error ? <p role="alert" className="error">{t('staff.common.error', { message: error })}</p> : null}
      {!audit ? null : (
        <>
          <p role="status" data-testid="audit-verification" className={audit.verification.ok ? 'ok' : 'error'}>
            {audit.verification.ok
              ? t('staff.audit.ok', { count: audit.verification.count, head: audit.verification.head.slice(0, 16) })
              : t('staff.audit.broken', { seq: audit.verification.brokenAtSeq, reason: audit.verification.reason })}
          </p>
          <table className="table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('staff.audit.day')}</th>
                <th scope="col">{t('staff.audit.actor')}</th>
                <th scope="col">{t('staff.audit.action')}</th>
                <th scope="col">{t('staff.audit.subject')}</th>
              </tr>
            </thead>
            <tbody>
              {audit.events.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>{e.day}</td>
                  <td>{e.actor ?? t('staff.common.none')}</td>
                  <td>{e.action}</td>
                  <td><code>{e.subject ?? ''}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
