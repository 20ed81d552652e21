'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import type { Locale } from '@/lib/i18n/config';
import { getTranslator, type Translate } from '@/lib/i18n/messages';
import { buildExport } from '@/lib/exports/build-export';
import { EXPORT_KINDS, today, type TExportKind } from '@/lib/exports/export-context';
import { ApiError, type TWorkspace } from '@/lib/review/workspace-client';
import { aggregate, NO_FILTERS, type TDimensionId, type TStatsFilters, type TStatsRecord } from '@/lib/stats/aggregate';
import { loadStatsRecords } from '@/lib/stats/stats-client';
import { recordExportInAudit } from '@/lib/stats/stats-client';
import { DEFAULT_THRESHOLD, MAX_THRESHOLD, MIN_THRESHOLD } from '@/lib/stats/suppress';
import { buildTables, rowLabel, type TStatsTable, type TTableRow } from '@/lib/stats/tables';
import { CATEGORIES, type TCategoryId } from '@/lib/taxonomy';
import { BarChart, TimeChart } from './charts';

type Props = { locale: Locale; workspace: TWorkspace; onExpired: () => void };

/** The order of the tables on the page (the month time series first, after the headline figure). */
const PAGE_ORDER: TDimensionId[] = ['month', 'category', 'region', 'perpetrator', 'harm', 'identity', 'police', 'status', 'hateCrime', 'incidentType', 'year'];

const isMonth = (value: string) => /^(19|20)\d\d-(0[1-9]|1[0-2])$/.test(value);

/** Timings for the benchmark (bench/stats): User Timing entries, readable from the page, carrying no data. */
function measure(name: string, start: number, end = performance.now()) {
  performance.measure(`qorgau:${name}`, { start, end });
}

/**
 * Statistics for coordinators, reviewers and analysts, counted in this browser from the triage records opened with
 * the team key: filters, a time series and bar charts with the tables behind them, and the exports. What is shown
 * is small-count protected as in the exports unless the user asks for exact counts (never exported).
 */
