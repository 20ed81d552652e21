'use client';

import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { Locale } from '@/lib/i18n/config';
import { getTranslator, type Translate } from '@/lib/i18n/messages';
import type { TReportRow } from '@/lib/review/api-types';
import {
  ApiError,
  fetchAllReports,
  fetchReportDetail,
  openRow,
  openTriages,
  saveTriage,
  sendReply,
  type TOpenedRow,
  type TThreadMessage,
  type TWorkspace,
} from '@/lib/review/workspace-client';
import {
  CATEGORIES,
  HARMS,
  ODIHR_BIAS_INDICATORS,
  ODIHR_BIAS_MOTIVATIONS,
  ODIHR_HATE_CRIME,
  ODIHR_INCIDENT_TYPES,
  IDENTITIES,
  PERPETRATORS,
  POLICE_OUTCOMES,
  REGIONS,
  STATUSES,
  labelOf,
  type TTerm,
} from '@/lib/taxonomy';
import { ZReportPayload, ZReporterMessageBody } from '@/lib/reports/report-payload';
import { AttachmentList } from './attachments';
import { emptyTriage, type TTriageData } from '@/lib/taxonomy/triage';

const PAGE_SIZE = 25;
const BATCH = 40;

type Props = { locale: Locale; workspace: TWorkspace; onExpired: () => void };

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 140 ? `${line.slice(0, 140)}…` : line;
}

/**
 * The inbox: every sealed report the reviewer can open is fetched in pages; triage records (symmetric, fast) are
 * opened at once for the category filter; report bodies (one X-Wing decapsulation each) are opened for the visible
 * page first and then in the background in small batches, so the list is usable immediately and search covers more
 * as decryption proceeds. Filters and search run in the browser: the server never sees them.
 */
