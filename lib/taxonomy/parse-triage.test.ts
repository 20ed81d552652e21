import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateCases } from '@/bench/stats/generate';
import { parseTriageData, TriageDataError } from './parse-triage';
import {
  CATEGORIES,
  HARMS,
  IDENTITIES,
  ODIHR_BIAS_INDICATORS,
  ODIHR_BIAS_MOTIVATIONS,
  ODIHR_HATE_CRIME,
  ODIHR_INCIDENT_TYPES,
  PERPETRATORS,
  POLICE_OUTCOMES,
  REGIONS,
  type TTerm,
} from './terms';
import { emptyTriage, ZTriageData } from './triage';

const ids = (list: readonly TTerm[]) => list.map((t) => t.id);
/** Lists of ids, mostly valid, sometimes too long, repeated or foreign. */
const idList = (list: readonly TTerm[], max: number) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.uniqueArray(fc.constantFrom(...ids(list)), { maxLength: max }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(...ids(list), 'nope', ''), { maxLength: max + 2 }) },
  );
const month = fc.oneof(
  fc.constant(null),
  fc.constantFrom('2024-01', '1999-12', '2099-10', '2024-13', '2024-00', '1899-01', '2024-1', ' 2024-01', '2024-01\n'),
);
const text = fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 30 }) }, { weight: 1, arbitrary: fc.constantFrom('x'.repeat(20_000), 'x'.repeat(20_001)) });

const triage = fc.record(
  {
    v: fc.oneof({ weight: 9, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom(2, '1', 1.5) }),
    categories: idList(CATEGORIES, 18),
    odihr: fc.record(
      {
        biasMotivations: idList(ODIHR_BIAS_MOTIVATIONS, 3),
        incidentTypes: idList(ODIHR_INCIDENT_TYPES, 6),
        hateCrime: fc.constantFrom(...ids(ODIHR_HATE_CRIME), 'maybe'),
        biasIndicators: idList(ODIHR_BIAS_INDICATORS, 8),
      },
      { requiredKeys: ['biasMotivations', 'incidentTypes', 'hateCrime'] },
    ),
    perpetrators: idList(PERPETRATORS, 10),
    harms: idList(HARMS, 4),
    verifiedRegion: fc.oneof(fc.constant(null), fc.constantFrom(...ids(REGIONS), 'mars')),
    verifiedMonth: month,
    verificationNote: text,
    publicSummary: text,
    targeted: idList(IDENTITIES, 9),
    police: fc.oneof(fc.constant(null), fc.constantFrom(...ids(POLICE_OUTCOMES), 'ignored')),
  },
  { requiredKeys: ['v', 'categories', 'odihr', 'perpetrators', 'harms', 'verifiedRegion', 'verifiedMonth', 'verificationNote', 'publicSummary'] },
);

/** A record with one thing changed: a field replaced by any JSON value, removed, or a key added (top level or in odihr). */
const damaged = fc
  .tuple(triage, fc.constantFrom('root', 'odihr'), fc.string({ maxLength: 16 }), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)), fc.boolean())
  .map(([record, where, key, value, isExisting]) => {
    const copy = structuredClone(record) as Record<string, unknown> & { odihr: Record<string, unknown> };
    const target = where === 'root' ? copy : copy.odihr;
    const keys = Object.keys(target);
    const name = isExisting && keys.length > 0 ? keys[Math.abs(key.length) % keys.length]! : key;
    // An own property even for a name like __proto__, as JSON.parse makes it (plain assignment would set the prototype).
    if (value === undefined) delete target[name];
    else Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
    return copy;
  });

function accepts(value: unknown): boolean {
  try {
    parseTriageData(value);
    return true;
  } catch (error) {
    if (error instanceof TriageDataError) return false;
    throw error;
  }
}

describe('parseTriageData, the hand-written check of an opened triage record', () => {
  // On values JSON.parse can produce (own keys only): the decrypted record is always parsed JSON.
  it('accepts exactly what ZTriageData accepts, on generated, damaged and arbitrary values', () => {
    fc.assert(
      fc.property(fc.oneof(triage, damaged, fc.jsonValue({ maxDepth: 3 })), (value) => {
        const zod = ZTriageData.safeParse(value);
        expect(accepts(value)).toBe(zod.success);
        // Accepted records come back as they are, and equal what zod would have made of them.
        if (zod.success) expect(parseTriageData(value)).toEqual(zod.data);
      }),
      { numRuns: Number(process.env.QORGAU_FUZZ_RUNS ?? 5000), seed: process.env.QORGAU_FUZZ_SEED ? Number(process.env.QORGAU_FUZZ_SEED) : undefined },
    );
  });

  it('accepts the benchmark cases and an empty triage, and names the first bad field of a refused one', () => {
    for (const { triage: record } of generateCases(500)) expect(parseTriageData(JSON.parse(JSON.stringify(record)))).toEqual(record);
    expect(parseTriageData(emptyTriage())).toEqual(emptyTriage());
    const refused = (value: unknown) => {
      try {
        parseTriageData(value);
      } catch (error) {
        return error;
      }
      throw new Error('accepted');
    };
    expect(refused(null)).toMatchObject({ code: 'invalid_triage', path: '(root)' });
    expect(refused({ ...emptyTriage(), categories: ['asylum', 'asylum'] })).toMatchObject({ path: 'categories' });
    expect(refused({ ...emptyTriage(), odihr: { ...emptyTriage().odihr, extra: 1 } })).toMatchObject({ path: 'odihr' });
    expect(refused({ ...emptyTriage(), narrative: 'not part of a triage' })).toMatchObject({ path: '(root)', message: expect.stringMatching(/unrecognised keys/) });
    expect(refused({ ...emptyTriage(), verifiedMonth: '2024-13' })).toMatchObject({ path: 'verifiedMonth' });
  });
});
