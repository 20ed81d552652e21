/**
 * A small, hand-counted set of cases used by the unit tests (and the end-to-end statistics test, which seals the
 * same cases and checks the page against the same expected figures). Every expected number below was counted by
 * hand from the list; nothing is computed with the code under test.
 */
import type { TStatsRecord } from './aggregate';
import { emptyTriage, type TTriageData } from '@/lib/taxonomy/triage';

export function triage(overrides: Partial<TTriageData> & { odihr?: Partial<TTriageData['odihr']> }): TTriageData {
  const base = emptyTriage();
  return { ...base, ...overrides, odihr: { ...base.odihr, ...overrides.odihr } };
}

/** Twelve triaged cases, one untriaged report and one spam, with verified months in 2025 (and one in 2024). */
export function fixtureRecords(year = '2025', previous = '2024'): TStatsRecord[] {
  const violence = (month: string, extra: Partial<TTriageData> = {}): TTriageData =>
    triage({
      categories: ['bias-motivated-violence', 'police-and-law-enforcement'],
      odihr: { biasMotivations: ['anti-lgbti'], incidentTypes: ['violent-attack'], hateCrime: 'yes', biasIndicators: ['comments-or-gestures'] },
      perpetrators: ['police-or-state'],
      harms: ['physical', 'psychological'],
      verifiedRegion: 'almaty-city',
      verifiedMonth: month,
      targeted: ['gay'],
      police: 'refused-to-register',
      publicSummary: `In ${month}, police officers beat a gay man in Almaty.`,
      ...extra,
    });
  return [
    // 1-6: six verified violence cases in Almaty (city), March and April.
    { status: 'verified', triage: violence(`${year}-03`) },
    { status: 'verified', triage: violence(`${year}-03`) },
    { status: 'verified', triage: violence(`${year}-03`) },
    { status: 'verified', triage: violence(`${year}-04`, { police: 'not-reported' }) },
    { status: 'verified', triage: violence(`${year}-04`, { police: 'not-reported' }) },
    { status: 'verified', triage: violence(`${year}-04`, { verifiedRegion: 'shymkent', targeted: ['trans'] }) },
    // 7-9: speech online, in review (not verified), May.
    ...[1, 2, 3].map(() => ({
      status: 'in_review',
      triage: triage({ categories: ['bias-motivated-speech'], perpetrators: ['online-group'], harms: ['psychological'], verifiedRegion: 'online', verifiedMonth: `${year}-05`, targeted: ['lesbian', 'queer'], publicSummary: '' }),
    })),
    // 10: employment, verified, no region, May.
    {
      status: 'verified',
      triage: triage({ categories: ['employment'], perpetrators: ['employer-or-colleague'], harms: ['economic'], verifiedMonth: `${year}-05`, publicSummary: 'In May, a lesbian woman was compelled to resign.', verificationNote: 'TEAM-ONLY-NOTE' }),
    },
    // 11: family case from the previous December, verified, without a summary.
    { status: 'verified', triage: triage({ categories: ['family'], perpetrators: ['family'], harms: ['psychological'], verifiedRegion: 'karaganda', verifiedMonth: `${previous}-12` }) },
    // 12: no month, no category yet.
    { status: 'needs_information', triage: triage({}) },
    // Not counted: no triage yet, and spam.
    { status: 'new', triage: null },
    { status: 'spam', triage: triage({ categories: ['health'], verifiedMonth: `${year}-03` }) },
  ];
}
