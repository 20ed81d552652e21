/**
 * The tables behind the statistics page and the aggregate exports: per dimension, each value's count and share of
 * the cases counted, with small counts suppressed (lib/stats/suppress.ts). The year and month tables are protected
 * together, because the months of a year add up to that year's count.
 */
import type { Locale } from '@/lib/i18n/config';
import { labelOf } from '@/lib/taxonomy';
import { ADDITIVE_DIMENSIONS, DIMENSIONS, DIMENSION_TERMS, NOT_RECORDED, type TAggregates, type TCount, type TDimensionId } from './aggregate';
import { suppressCounts, type TEquation, type TSuppressionMark } from './suppress';

export type TTableRow = {
  key: string;
  /** null when suppressed. */
  count: number | null;
  /** Percent of the cases counted, one decimal; null when suppressed or when there are no cases. */
  share: number | null;
  suppressed: TSuppressionMark;
};

export type TStatsTable = {
  id: TDimensionId;
  /** Whether the rows add up to the total (one value per case). */
  isAdditive: boolean;
  rows: TTableRow[];
};

export type TProtectedStats = {
  /** The cases counted; null when fewer than the threshold (then every positive count is suppressed too). */
  total: number | null;
  totalSuppressed: TSuppressionMark;
  /** null when the tables are exact (not for publication). */
  threshold: number | null;
  tables: TStatsTable[];
};

/** Percent with one decimal, rounded half away from zero on the exact decimal (no binary-float surprises). */
export function sharePercent(count: number, total: number): number | null {
  if (total <= 0) return null;
  return Math.round((count * 1000) / total) / 10;
}

function toRows(counts: readonly TCount[], marks: readonly TSuppressionMark[], total: number): TTableRow[] {
  return counts.map((c, i) => {
    const mark = marks[i] ?? null;
    return { key: c.key, count: mark ? null : c.count, share: mark ? null : sharePercent(c.count, total), suppressed: mark };
  });
}

/**
 * Protects one table: values are [total, ...cells]; the total is pinned; an additive table has the equation
 * total = sum(cells).
 */
function protectTable(counts: readonly TCount[], total: number, isAdditive: boolean, threshold: number): TSuppressionMark[] {
  const values = [total, ...counts.map((c) => c.count)];
  const parts = counts.map((_, i) => i + 1);
  const marks = suppressCounts({ values, equations: isAdditive ? [{ total: 0, parts }] : [], threshold, pinned: [0] });
  return marks.slice(1);
}

/** Years and months at once: total = sum(years) = sum(months), and each year = sum of its months. */
function protectTime(years: readonly TCount[], months: readonly TCount[], total: number, threshold: number): { years: TSuppressionMark[]; months: TSuppressionMark[] } {
  const values = [total, ...years.map((y) => y.count), ...months.map((m) => m.count)];
  const yearIndex = (i: number) => 1 + i;
  const monthIndex = (i: number) => 1 + years.length + i;
  const equations: TEquation[] = [
    { total: 0, parts: years.map((_, i) => yearIndex(i)) },
    { total: 0, parts: months.map((_, i) => monthIndex(i)) },
  ];
  years.forEach((year, y) => {
    const parts = months.flatMap((month, m) => (month.key !== NOT_RECORDED && month.key.startsWith(`${year.key}-`)) || (month.key === NOT_RECORDED && year.key === NOT_RECORDED) ? [monthIndex(m)] : []);
    if (parts.length > 0) equations.push({ total: yearIndex(y), parts });
  });
  const marks = suppressCounts({ values, equations, threshold, pinned: [0] });
  return { years: marks.slice(1, 1 + years.length), months: marks.slice(1 + years.length) };
}

/**
 * The tables of every dimension. With a threshold, small counts are suppressed as for publication; with
 * `threshold: null`, the exact counts (for the team's own working view, never exported).
 */
export function buildTables(aggregates: TAggregates, options: { threshold: number | null }): TProtectedStats {
  const { total, dimensions } = aggregates;
  const threshold = options.threshold;
  const isTotalHidden = threshold !== null && total > 0 && total < threshold;
  const none = (counts: readonly TCount[]) => counts.map((): TSuppressionMark => null);
  const time =
    threshold === null
      ? { years: none(dimensions.year), months: none(dimensions.month) }
      : protectTime(dimensions.year, dimensions.month, total, threshold);

  const tables = DIMENSIONS.map((id): TStatsTable => {
    const counts = dimensions[id];
    const isAdditive = ADDITIVE_DIMENSIONS.has(id);
    const marks =
      id === 'year' ? time.years : id === 'month' ? time.months : threshold === null ? none(counts) : protectTable(counts, total, isAdditive, threshold);
    // With a hidden total, shares would reveal it: publish none.
    const rows = toRows(counts, marks, total).map((row) => (isTotalHidden ? { ...row, share: null } : row));
    return { id, isAdditive, rows };
  });
  return { total: isTotalHidden ? null : total, totalSuppressed: isTotalHidden ? 'primary' : null, threshold, tables };
}

/** The display label of a row key in a dimension: a vocabulary label, a year or month as is, or "not recorded". */
export function rowLabel(dimension: TDimensionId, key: string, locale: Locale, notRecorded: string): string {
  if (key === NOT_RECORDED) return notRecorded;
  const terms = DIMENSION_TERMS[dimension];
  return terms ? labelOf(terms, key, locale) : key;
}
