/**
 * The one entry point for every export, used by the statistics page and by the export command (scripts/export.ts):
 * the same records and options give the same files wherever they are made.
 */
import type { TStatsRecord } from '@/lib/stats/aggregate';
import { aggregatesCsv, aggregatesJson } from './aggregates';
import { chapterMarkdown } from './chapter';
import { chapterDocx } from './chapter-docx';
import { ZExportOptions, type TExportFile, type TExportKind, type TExportOptions } from './export-context';
import { odihrCsv } from './odihr';

/** @throws ZodError when the options are invalid (a period that ends before it starts, a threshold below 2…). */
export async function buildExport(kind: TExportKind, records: readonly TStatsRecord[], options: TExportOptions): Promise<TExportFile> {
  const valid = ZExportOptions.parse(options);
  switch (kind) {
    case 'aggregates-csv':
      return aggregatesCsv(records, valid);
    case 'aggregates-json':
      return aggregatesJson(records, valid);
    case 'chapter-md':
      return chapterMarkdown(records, valid);
    case 'chapter-docx':
      return chapterDocx(records, valid);
    case 'odihr-csv':
      return odihrCsv(records, valid);
  }
}