export function StatisticsPage({ locale, workspace, onExpired }: Props) {
  const t = getTranslator(locale);
  const [records, setRecords] = useState<TStatsRecord[] | null>(null);
  const [error, setError] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [category, setCategory] = useState('');
  const [verifiedOnly, setVerifiedOnly] = useState(false);
  const [thresholdText, setThresholdText] = useState(String(DEFAULT_THRESHOLD));
  const [showExact, setShowExact] = useState(false);
  const [exportMessage, setExportMessage] = useState('');
  const [busy, setBusy] = useState<TExportKind | null>(null);
  const loadedAt = useRef<{ decrypted: number; decryptMs: number } | null>(null);

  useEffect(() => {
    let isLive = true;
    loadStatsRecords(workspace)
      .then(({ records: loaded, timings }) => {
        if (!isLive) return;
        const now = performance.now();
        const started = now - timings.totalMs;
        // Fetching and decrypting overlap (batches open while the stream arrives): the fetch runs to the last byte,
        // the decrypt entry's duration is the time spent opening records summed over the batches.
        measure('stats:fetch', started, started + timings.fetchMs);
        measure('stats:decrypt', now - timings.decryptMs, now);
        measure('stats:loaded', started, now);
        loadedAt.current = { decrypted: now, decryptMs: timings.decryptMs };
        setRecords(loaded);
      })
      .catch((e: unknown) => (e instanceof ApiError && e.status === 401 ? onExpired() : setError((e as Error).message)));
    return () => {
      isLive = false;
    };
  }, [workspace, onExpired]);

  const threshold = Number(thresholdText);
  const isThresholdValid = Number.isInteger(threshold) && threshold >= MIN_THRESHOLD && threshold <= MAX_THRESHOLD;
  const isPeriodValid = (!from || isMonth(from)) && (!to || isMonth(to)) && (!from || !to || from <= to);
  const filters: TStatsFilters = useMemo(
    () => ({ ...NO_FILTERS, from: from || null, to: to || null, categories: category ? [category as TCategoryId] : [], verifiedOnly }),
    [from, to, category, verifiedOnly],
  );

  const view = useMemo(() => {
    if (!records || !isPeriodValid || !isThresholdValid) return null;
    const started = performance.now();
    const aggregates = aggregate(records, filters);
    const tables = buildTables(aggregates, { threshold: showExact ? null : threshold });
    measure('stats:aggregate', started);
    return { aggregates, tables };
  }, [records, filters, threshold, showExact, isPeriodValid, isThresholdValid]);

  // The first render of the figures after decryption: how long until the browser can paint it.
  useEffect(() => {
    if (!view || !loadedAt.current) return;
    const { decrypted } = loadedAt.current;
    loadedAt.current = null;
    requestAnimationFrame(() => measure('stats:ready', decrypted));
  }, [view]);

  async function onExport(kind: TExportKind) {
    if (!records || !isPeriodValid || !isThresholdValid) return;
    setBusy(kind);
    setExportMessage('');
    try {
      const started = performance.now();
      const file = await buildExport(kind, records, { filters, threshold, generatedDay: today() });
      measure(`export:${kind}`, started);
      await recordExportInAudit(kind);
      download(file.content, file.fileName, file.mimeType);
      setExportMessage(t('staff.stats.exported', { file: file.fileName }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) onExpired();
      else setExportMessage(t('staff.common.error', { message: (e as Error).message }));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="stats-title" className="stats">
      <h2 id="stats-title">{t('staff.stats.title')}</h2>
      <p className="help">{t('staff.stats.help')}</p>
      {error ? <p role="alert" className="error">{t('staff.common.error', { message: error })}</p> : null}
      <form className="card stats-filters" aria-label={t('staff.stats.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('staff.stats.from')}
          <input name="from" type="month" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('staff.stats.to')}
          <input name="to" type="month" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label>
          {t('staff.stats.category')}
          <select name="category" value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">{t('staff.stats.allCategories')}</option>
            {CATEGORIES.map((c) => (
              <option key={c.id} value={c.id}>{c.label[locale]}</option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input name="verifiedOnly" type="checkbox" checked={verifiedOnly} onChange={(e) => setVerifiedOnly(e.target.checked)} />
          {t('staff.stats.verifiedOnly')}
        </label>
        <label>
          {t('staff.stats.threshold')}
          <input name="threshold" type="number" min={MIN_THRESHOLD} max={MAX_THRESHOLD} step={1} value={thresholdText} onChange={(e) => setThresholdText(e.target.value)} />
        </label>
        <label className="inline">
          <input name="showExact" type="checkbox" checked={showExact} onChange={(e) => setShowExact(e.target.checked)} />
          {t('staff.stats.showExact')}
        </label>
        {!isPeriodValid ? <p role="alert" className="error">{t('staff.stats.invalidPeriod')}</p> : null}
        {!isThresholdValid ? <p role="alert" className="error">{t('staff.stats.invalidThreshold', { min: MIN_THRESHOLD, max: MAX_THRESHOLD })}</p> : null}
      </form>

      {!records ? (
        <p role="status">{t('staff.stats.loading')}</p>
      ) : view ? (
        <>
          <p data-testid="stats-total" className="stats-total" role="status">
            {view.tables.total === null
              ? t('staff.stats.countedFew', { threshold, untriaged: view.aggregates.untriaged, spam: view.aggregates.spam })
              : t('staff.stats.counted', { total: view.tables.total, untriaged: view.aggregates.untriaged, spam: view.aggregates.spam })}
          </p>
          <p className="help" data-testid="stats-protection">
            {showExact ? t('staff.stats.exactNote') : t('staff.stats.protectionNote', { threshold, max: threshold - 1 })}
          </p>
          <ExportButtons t={t} busy={busy} onExport={(kind) => void onExport(kind)} message={exportMessage} />
          <div className="stats-grid">
            {PAGE_ORDER.map((id) => (
              <StatsFigure key={id} t={t} locale={locale} table={view.tables.tables.find((table) => table.id === id)!} threshold={threshold} />
            ))}
          </div>
        </>
      ) : null}
    </section>
  );
}

function ExportButtons({ t, busy, onExport, message }: { t: Translate; busy: TExportKind | null; onExport: (kind: TExportKind) => void; message: string }) {
  return (
    <div className="card stats-exports">
      <h3>{t('staff.stats.exports')}</h3>
      <p className="help">{t('staff.stats.exportsHelp')}</p>
      <div className="stats-export-buttons">
        {EXPORT_KINDS.map((kind) => (
          <button key={kind} type="button" className="button secondary" disabled={busy !== null} onClick={() => onExport(kind)} data-export={kind}>
            {t(`staff.stats.export.${kind}`)}
          </button>
        ))}
      </div>
      <p role="status" className="help" data-testid="export-status">{message}</p>
    </div>
  );
}

function cellText(t: Translate, row: TTableRow, threshold: number): string {
  if (row.suppressed === 'primary') return t('staff.stats.fewerThan', { threshold });
  if (row.suppressed === 'secondary') return t('staff.stats.suppressed');
  return String(row.count);
}

function StatsFigure({ t, locale, table, threshold }: { t: Translate; locale: Locale; table: TStatsTable; threshold: number }) {
  const title = t(`staff.stats.tables.${table.id}`);
  const tableId = `stats-table-${table.id}`;
  // Zero rows are left out (a region list of 22 is mostly zeros), except in the time series, which stays continuous.
  const rows = table.id === 'month' ? table.rows : table.rows.filter((row) => row.count !== 0);
  const bars = rows.map((row) => ({ key: row.key, row, label: rowLabel(table.id, row.key, locale, t('staff.stats.notRecorded')) }));
  return (
    <figure className="card stats-figure">
      <figcaption>
        <h3>{title}</h3>
        {table.isAdditive ? null : <p className="help">{t('staff.stats.multi')}</p>}
      </figcaption>
      {bars.length === 0 ? (
        <p className="help">{t('staff.stats.none')}</p>
      ) : table.id === 'month' ? (
        <TimeChart points={bars} title={t('staff.stats.chartOf', { title })} tableId={tableId} />
      ) : (
        <BarChart bars={bars} title={t('staff.stats.chartOf', { title })} tableId={tableId} suppressedMarker={(row) => (row.suppressed === 'primary' ? `<${threshold}` : '×')} />
      )}
      <table className="table stats-table" id={tableId} data-testid={tableId}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{t('staff.stats.value')}</th>
            <th scope="col">{t('staff.stats.count')}</th>
            <th scope="col">{t('staff.stats.share')}</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar) => (
            <tr key={bar.key} data-key={bar.key}>
              <th scope="row">{bar.label}</th>
              <td className="number">{cellText(t, bar.row, threshold)}</td>
              <td className="number">{bar.row.share === null ? '—' : `${bar.row.share.toLocaleString(locale === 'en' ? 'en-GB' : locale)} %`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Hands a file to the user straight from memory (a Blob URL): the export never travels over the network. */
function download(content: string | Uint8Array, fileName: string, mimeType: string) {
  const blob = new Blob([typeof content === 'string' ? content : new Uint8Array(content)], { type: mimeType });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
