/**
 * Made-up triaged cases for the benchmark: a deterministic pseudo-random mix over the whole taxonomy, five years of
 * months, every status, with a publishable summary on verified cases (so the chapter export has text to group).
 * The generator is a plain PRNG for test data; nothing here is a key, an id or a secret.
 */
import {
  CATEGORIES,
  HARMS,
  IDENTITIES,
  ODIHR_BIAS_INDICATORS,
  ODIHR_INCIDENT_TYPES,
  PERPETRATORS,
  POLICE_OUTCOMES,
  REGIONS,
} from '@/lib/taxonomy';
import type { TTriageData } from '@/lib/taxonomy/triage';

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateCases(count: number, seed = 2025): { status: string; triage: TTriageData }[] {
  const next = mulberry32(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const some = <T extends { id: string }>(list: readonly T[], max: number) => [...new Set(Array.from({ length: 1 + Math.floor(next() * max) }, () => pick(list).id))];
  const statuses = ['verified', 'verified', 'verified', 'in_review', 'needs_information', 'closed', 'spam'];
  return Array.from({ length: count }, () => {
    const status = pick(statuses);
    const month = `${2021 + Math.floor(next() * 5)}-${String(1 + Math.floor(next() * 12)).padStart(2, '0')}`;
    const isHate = next() < 0.4;
    const triage: TTriageData = {
      v: 1,
      categories: some(CATEGORIES, 2) as TTriageData['categories'],
      odihr: {
        biasMotivations: isHate ? ['anti-lgbti'] : [],
        incidentTypes: isHate ? (some(ODIHR_INCIDENT_TYPES, 2) as TTriageData['odihr']['incidentTypes']) : [],
        hateCrime: isHate ? 'yes' : pick(['no', 'unclear'] as const),
        biasIndicators: isHate ? (some(ODIHR_BIAS_INDICATORS, 3) as NonNullable<TTriageData['odihr']['biasIndicators']>) : [],
      },
      perpetrators: some(PERPETRATORS, 2) as TTriageData['perpetrators'],
      harms: some(HARMS, 3) as TTriageData['harms'],
      verifiedRegion: pick(REGIONS).id,
      verifiedMonth: month,
      verificationNote: 'Checked against two sources (team only).',
      publicSummary: status === 'verified' ? `In ${month}, a person reported an incident that the team verified.` : '',
      targeted: some(IDENTITIES, 2) as NonNullable<TTriageData['targeted']>,
      police: pick(POLICE_OUTCOMES).id,
    };
    return { status, triage };
  });
}
