/**
 * What every export states about itself: the period, the filters, the small-count threshold and how suppression
 * works, and the day it was generated (a day, not a time: exports are published and a time of day says nothing
 * useful). Exports are written in English, the language of the ILGA-Europe Annual Review and of ODIHR submissions;
 * the ids beside each label stay stable across languages.
 */
import { z } from 'zod';
import { CATEGORIES, labelOf, ZCategoryId, ZMonth } from '@/lib/taxonomy';
import type { TStatsFilters } from '@/lib/stats/aggregate';
import { DEFAULT_THRESHOLD, MAX_THRESHOLD, MIN_THRESHOLD } from '@/lib/stats/suppress';

export const EXPORT_KINDS = ['aggregates-csv', 'aggregates-json', 'chapter-md', 'chapter-docx', 'odihr-csv'] as const;
export type TExportKind = (typeof EXPORT_KINDS)[number];
export const ZExportKind = z.enum(EXPORT_KINDS);

/** Options shared by every export; validated the same way in the browser and in the export command. */
export const ZExportOptions = z
  .object({
    filters: z
      .object({
        from: ZMonth.nullable(),
        to: ZMonth.nullable(),
        categories: z.array(ZCategoryId).max(18),
        verifiedOnly: z.boolean(),
      })
      .strict()
      .refine((f) => !f.from || !f.to || f.from <= f.to, 'the period ends before it starts'),
    threshold: z.number().int().min(MIN_THRESHOLD).max(MAX_THRESHOLD).default(DEFAULT_THRESHOLD),
    generatedDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  })
  .strict();
export type TExportOptions = z.infer<typeof ZExportOptions>;

export type TExportFile = { kind: TExportKind; fileName: string; mimeType: string; content: string | Uint8Array };

export function describePeriod(filters: TStatsFilters): string {
  if (!filters.from && !filters.to) return 'all dates';
  if (filters.from && filters.to) return `${filters.from} to ${filters.to}`;
  return filters.from ? `from ${filters.from}` : `until ${filters.to}`;
}

export function describeFilters(filters: TStatsFilters): string {
  const categories = filters.categories.length === 0 ? 'all categories' : `categories: ${filters.categories.map((c) => labelOf(CATEGORIES, c, 'en')).join('; ')}`;
  const verification = filters.verifiedOnly ? 'verified cases only' : 'all triaged cases (spam excluded)';
  return `${categories}; ${verification}`;
}

/** "fewer than 5": how a primary-suppressed count is shown. */
export function fewerThan(threshold: number): string {
  return `fewer than ${threshold}`;
}

export const SUPPRESSED_TEXT = 'suppressed';

export function suppressionStatement(threshold: number): string {
  return (
    `Small-count protection: counts from 1 to ${threshold - 1} are shown as "${fewerThan(threshold)}"; where such a count ` +
    `could be worked out from a total, another count is withheld as well and shown as "${SUPPRESSED_TEXT}". Zeros are shown. ` +
    `If fewer than ${threshold} cases are counted in all, the total and every share are withheld.`
  );
}

/** A file-name fragment for the period: "2025-01_2025-12" or "all-dates". */
export function periodSlug(filters: TStatsFilters): string {
  return filters.from || filters.to ? `${filters.from ?? 'start'}_${filters.to ?? 'end'}` : 'all-dates';
}

/** Today in UTC as "YYYY-MM-DD". */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text that a spreadsheet would run as a
 * formula (starting with = + - @) gets a leading apostrophe.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(fields: readonly (string | number | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