export function Inbox({ locale, workspace, onExpired }: Props) {
  const t = getTranslator(locale);
  const [rows, setRows] = useState<TReportRow[] | null>(null);
  const [fetched, setFetched] = useState(0);
  const [opened, setOpened] = useState<Map<string, TOpenedRow | 'failed'>>(new Map());
  const [triages, setTriages] = useState<Map<string, TTriageData>>(new Map());
  const [filters, setFilters] = useState({ status: '', category: '', region: '', search: '' });
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [reloadCount, setReloadCount] = useState(0);
  const openedRef = useRef(opened);
  openedRef.current = opened;
  // User Timing for the benchmark (bench/inbox): when loading began, whether "ready" was measured,
  // and when the last filter change started. Entries carry names and times only, no data.
  const loadStartRef = useRef(0);
  const readyMeasuredRef = useRef(false);
  const filterStartRef = useRef<number | null>(null);

  useEffect(() => {
    let isCancelled = false;
    loadStartRef.current = performance.now();
    readyMeasuredRef.current = false;
    setRows(null);
    fetchAllReports((count) => !isCancelled && setFetched(count))
      .then(async (all) => {
        if (isCancelled) return;
        setRows(all);
        setTriages(await openTriages(workspace, all));
      })
      .catch((e: unknown) => (e instanceof ApiError && e.status === 401 ? onExpired() : setError(String((e as Error).message))));
    return () => {
      isCancelled = true;
    };
  }, [workspace, onExpired, reloadCount]);

  const filtered = useMemo(() => {
    if (!rows) return [];
    const search = filters.search.trim().toLocaleLowerCase();
    return rows.filter((row) => {
      if (filters.status && row.status !== filters.status) return false;
      const triage = triages.get(row.id);
      if (filters.category && !triage?.categories.includes(filters.category as never)) return false;
      const o = opened.get(row.id);
      const body = o && o !== 'failed' ? o : null;
      const region = triage?.verifiedRegion ?? body?.region ?? null;
      if (filters.region && region !== filters.region) return false;
      if (search && !(body?.narrative.toLocaleLowerCase().includes(search) || triage?.publicSummary.toLocaleLowerCase().includes(search))) return false;
      return true;
    });
  }, [rows, triages, opened, filters]);

  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const visible = filtered.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);

  // Ready: every report listed, triage opened (so every filter works) and the first page decrypted.
  const isReady = rows !== null && triages.size + rows.filter((r) => !r.triage).length >= rows.length && visible.every((row) => opened.has(row.id));
  useEffect(() => {
    if (isReady && !readyMeasuredRef.current) {
      readyMeasuredRef.current = true;
      performance.measure('qorgau:inbox:ready', { start: loadStartRef.current, end: performance.now() });
    }
  }, [isReady]);
  useEffect(() => {
    if (filterStartRef.current === null) return;
    performance.measure('qorgau:inbox:filter', { start: filterStartRef.current, end: performance.now() });
    filterStartRef.current = null;
  }, [filtered]);

  // Decrypt the visible rows first, then everything else in the background, yielding between batches.
  useEffect(() => {
    if (!rows) return;
    let isCancelled = false;
    const order = [...visible, ...rows];
    void (async () => {
      for (let i = 0; i < order.length && !isCancelled; i += BATCH) {
        const batch = order.slice(i, i + BATCH).filter((row) => !openedRef.current.has(row.id));
        if (batch.length === 0) continue;
        const results = await Promise.all(batch.map((row) => openRow(workspace, row).catch(() => 'failed' as const)));
        if (isCancelled) return;
        setOpened((previous) => {
          const next = new Map(previous);
          batch.forEach((row, index) => next.set(row.id, results[index]!));
          return next;
        });
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    })();
    return () => {
      isCancelled = true;
    };
    // Restarts when the visible page changes, so that page is decrypted first.
  }, [rows, workspace, page, filters]);

  if (selected) {
    return (
      <ReportView
        locale={locale}
        workspace={workspace}
        reportId={selected}
        onBack={() => {
          setSelected(null);
          setOpened(new Map());
          setReloadCount((n) => n + 1);
        }}
        onExpired={onExpired}
      />
    );
  }

  const setFilter = (name: keyof typeof filters) => (value: string) => {
    filterStartRef.current = performance.now();
    setFilters((f) => ({ ...f, [name]: value }));
    setPage(0);
  };

  return (
    <section aria-labelledby="inbox-title">
      <h2 id="inbox-title">{t('staff.inbox.title')}</h2>
      {error ? <p role="alert" className="error">{t('staff.common.error', { message: error })}</p> : null}
      {!rows ? (
        <p role="status">{t('staff.inbox.loading', { count: fetched })}</p>
      ) : (
        <>
          <div className="filters">
            <label>
              {t('staff.inbox.search')}
              <input type="search" value={filters.search} onChange={(e) => setFilter('search')(e.target.value)} />
            </label>
            <TermSelect label={t('staff.triage.status')} all={t('staff.inbox.all')} terms={STATUSES} locale={locale} value={filters.status} onChange={setFilter('status')} />
            <TermSelect label={t('staff.triage.categories')} all={t('staff.inbox.all')} terms={CATEGORIES} locale={locale} value={filters.category} onChange={setFilter('category')} />
            <TermSelect label={t('staff.inbox.region')} all={t('staff.inbox.all')} terms={REGIONS} locale={locale} value={filters.region} onChange={setFilter('region')} />
          </div>
          <p role="status" className="help">
            {t('staff.inbox.count', { count: filtered.length })} · {t('staff.inbox.decrypted', { done: opened.size, total: rows.length })}
          </p>
          {filtered.length === 0 ? <p>{t('staff.inbox.empty')}</p> : null}
          <ul className="report-list" data-testid="inbox-list">
            {visible.map((row) => {
              const o = opened.get(row.id);
              const triage = triages.get(row.id);
              const body = o && o !== 'failed' ? o : null;
              const region = triage?.verifiedRegion ?? body?.region ?? null;
              const month = triage?.verifiedMonth ?? body?.month ?? null;
              return (
                <li key={row.id} className="report-item" data-report-id={row.id}>
                  <button type="button" className="report-open" onClick={() => setSelected(row.id)}>
                    <span className={`status status-${row.status}`}>{labelOf(STATUSES, row.status, locale)}</span>
                    <span className="meta">
                      {month ?? row.receivedDay.slice(0, 7)} · {region ? labelOf(REGIONS, region, locale) : t('staff.common.none')}
                    </span>
                    {triage && triage.categories.length > 0 ? (
                      <span className="meta">{triage.categories.map((c) => labelOf(CATEGORIES, c, locale)).join(', ')}</span>
                    ) : null}
                    <span className="first-line">
                      {o === 'failed' ? t('staff.inbox.cannotOpen') : body ? firstLine(body.narrative) || t('staff.inbox.noNarrative') : '…'}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          <div className="pager">
            <button type="button" className="button secondary" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>{t('staff.inbox.previous')}</button>
            <span>{t('staff.inbox.page', { page: page + 1, pages })}</span>
            <button type="button" className="button secondary" disabled={page + 1 >= pages} onClick={() => setPage((p) => p + 1)}>{t('staff.inbox.next')}</button>
          </div>
        </>
      )}
    </section>
  );
}

function TermSelect(props: { label: string; all?: string; terms: readonly TTerm[]; locale: Locale; value: string; onChange: (value: string) => void; name?: string }) {
  return (
    <label>
      {props.label}
      <select name={props.name} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.all !== undefined ? <option value="">{props.all}</option> : null}
        {props.terms.map((term) => (
          <option key={term.id} value={term.id}>{term.label[props.locale]}</option>
        ))}
      </select>
    </label>
  );
}

function TermChecks<T extends string>(props: { legend: string; terms: readonly TTerm<T>[]; locale: Locale; value: readonly T[]; onChange: (value: T[]) => void; name: string }) {
  return (
    <fieldset className="checks">
      <legend>{props.legend}</legend>
      {props.terms.map((term) => (
        <label key={term.id}>
          <input
            type="checkbox"
            name={props.name}
            value={term.id}
            checked={props.value.includes(term.id)}
            onChange={(e) => props.onChange(e.target.checked ? [...props.value, term.id] : props.value.filter((v) => v !== term.id))}
          />
          {term.label[props.locale]}
        </label>
      ))}
    </fieldset>
  );
}

type TDetail = Awaited<ReturnType<typeof fetchReportDetail>>;

function ReportView({ locale, workspace, reportId, onBack, onExpired }: { locale: Locale; workspace: TWorkspace; reportId: string; onBack: () => void; onExpired: () => void }) {
  const t = getTranslator(locale);
  const [detail, setDetail] = useState<TDetail | null>(null);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);

  useEffect(() => {
    fetchReportDetail(workspace, reportId)
      .then(setDetail)
      .catch((e: unknown) => (e instanceof ApiError && e.status === 401 ? onExpired() : setError(String((e as Error).message))));
  }, [workspace, reportId, version, onExpired]);

  return (
    <section aria-labelledby="report-title">
      <button type="button" className="button secondary" onClick={onBack}>{t('staff.report.back')}</button>
      <h2 id="report-title">{t('staff.report.title')}</h2>
      {error ? <p role="alert" className="error">{t('staff.common.error', { message: error })}</p> : null}
      {!detail ? (
        <p role="status">{t('staff.report.opening')}</p>
      ) : (
        <>
          <ReportBody t={t} detail={detail} locale={locale} onExpired={onExpired} />
          <Thread t={t} workspace={workspace} detail={detail} onSent={() => setVersion((v) => v + 1)} onExpired={onExpired} />
          <TriageForm locale={locale} workspace={workspace} detail={detail} onSaved={() => setVersion((v) => v + 1)} />
        </>
      )}
    </section>
  );
}

function ReportBody({ t, detail, locale, onExpired }: { t: Translate; detail: TDetail; locale: Locale; onExpired: () => void }) {
  const parsed = ZReportPayload.safeParse(detail.opened.opened.report);
  const report = parsed.success ? parsed.data : null;
  const list = (terms: readonly TTerm[], ids: readonly string[], other?: string) =>
    [...ids.map((id) => labelOf(terms, id, locale)), ...(other ? [other] : [])].join(', ') || '—';
  const facts: [string, string][] = report
    ? [
        [t('staff.report.fields.when'), [report.when.month, report.when.day ? String(report.when.day) : null].filter(Boolean).join(' · ') || '—'],
        [t('staff.report.fields.where'), [report.where.region ? labelOf(REGIONS, report.where.region, locale) : null, report.where.city].filter(Boolean).join(', ') || '—'],
        [t('staff.report.fields.targeted'), list(IDENTITIES, report.targeted, report.targetedOther)],
        [t('staff.report.fields.perpetrators'), list(PERPETRATORS, report.perpetrators, report.perpetratorOther)],
        [t('staff.report.fields.harms'), list(HARMS, report.harms)],
        [t('staff.report.fields.police'), report.police ? labelOf(POLICE_OUTCOMES, report.police, locale) : '—'],
        [
          t('staff.report.fields.contact'),
          report.contact.method === 'other' ? t('staff.report.fields.contactOther', { details: report.contact.details ?? '—' }) : t('staff.report.fields.contactReceipt'),
        ],
        [t('staff.report.fields.categories'), list(CATEGORIES, report.suggestedCategories)],
        [t('staff.report.fields.attachments'), t('staff.report.fields.attachmentsCount', { count: report.attachments.length, missing: detail.row.missingAttachments })],
        [t('staff.report.fields.language'), report.language],
      ]
    : [];
  return (
    <div className="card">
      <p className="help">{t('staff.report.received', { day: detail.row.receivedDay })}</p>
      <h3>{t('staff.report.narrative')}</h3>
      <p className="narrative" data-testid="narrative">{detail.opened.narrative}</p>
      {facts.length > 0 ? (
        <>
          <h3>{t('staff.report.details')}</h3>
          <dl className="facts" data-testid="report-facts">
            {facts.map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}
      {report && report.attachments.length > 0 ? (
        <>
          <h3>{t('staff.attachments.title')}</h3>
          <AttachmentList t={t} reportId={detail.row.id} files={report.attachments} stored={detail.attachments} onExpired={onExpired} />
        </>
      ) : null}
    </div>
  );
}

/** A reporter's message body is JSON {v, text, attachments} (lib/reports/report-payload.ts); older or other
 *  messages are plain text. */
function readMessageBody(text: string) {
  try {
    const parsed = ZReporterMessageBody.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // plain text
  }
  return { v: 1 as const, text, attachments: [] };
}

function Thread({ t, workspace, detail, onSent, onExpired }: { t: Translate; workspace: TWorkspace; detail: TDetail; onSent: () => void; onExpired: () => void }) {
  const [text, setText] = useState('');
  const [status, setStatus] = useState('');
  const names = new Map(workspace.profile.staff.map((s) => [s.id, s.displayName]));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    try {
      await sendReply(workspace, { reportId: detail.row.id, opened: detail.opened.opened, text });
      setText('');
      setStatus(t('staff.report.sent'));
      onSent();
    } catch (e) {
      setStatus(t('staff.common.error', { message: (e as Error).message }));
    }
  }

  return (
    <div className="card">
      <h3>{t('staff.report.messages')}</h3>
      {detail.messages.length === 0 ? <p className="help">{t('staff.report.noMessages')}</p> : null}
      <ol className="thread" data-testid="thread">
        {detail.messages.map((m: TThreadMessage) => (
          <li key={m.seq} className={m.direction === 'to-reviewers' ? 'from-reporter' : 'from-reviewer'}>
            <span className="help">
              {m.direction === 'to-reviewers' ? t('staff.report.fromReporter') : t('staff.report.fromReviewer', { name: names.get(m.senderId) ?? m.senderId })} · {m.createdDay}
            </span>
            {m.isValid ? <MessageText t={t} reportId={detail.row.id} message={m} stored={detail.attachments} onExpired={onExpired} /> : <p>{t('staff.report.invalidMessage')}</p>}
          </li>
        ))}
      </ol>
      <form onSubmit={(e) => void onSubmit(e)} className="stack">
        <label>
          {t('staff.report.replyLabel')}
          <textarea name="reply" rows={3} value={text} onChange={(e) => setText(e.target.value)} maxLength={20_000} />
        </label>
        <button className="button" type="submit">{t('staff.report.send')}</button>
        <p role="status" className="help">{status}</p>
      </form>
    </div>
  );
}

function MessageText({ t, reportId, message, stored, onExpired }: { t: Translate; reportId: string; message: TThreadMessage; stored: TDetail['attachments']; onExpired: () => void }) {
  const body = message.direction === 'to-reviewers' ? readMessageBody(message.text) : { text: message.text, attachments: [] };
  return (
    <>
      <p>{body.text}</p>
      {body.attachments.length > 0 ? (
        <>
          <p className="help">{t('staff.attachments.fromMessage')}</p>
          <AttachmentList t={t} reportId={reportId} files={body.attachments} stored={stored} onExpired={onExpired} />
        </>
      ) : null}
    </>
  );
}

function TriageForm({ locale, workspace, detail, onSaved }: { locale: Locale; workspace: TWorkspace; detail: TDetail; onSaved: () => void }) {
  const t = getTranslator(locale);
  const [data, setData] = useState<TTriageData>(() => detail.triage ?? triageFromReport(detail.opened.opened.report));
  const [status, setStatus] = useState(detail.row.status);
  const [assigneeId, setAssigneeId] = useState(detail.row.assigneeId ?? '');
  const [message, setMessage] = useState('');
  const set = <K extends keyof TTriageData>(key: K) => (value: TTriageData[K]) => setData((d) => ({ ...d, [key]: value }));
  const setOdihr = <K extends keyof TTriageData['odihr']>(key: K) => (value: TTriageData['odihr'][K]) => setData((d) => ({ ...d, odihr: { ...d.odihr, [key]: value } }));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    try {
      await saveTriage(workspace, { reportId: detail.row.id, status: status as never, assigneeId: assigneeId || null, data });
      setMessage(t('staff.triage.saved'));
      onSaved();
    } catch (e) {
      setMessage(t('staff.common.error', { message: (e as Error).message }));
    }
  }

  const assignable = workspace.profile.staff.filter((s) => s.role !== 'analyst');
  return (
    <form className="card stack" onSubmit={(e) => void onSubmit(e)} aria-labelledby="triage-title">
      <h3 id="triage-title">{t('staff.triage.title')}</h3>
      <p className="help">{t('staff.triage.help')}</p>
      <TermSelect name="status" label={t('staff.triage.status')} terms={STATUSES} locale={locale} value={status} onChange={setStatus} />
      <label>
        {t('staff.triage.assignee')}
        <select name="assignee" value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
          <option value="">{t('staff.triage.unassigned')}</option>
          {assignable.map((s) => (
            <option key={s.id} value={s.id}>{s.displayName}</option>
          ))}
        </select>
      </label>
      <TermChecks name="category" legend={t('staff.triage.categories')} terms={CATEGORIES} locale={locale} value={data.categories} onChange={set('categories')} />
      <fieldset className="checks">
        <legend>{t('staff.triage.odihr')}</legend>
        <TermChecks name="bias" legend={t('staff.triage.bias')} terms={ODIHR_BIAS_MOTIVATIONS} locale={locale} value={data.odihr.biasMotivations} onChange={setOdihr('biasMotivations')} />
        <TermChecks name="incident" legend={t('staff.triage.incidentType')} terms={ODIHR_INCIDENT_TYPES} locale={locale} value={data.odihr.incidentTypes} onChange={setOdihr('incidentTypes')} />
        <TermSelect name="hateCrime" label={t('staff.triage.hateCrime')} terms={ODIHR_HATE_CRIME} locale={locale} value={data.odihr.hateCrime} onChange={(v) => setOdihr('hateCrime')(v as TTriageData['odihr']['hateCrime'])} />
        <TermChecks name="biasIndicator" legend={t('staff.triage.biasIndicators')} terms={ODIHR_BIAS_INDICATORS} locale={locale} value={data.odihr.biasIndicators ?? []} onChange={setOdihr('biasIndicators')} />
      </fieldset>
      <TermChecks name="perpetrator" legend={t('staff.triage.perpetrators')} terms={PERPETRATORS} locale={locale} value={data.perpetrators} onChange={set('perpetrators')} />
      <TermChecks name="harm" legend={t('staff.triage.harms')} terms={HARMS} locale={locale} value={data.harms} onChange={set('harms')} />
      <TermChecks name="targeted" legend={t('staff.triage.targeted')} terms={IDENTITIES} locale={locale} value={data.targeted ?? []} onChange={set('targeted')} />
      <TermSelect name="police" label={t('staff.triage.police')} all={t('staff.common.none')} terms={POLICE_OUTCOMES} locale={locale} value={data.police ?? ''} onChange={(v) => set('police')((v || null) as TTriageData['police'])} />
      <TermSelect name="verifiedRegion" label={t('staff.triage.verifiedRegion')} all={t('staff.common.none')} terms={REGIONS} locale={locale} value={data.verifiedRegion ?? ''} onChange={(v) => set('verifiedRegion')((v || null) as TTriageData['verifiedRegion'])} />
      <label>
        {t('staff.triage.verifiedMonth')}
        <input name="verifiedMonth" type="month" value={data.verifiedMonth ?? ''} onChange={(e) => set('verifiedMonth')(e.target.value || null)} />
      </label>
      <label>
        {t('staff.triage.note')}
        <textarea name="note" rows={3} value={data.verificationNote} onChange={(e) => set('verificationNote')(e.target.value)} maxLength={20_000} />
      </label>
      <label>
        {t('staff.triage.summary')}
        <textarea name="summary" rows={4} value={data.publicSummary} onChange={(e) => set('publicSummary')(e.target.value)} maxLength={20_000} />
        <span className="help">{t('staff.triage.summaryHelp')}</span>
      </label>
      <button className="button" type="submit">{t('staff.triage.save')}</button>
      <p role="status" className="help">{message}</p>
    </form>
  );
}

/**
 * A new triage starts from what the reporter said about who was targeted and the police (statistics count the
 * triage, since analysts never read reports); the reviewer confirms or corrects it.
 */
function triageFromReport(report: unknown): TTriageData {
  const parsed = ZReportPayload.safeParse(report);
  const empty = emptyTriage();
  return parsed.success ? { ...empty, targeted: parsed.data.targeted, police: parsed.data.police ?? null } : empty;
}
