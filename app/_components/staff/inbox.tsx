'use client';

import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { Locale } from '@/lib/i18n/config';
import { getTranslator, type Translate } from '@/lib/i18n/messages';
import type { TReportIndexRow, TSealedReport } from '@/lib/review/api-types';
import { fillOrder, rowsToPrioritise, startBodyLoader, summariseOpenedRow, type TBodyState } from '@/lib/review/inbox-bodies';
import {
  ApiError,
  fetchReportDetail,
  fetchInboxTriage,
  fetchReportIndex,
  fetchSealedReports,
  openRow,
  openTriages,
  saveTriage,
  sendReply,
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

type Props = { locale: Locale; workspace: TWorkspace; onExpired: () => void };

/**
 * The inbox. The list comes from the cheap index (status, assignee and days the server may read, and the triage
 * records sealed under the team key, opened at once: categories, verified region and month), so it is complete and
 * filterable as soon as the index arrives. Report bodies (an X-Wing decapsulation each, about 6 KB on the wire) are
 * fetched and opened for the rows on screen first, then filled in the background without blocking
 * (lib/review/inbox-bodies.ts); until that is done the page says plainly what search and the region filter cover.
 * Filters and search run in the browser, and what the page asks the server for never depends on them when they
 * look at encrypted fields: the server learns nothing from them.
 */
export function Inbox({ locale, workspace, onExpired }: Props) {
  const t = getTranslator(locale);
  const [rows, setRows] = useState<TReportIndexRow[] | null>(null);
  const [fetched, setFetched] = useState(0);
  const [bodies, setBodies] = useState<ReadonlyMap<string, TBodyState>>(new Map());
  const [triages, setTriages] = useState<Map<string, TTriageData>>(new Map());
  const [filters, setFilters] = useState({ status: '', category: '', region: '', search: '' });
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [reloadCount, setReloadCount] = useState(0);
  const bodiesRef = useRef(bodies);
  bodiesRef.current = bodies;
  const visibleRef = useRef<readonly string[]>([]);
  const prefetchRef = useRef<{ ids: readonly string[]; rows: readonly TSealedReport[] } | null>(null);
  // Reports with a triage record (opened or not): the server knows which, so the fill order may use it.
  const triageRecordsRef = useRef<ReadonlySet<string>>(new Set());
  // User Timing for the benchmark (bench/inbox): when loading began, whether "ready" was measured, and when the last
  // filter change or page turn started. Entries carry names and times only, no data.
  const loadStartRef = useRef(0);
  const readyMeasuredRef = useRef(false);
  const filterStartRef = useRef<number | null>(null);
  const pageStartRef = useRef<number | null>(null);
  const allMeasuredRef = useRef(false);

  const fail = useCallback((e: unknown) => (e instanceof ApiError && e.status === 401 ? onExpired() : setError(String((e as Error).message))), [onExpired]);

  // The triage records first (a small table, quick for the server), then the index as soon as the server has
  // answered them: the server reads the index (every report row) while this page reads and opens the triage
  // records. The list is shown once both are there, so its first render already filters by every field.
  useEffect(() => {
    let isCancelled = false;
    const start = performance.now();
    if (!readyMeasuredRef.current) loadStartRef.current = start;
    // On the first load the first screen is the index's first rows (no filter yet): their bodies come with it.
    const isFirstLoad = !readyMeasuredRef.current;
    let askForIndex = () => undefined as void;
    const indexAsked = new Promise<void>((resolve) => (askForIndex = resolve));
    const triage = fetchInboxTriage({ onAnswered: askForIndex })
      .finally(askForIndex)
      .then(async (records) => {
        const fetchedAt = performance.now();
        const opened = await openTriages(workspace, records);
        if (!isCancelled) performance.measure('qorgau:inbox:triage', { start: fetchedAt, end: performance.now() });
        return { opened, ids: new Set(records.map((record) => record.id)) };
      });
    const index = indexAsked
      .then(() => fetchReportIndex({ bodies: isFirstLoad ? PAGE_SIZE : 0, onProgress: (count) => !isCancelled && setFetched(count) }))
      .then((answer) => {
        if (!isCancelled) performance.measure('qorgau:inbox:index', { start, end: performance.now() });
        return answer;
      });
    Promise.all([index, triage])
      .then(([{ rows: list, bodies: first }, { opened, ids }]) => {
        if (isCancelled) return;
        if (isFirstLoad) prefetchRef.current = { ids: list.slice(0, PAGE_SIZE).map((row) => row.id), rows: first };
        triageRecordsRef.current = ids;
        setTriages(opened);
        setRows(list);
      })
      .catch(fail);
    return () => {
      isCancelled = true;
    };
  }, [workspace, fail, reloadCount]);

  const filtered = useMemo(() => {
    if (!rows) return [];
    const search = filters.search.trim().toLocaleLowerCase();
    return rows.filter((row) => {
      if (filters.status && row.status !== filters.status) return false;
      const triage = triages.get(row.id);
      if (filters.category && !triage?.categories.includes(filters.category as never)) return false;
      const o = bodies.get(row.id);
      const body = o && o !== 'failed' ? o : null;
      const region = triage?.verifiedRegion ?? body?.region ?? null;
      if (filters.region && region !== filters.region) return false;
      if (search && !(body?.search.includes(search) || triage?.publicSummary.toLocaleLowerCase().includes(search))) return false;
      return true;
    });
  }, [rows, triages, bodies, filters]);

  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const visible = filtered.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  visibleRef.current = rowsToPrioritise(filters, visible.map((row) => row.id));
  const isPageOpened = visible.every((row) => bodies.has(row.id));

  // Bodies: the visible page first (unless a filter on an encrypted field chose it), then untriaged reports, then the
  // rest; the order of the requests depends on nothing the server does not know (lib/review/inbox-bodies.ts).
  useEffect(() => {
    if (!rows) return;
    const order = fillOrder(rows, triageRecordsRef.current);
    const prefetched = prefetchRef.current ?? undefined;
    prefetchRef.current = null;
    const loader = startBodyLoader({
      order,
      done: new Set(bodiesRef.current.keys()),
      prefetched,
      visible: () => visibleRef.current,
      fetchSealed: fetchSealedReports,
      open: async (row) => summariseOpenedRow(await openRow(workspace, row)),
      onOpened: (results) =>
        setBodies((previous) => {
          const next = new Map(previous);
          for (const [id, state] of results) next.set(id, state);
          return next;
        }),
      onError: fail,
    });
    return loader.stop;
  }, [rows, workspace, fail]);

  // Ready: every report listed with its triage opened (so every filter works) and the first page's bodies opened,
  // rendered. Measured once, from the moment the workspace was unlocked and this view mounted.
  useEffect(() => {
    if (rows !== null && isPageOpened && !readyMeasuredRef.current) {
      readyMeasuredRef.current = true;
      performance.measure('qorgau:inbox:ready', { start: loadStartRef.current, end: performance.now() });
    }
  }, [rows, isPageOpened]);
  useEffect(() => {
    if (filterStartRef.current === null) return;
    performance.measure('qorgau:inbox:filter', { start: filterStartRef.current, end: performance.now() });
    filterStartRef.current = null;
  }, [filtered]);
  useEffect(() => {
    if (pageStartRef.current === null || !isPageOpened) return;
    performance.measure('qorgau:inbox:page', { start: pageStartRef.current, end: performance.now() });
    pageStartRef.current = null;
  }, [page, isPageOpened]);

  // Every body opened (search covers everything from now on): measured once, for the benchmark.
  const isAllOpened = rows !== null && rows.every((row) => bodies.has(row.id));
  useEffect(() => {
    if (isAllOpened && !allMeasuredRef.current) {
      allMeasuredRef.current = true;
      performance.measure('qorgau:inbox:all-bodies', { start: loadStartRef.current, end: performance.now() });
    }
  }, [isAllOpened]);

  if (selected) {
    return (
      <ReportView
        locale={locale}
        workspace={workspace}
        reportId={selected}
        onBack={() => {
          setSelected(null);
          // Status, assignee and triage may have changed; bodies never do, so the opened ones are kept.
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
  const turnPage = (delta: number) => {
    pageStartRef.current = performance.now();
    setPage((p) => p + delta);
  };

  const total = rows?.length ?? 0;
  const openedCount = rows ? rows.reduce((n, row) => n + (bodies.has(row.id) ? 1 : 0), 0) : 0;
  const regionWaiting = rows ? rows.reduce((n, row) => n + (!triages.get(row.id)?.verifiedRegion && !bodies.has(row.id) ? 1 : 0), 0) : 0;
  const isSearchPartial = filters.search.trim() !== '' && openedCount < total;
  const isRegionPartial = filters.region !== '' && regionWaiting > 0;

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
            {t('staff.inbox.count', { count: filtered.length })} · {t('staff.inbox.decrypted', { done: openedCount, total })}{' '}
            {openedCount < total ? <progress max={total} value={openedCount} aria-label={t('staff.inbox.decryptingLabel')} /> : null}
          </p>
          {isSearchPartial || isRegionPartial ? (
            <p className="warn" data-testid="inbox-partial">
              {isSearchPartial ? t('staff.inbox.searchPartial', { done: openedCount, total }) : null}
              {isSearchPartial && isRegionPartial ? ' ' : null}
              {isRegionPartial ? t('staff.inbox.regionPartial', { count: regionWaiting }) : null}
            </p>
          ) : null}
          {filtered.length === 0 ? <p>{t('staff.inbox.empty')}</p> : null}
          <ul className="report-list" data-testid="inbox-list">
            {visible.map((row) => {
              const o = bodies.get(row.id);
              const triage = triages.get(row.id);
              const body = o && o !== 'failed' ? o : null;
              const region = triage?.verifiedRegion ?? body?.region ?? null;
              const month = triage?.verifiedMonth ?? body?.month ?? null;
              // Region or month from the body, which is not opened yet.
              const isWaiting = o === undefined && !(triage?.verifiedRegion && triage.verifiedMonth);
              return (
                <li key={row.id} className="report-item" data-report-id={row.id}>
                  <button type="button" className="report-open" onClick={() => setSelected(row.id)}>
                    <span className={`status status-${row.status}`}>{labelOf(STATUSES, row.status, locale)}</span>
                    <span className="meta">
                      {isWaiting ? '…' : `${month ?? row.receivedDay.slice(0, 7)} · ${region ? labelOf(REGIONS, region, locale) : t('staff.common.none')}`}
                    </span>
                    {triage && triage.categories.length > 0 ? (
                      <span className="meta">{triage.categories.map((c) => labelOf(CATEGORIES, c, locale)).join(', ')}</span>
                    ) : null}
                    <span className="first-line">
                      {o === 'failed' ? t('staff.inbox.cannotOpen') : body ? body.firstLine || t('staff.inbox.noNarrative') : '…'}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          <div className="pager">
            <button type="button" className="button secondary" disabled={page === 0} onClick={() => turnPage(-1)}>{t('staff.inbox.previous')}</button>
            <span>{t('staff.inbox.page', { page: page + 1, pages })}</span>
            <button type="button" className="button secondary" disabled={page + 1 >= pages} onClick={() => turnPage(1)}>{t('staff.inbox.next')}</button>
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
