/**
 * Counting, in the browser (or the export command) that holds the team key: what the statistics page and every
 * export are built from. Pure functions over opened triage records and the server-readable status; nothing here
 * reads a report body, so an analyst (who never receives one) gets the same figures as a reviewer.
 *
 * What is counted: triaged cases (a triage record that opened and parsed), except those marked as spam. A case can
 * carry several categories, perpetrators, forms of harm and identities, so those tables do not add up to the total;
 * region, month, year, police outcome, hate-crime assessment and status hold one value per case and do.
 */
import {
  CATEGORIES,
  HARMS,
  IDENTITIES,
  ODIHR_HATE_CRIME,
  ODIHR_INCIDENT_TYPES,
  PERPETRATORS,
  POLICE_OUTCOMES,
  REGIONS,
  STATUSES,
  type TCategoryId,
  type TTerm,
} from '@/lib/taxonomy';
import type { TTriageData } from '@/lib/taxonomy/triage';

/** One case as statistics see it: its status (readable by the server) and its opened triage, if any. */
export type TStatsRecord = { status: string; triage: TTriageData | null };

export type TStatsFilters = {
  /** First month counted, "YYYY-MM", inclusive; with `to`, cases without a verified month are left out. */
  from: string | null;
  to: string | null;
  /** Only cases with at least one of these categories; empty means all. */
  categories: TCategoryId[];
  /** Only cases whose status is "verified". */
  verifiedOnly: boolean;
};

export const NO_FILTERS: TStatsFilters = { from: null, to: null, categories: [], verifiedOnly: false };

/** The key of the bucket for a case that does not record a value (no region, no month, no perpetrator…). */
export const NOT_RECORDED = 'not-recorded';

export const DIMENSIONS = ['category', 'year', 'month', 'region', 'perpetrator', 'harm', 'identity', 'police', 'hateCrime', 'incidentType', 'status'] as const;
export type TDimensionId = (typeof DIMENSIONS)[number];

/** Dimensions where a case has exactly one value (so the counts add up to the total). */
export const ADDITIVE_DIMENSIONS: ReadonlySet<TDimensionId> = new Set(['year', 'month', 'region', 'police', 'hateCrime', 'status']);

/** The vocabulary behind each fixed dimension (year and month are open: they come from the data). */
export const DIMENSION_TERMS: Partial<Record<TDimensionId, readonly TTerm[]>> = {
  category: CATEGORIES,
  region: REGIONS,
  perpetrator: PERPETRATORS,
  harm: HARMS,
  identity: IDENTITIES,
  police: POLICE_OUTCOMES,
  hateCrime: ODIHR_HATE_CRIME,
  incidentType: ODIHR_INCIDENT_TYPES,
  status: STATUSES,
};

export type TCount = { key: string; count: number };

export type TAggregates = {
  filters: TStatsFilters;
  /** Cases counted (triaged, not spam, matching the filters). */
  total: number;
  /** Reports without a triage record that opened (not counted anywhere else). */
  untriaged: number;
  /** Triaged reports marked as spam (never counted). */
  spam: number;
  /** Per dimension, every known value in vocabulary order (zeros included), then `not-recorded`. */
  dimensions: Record<TDimensionId, TCount[]>;
};

function isInPeriod(month: string | null, filters: TStatsFilters): boolean {
  if (!filters.from && !filters.to) return true;
  if (!month) return false;
  // "YYYY-MM" strings compare in calendar order.
  return (!filters.from || month >= filters.from) && (!filters.to || month <= filters.to);
}

/** Whether a triaged, non-spam case passes the filters. */
export function matchesFilters(record: TStatsRecord & { triage: TTriageData }, filters: TStatsFilters): boolean {
  if (filters.verifiedOnly && record.status !== 'verified') return false;
  if (!isInPeriod(record.triage.verifiedMonth, filters)) return false;
  if (filters.categories.length > 0 && !record.triage.categories.some((c) => filters.categories.includes(c))) return false;
  return true;
}

