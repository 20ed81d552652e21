/**
 * The aggregate exports (CSV and JSON): every table of the statistics page with small counts suppressed, and the
 * period, filters, threshold, suppression rule and generation day. Deterministic: the same records and options
 * give the same bytes, in the browser and in the export command.
 */
import { aggregate, type TDimensionId, type TStatsRecord } from '@/lib/stats/aggregate';
import { buildTables, rowLabel, type TProtectedStats, type TTableRow } from '@/lib/stats/tables';
import {
  csvLine,
  describeFilters,
  describePeriod,
  fewerThan,
  periodSlug,
  SUPPRESSED_TEXT,
  suppressionStatement,
  type TExportFile,
  type TExportOptions,
} from './export-context';

export const TABLE_TITLES: Record<TDimensionId, string> = {
  category: 'Cases by ILGA-Europe category (a case can have several)',
  year: 'Cases by year (verified month)',
  month: 'Cases by month (verified month)',
  region: 'Cases by region (as verified)',
  perpetrator: 'Cases by perpetrator (a case can have several)',
  harm: 'Cases by form of harm (a case can have several)',
  identity: 'Cases by targeted identity (a case can have several)',
  police: 'Cases by police reporting and outcome',
  hateCrime: 'Cases by OSCE/ODIHR hate-crime assessment',
  incidentType: 'Cases by OSCE/ODIHR incident type (a case can have several)',
  status: 'Cases by verification status',
};

const NOT_RECORDED_TEXT = 'not recorded';

function statusText(row: TTableRow, threshold: number): string {
  return row.suppressed === 'primary' ? fewerThan(threshold) : row.suppressed === 'secondary' ? SUPPRESSED_TEXT : '';
}

/** The protected tables both exports are written from. */
export function protectedAggregates(records: readonly TStatsRecord[], options: TExportOptions): TProtectedStats {
  return buildTables(aggregate(records, options.filters), { threshold: options.threshold });
}

function aboutRows(stats: TProtectedStats, options: TExportOptions): [string, string][] {
  return [
    ['title', 'Qorgau: aggregate statistics of documented cases'],
    ['period', describePeriod(options.filters)],
    ['filters', describeFilters(options.filters)],
    ['threshold', String(options.threshold)],
    ['suppression', suppressionStatement(options.threshold)],
    ['cases', stats.total === null ? fewerThan(options.threshold) : String(stats.total)],
    ['generated', options.generatedDay],
  ];
}

/** CSV: `section,key,label,count,share_percent,status`; "about" rows carry the key in `key` and the value in `label`. */
export function aggregatesCsv(records: readonly TStatsRecord[], options: TExportOptions): TExportFile {
  const stats = protectedAggregates(records, options);
  let text = csvLine(['section', 'key', 'label', 'count', 'share_percent', 'status']);
  for (const [key, value] of aboutRows(stats, options)) text += csvLine(['about', key, value, null, null, null]);
  for (const table of stats.tables) {
    for (const row of table.rows) {
      text += csvLine([table.id, row.key, rowLabel(table.id, row.key, 'en', NOT_RECORDED_TEXT), row.count, row.share, statusText(row, options.threshold)]);
    }
  }
  return { kind: 'aggregates-csv', fileName: `qorgau-aggregates-${periodSlug(options.filters)}.csv`, mimeType: 'text/csv;charset=utf-8', content: text };
}

export function aggregatesJson(records: readonly TStatsRecord[], options: TExportOptions): TExportFile {
  const stats = protectedAggregates(records, options);
  const about = Object.fromEntries(aboutRows(stats, options));
  const document = {
    format: 'qorgau.aggregates/v1',
    title: about.title,
    generated: options.generatedDay,
    period: { from: options.filters.from, to: options.filters.to, text: about.period },
    filters: { categories: options.filters.categories, verifiedOnly: options.filters.verifiedOnly, text: about.filters },
    threshold: options.threshold,
    suppression: about.suppression,
    total: stats.total,
    tables: stats.tables.map((table) => ({
      id: table.id,
      title: TABLE_TITLES[table.id],
      addsUpToTotal: table.isAdditive,
      rows: table.rows.map((row) => ({
        key: row.key,
        label: rowLabel(table.id, row.key, 'en', NOT_RECORDED_TEXT),
        count: row.count,
        share: row.share,
        status: row.suppressed ? statusText(row, options.threshold) : null,
      })),
    })),
  };
  return {
    kind: 'aggregates-json',
    fileName: `qorgau-aggregates-${periodSlug(options.filters)}.json`,
    mimeType: 'application/json',
    content: `${JSON.stringify(document, null, 2)}\n`,
  };
}
