/**
 * The OSCE/ODIHR hate-crime table: one row per verified anti-LGBTI hate incident (status "verified", hate crime
 * "yes", bias motivation including anti-LGBTI), with the month, region, incident types, bias motivations, bias
 * indicators and whether it was reported to the police. No narrative, no summary, no note: only coded fields.
 */
import {
  ODIHR_BIAS_INDICATORS,
  ODIHR_BIAS_MOTIVATIONS,
  ODIHR_INCIDENT_TYPES,
  POLICE_OUTCOMES,
  REGIONS,
  labelOf,
  type TTerm,
} from '@/lib/taxonomy';
import { selectCases, type TStatsRecord } from '@/lib/stats/aggregate';
import type { TTriageData } from '@/lib/taxonomy/triage';
import { csvLine, describeFilters, describePeriod, periodSlug, type TExportFile, type TExportOptions } from './export-context';

export type TOdihrRow = {
  month: string;
  region: string;
  incidentTypes: string;
  biasMotivations: string;
  biasIndicators: string;
  reportedToPolice: 'yes' | 'no' | 'unknown';
  policeResponse: string;
};

const labels = (terms: readonly TTerm[], ids: readonly string[] | undefined) => (ids ?? []).map((id) => labelOf(terms, id, 'en')).join('; ');

function reportedToPolice(police: TTriageData['police']): TOdihrRow['reportedToPolice'] {
  if (!police || police === 'unknown') return 'unknown';
  return police === 'not-reported' ? 'no' : 'yes';
}

export function odihrRows(records: readonly TStatsRecord[], options: TExportOptions): TOdihrRow[] {
  return selectCases(records, options.filters)
    .filter((r) => r.status === 'verified' && r.triage.odihr.hateCrime === 'yes' && r.triage.odihr.biasMotivations.includes('anti-lgbti'))
    .map(({ triage }) => ({
      month: triage.verifiedMonth ?? 'not recorded',
      region: triage.verifiedRegion ? labelOf(REGIONS, triage.verifiedRegion, 'en') : 'not recorded',
      incidentTypes: labels(ODIHR_INCIDENT_TYPES, triage.odihr.incidentTypes),
      biasMotivations: labels(ODIHR_BIAS_MOTIVATIONS, triage.odihr.biasMotivations),
      biasIndicators: labels(ODIHR_BIAS_INDICATORS, triage.odihr.biasIndicators),
      reportedToPolice: reportedToPolice(triage.police),
      policeResponse: triage.police && triage.police !== 'not-reported' ? labelOf(POLICE_OUTCOMES, triage.police, 'en') : '',
    }))
    .sort((a, b) => {
      const ka = Object.values(a).join('\u0000');
      const kb = Object.values(b).join('\u0000');
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}

/**
 * CSV: `section,month,region,incident_types,bias_motivations,bias_indicators,reported_to_police,police_response`;
 * "about" rows carry their key in `month` and their value in `region`.
 */
export function odihrCsv(records: readonly TStatsRecord[], options: TExportOptions): TExportFile {
  const rows = odihrRows(records, options);
  let text = csvLine(['section', 'month', 'region', 'incident_types', 'bias_motivations', 'bias_indicators', 'reported_to_police', 'police_response']);
  const about: [string, string][] = [
    ['title', 'OSCE/ODIHR hate-crime reporting: verified anti-LGBTI hate incidents (one row per incident, no narratives)'],
    ['period', describePeriod(options.filters)],
    ['filters', `${describeFilters(options.filters)}; only verified cases assessed as hate crimes with an anti-LGBTI bias`],
    ['threshold', String(options.threshold)],
    [
      'suppression',
      `Each row is one incident and holds no count, so no cell is suppressed; rows carry only the month and region ` +
        `as verified. Aggregate counts published with this table apply the threshold of ${options.threshold}.`,
    ],
    ['generated', options.generatedDay],
  ];
  for (const [key, value] of about) text += csvLine(['about', key, value, null, null, null, null, null]);
  for (const row of rows) {
    text += csvLine(['incident', row.month, row.region, row.incidentTypes, row.biasMotivations, row.biasIndicators, row.reportedToPolice, row.policeResponse]);
  }
  return { kind: 'odihr-csv', fileName: `qorgau-odihr-hate-crimes-${periodSlug(options.filters)}.csv`, mimeType: 'text/csv;charset=utf-8', content: text };
}
