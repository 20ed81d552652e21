/**
 * A hand-written check of an opened triage record, for statistics over 100 000 of them: for any value JSON.parse can
 * produce it accepts exactly what `ZTriageData` (triage.ts) accepts, in a few comparisons per field instead of a
 * general schema walk, and returns the record itself rather than a copy. (zod also counts inherited enumerable keys
 * as unrecognised; parsed JSON has none, and this looks at own keys only.) parse-triage.test.ts generates valid,
 * damaged and foreign records and checks that both always agree. Saving a triage still goes through `ZTriageData`;
 * this is only for reading many.
 *
 * No zod here (only terms.ts), so it costs nothing in a page or worker that does not load zod.
 */
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
import type { TTriageData } from './triage';

/** Why a decrypted triage record was refused: the path of the first bad field and what is wrong with it. */
export class TriageDataError extends Error {
  readonly code = 'invalid_triage';

  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`triage record: ${path}: ${problem}`);
    this.name = 'TriageDataError';
  }
}

const idSet = (list: readonly TTerm[]): ReadonlySet<string> => new Set(list.map((term) => term.id));
const CATEGORY_IDS = idSet(CATEGORIES);
const BIAS_MOTIVATION_IDS = idSet(ODIHR_BIAS_MOTIVATIONS);
const INCIDENT_TYPE_IDS = idSet(ODIHR_INCIDENT_TYPES);
const HATE_CRIME_IDS = idSet(ODIHR_HATE_CRIME);
const BIAS_INDICATOR_IDS = idSet(ODIHR_BIAS_INDICATORS);
const PERPETRATOR_IDS = idSet(PERPETRATORS);
const HARM_IDS = idSet(HARMS);
const REGION_IDS = idSet(REGIONS);
const IDENTITY_IDS = idSet(IDENTITIES);
const POLICE_IDS = idSet(POLICE_OUTCOMES);
const MONTH = /^(19|20)\d\d-(0[1-9]|1[0-2])$/;
const MAX_TEXT = 20_000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own keys beyond the required ones must all be among the optional ones (a strict object). */
function checkKeys(record: Record<string, unknown>, path: string, required: number, optional: readonly string[]): void {
  let allowed = required;
  for (const key of optional) if (Object.hasOwn(record, key)) allowed += 1;
  if (Object.keys(record).length !== allowed) throw new TriageDataError(path, 'unrecognised keys');
}

function checkIds(value: unknown, path: string, ids: ReadonlySet<string>, max: number): void {
  if (!Array.isArray(value)) throw new TriageDataError(path, 'expected a list');
  const length = value.length;
  if (length > max) throw new TriageDataError(path, `at most ${max} values`);
  for (let i = 0; i < length; i += 1) {
    const id: unknown = value[i];
    if (typeof id !== 'string' || !ids.has(id)) throw new TriageDataError(`${path}.${i}`, 'not a known value');
    // Lists hold a handful of ids: a quadratic scan is cheaper than building a Set for each.
    for (let j = 0; j < i; j += 1) if (value[j] === id) throw new TriageDataError(path, 'each value at most once');
  }
}

function checkText(value: unknown, path: string): void {
  if (typeof value !== 'string') throw new TriageDataError(path, 'expected text');
  if (value.length > MAX_TEXT) throw new TriageDataError(path, `at most ${MAX_TEXT} characters`);
}

const REQUIRED_KEYS = 9;
const OPTIONAL_KEYS = ['targeted', 'police'] as const;
const ODIHR_REQUIRED_KEYS = 3;
const ODIHR_OPTIONAL_KEYS = ['biasIndicators'] as const;

/**
 * Checks a decrypted triage record as `ZTriageData.parse` would and returns it (the same object, not a copy).
 * @throws TriageDataError naming the first field that ZTriageData would refuse
 */
export function parseTriageData(value: unknown): TTriageData {
  if (!isPlainObject(value)) throw new TriageDataError('(root)', 'expected an object');
  if (value.v !== 1) throw new TriageDataError('v', 'expected 1');
  checkIds(value.categories, 'categories', CATEGORY_IDS, 18);
  const odihr = value.odihr;
  if (!isPlainObject(odihr)) throw new TriageDataError('odihr', 'expected an object');
  checkIds(odihr.biasMotivations, 'odihr.biasMotivations', BIAS_MOTIVATION_IDS, 3);
  checkIds(odihr.incidentTypes, 'odihr.incidentTypes', INCIDENT_TYPE_IDS, 6);
  if (typeof odihr.hateCrime !== 'string' || !HATE_CRIME_IDS.has(odihr.hateCrime)) throw new TriageDataError('odihr.hateCrime', 'not a known value');
  if (odihr.biasIndicators !== undefined) checkIds(odihr.biasIndicators, 'odihr.biasIndicators', BIAS_INDICATOR_IDS, 8);
  checkKeys(odihr, 'odihr', ODIHR_REQUIRED_KEYS, ODIHR_OPTIONAL_KEYS);
  checkIds(value.perpetrators, 'perpetrators', PERPETRATOR_IDS, 10);
  checkIds(value.harms, 'harms', HARM_IDS, 4);
  const region = value.verifiedRegion;
  if (region !== null && (typeof region !== 'string' || !REGION_IDS.has(region))) throw new TriageDataError('verifiedRegion', 'not a known value');
  const month = value.verifiedMonth;
  if (month !== null && (typeof month !== 'string' || !MONTH.test(month))) throw new TriageDataError('verifiedMonth', 'a month as YYYY-MM');
  checkText(value.verificationNote, 'verificationNote');
  checkText(value.publicSummary, 'publicSummary');
  if (value.targeted !== undefined) checkIds(value.targeted, 'targeted', IDENTITY_IDS, 9);
  const police = value.police;
  if (police !== undefined && police !== null && (typeof police !== 'string' || !POLICE_IDS.has(police))) throw new TriageDataError('police', 'not a known value');
  checkKeys(value, '(root)', REQUIRED_KEYS, OPTIONAL_KEYS);
  return value as TTriageData;
}
