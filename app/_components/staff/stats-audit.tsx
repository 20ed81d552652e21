'use client';

import { useEffect, useState } from 'react';
import type { Locale } from '@/lib/i18n/config';
import { getTranslator } from '@/lib/i18n/messages';
import type { TAuditView } from '@/lib/review/api-types';
import { ApiError, fetchAudit } from '@/lib/review/workspace-client';

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