/** The cases that statistics count: triaged, not spam, within the filters. */
export function selectCases(records: readonly TStatsRecord[], filters: TStatsFilters): (TStatsRecord & { triage: TTriageData })[] {
  const out: (TStatsRecord & { triage: TTriageData })[] = [];
  for (const record of records) {
    if (!record.triage || record.status === 'spam') continue;
    if (matchesFilters(record as TStatsRecord & { triage: TTriageData }, filters)) out.push(record as TStatsRecord & { triage: TTriageData });
  }
  return out;
}

/** Every month from `first` to `last` inclusive, "YYYY-MM". */
export function monthRange(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = first.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < 2400; guard += 1) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    if (key > last) break;
    months.push(key);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/**
 * Counts cases by every dimension. Linear in the number of records, no allocation per record beyond the counters,
 * so 100 000 records take a few milliseconds after decryption.
 */
export function aggregate(records: readonly TStatsRecord[], filters: TStatsFilters = NO_FILTERS): TAggregates {
  const counters = new Map<TDimensionId, Map<string, number>>(DIMENSIONS.map((d) => [d, new Map<string, number>()]));
  const bump = (dimension: TDimensionId, key: string) => {
    const counter = counters.get(dimension)!;
    counter.set(key, (counter.get(key) ?? 0) + 1);
  };
  const bumpAll = (dimension: TDimensionId, keys: readonly string[] | undefined) => {
    if (!keys || keys.length === 0) bump(dimension, NOT_RECORDED);
    else for (const key of keys) bump(dimension, key);
  };

  let untriaged = 0;
  let spam = 0;
  let total = 0;
  for (const record of records) {
    if (!record.triage) {
      untriaged += 1;
      continue;
    }
    if (record.status === 'spam') {
      spam += 1;
      continue;
    }
    const triage = record.triage;
    if (!matchesFilters(record as TStatsRecord & { triage: TTriageData }, filters)) continue;
    total += 1;
    bumpAll('category', triage.categories);
    bumpAll('perpetrator', triage.perpetrators);
    bumpAll('harm', triage.harms);
    bumpAll('identity', triage.targeted);
    bumpAll('incidentType', triage.odihr.incidentTypes);
    bump('region', triage.verifiedRegion ?? NOT_RECORDED);
    bump('month', triage.verifiedMonth ?? NOT_RECORDED);
    bump('year', triage.verifiedMonth ? triage.verifiedMonth.slice(0, 4) : NOT_RECORDED);
    bump('police', triage.police ?? NOT_RECORDED);
    bump('hateCrime', triage.odihr.hateCrime);
    bump('status', record.status);
  }

  const dimensions = {} as Record<TDimensionId, TCount[]>;
  for (const dimension of DIMENSIONS) {
    const counter = counters.get(dimension)!;
    const terms = DIMENSION_TERMS[dimension];
    let keys: string[];
    if (terms) {
      keys = terms.map((t) => t.id);
      // A value this version does not know (from a newer client) is still counted, after the known ones.
      for (const key of [...counter.keys()].sort()) if (key !== NOT_RECORDED && !keys.includes(key)) keys.push(key);
    } else {
      const present = [...counter.keys()].filter((k) => k !== NOT_RECORDED).sort();
      if (dimension === 'month') {
        // A continuous time series: every month of the period (or of the data), zeros included.
        const first = filters.from ?? present[0];
        const last = filters.to ?? present.at(-1);
        keys = first && last ? monthRange(first, last) : [];
      } else if (dimension === 'year') {
        const first = filters.from?.slice(0, 4) ?? present[0];
        const last = filters.to?.slice(0, 4) ?? present.at(-1);
        keys = first && last ? Array.from({ length: Number(last) - Number(first) + 1 }, (_, i) => String(Number(first) + i)) : [];
      } else keys = present;
    }
    const isDated = dimension === 'month' || dimension === 'year';
    const hasNotRecorded = isDated
      ? !filters.from && !filters.to
      : counter.has(NOT_RECORDED) || (dimension !== 'hateCrime' && dimension !== 'status');
    dimensions[dimension] = [...keys, ...(hasNotRecorded ? [NOT_RECORDED] : [])].map((key) => ({ key, count: counter.get(key) ?? 0 }));
  }
  return { filters, total, untriaged, spam, dimensions };
}
