/**
 * The taxonomy's zod schemas (ids as enums, months, distinct id lists), and everything in terms.ts.
 * Browser code that only needs labels imports './terms' directly to stay free of zod.
 */
import { z } from 'zod';
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
  STATUSES,
  type TTerm,
} from './terms';

export * from './terms';

type Ids<T extends readonly TTerm[]> = T[number]['id'];

function idEnum<T extends readonly TTerm[]>(list: T) {
  return z.enum(list.map((term) => term.id) as [Ids<T>, ...Ids<T>[]]);
}

export const ZCategoryId = idEnum(CATEGORIES);
export const ZRegionId = idEnum(REGIONS);
export const ZPerpetratorId = idEnum(PERPETRATORS);
export const ZHarmId = idEnum(HARMS);
export const ZIdentityId = idEnum(IDENTITIES);
export const ZPoliceOutcomeId = idEnum(POLICE_OUTCOMES);
export const ZBiasMotivationId = idEnum(ODIHR_BIAS_MOTIVATIONS);
export const ZIncidentTypeId = idEnum(ODIHR_INCIDENT_TYPES);
export const ZBiasIndicatorId = idEnum(ODIHR_BIAS_INDICATORS);
export const ZHateCrimeId = idEnum(ODIHR_HATE_CRIME);
export const ZStatusId = idEnum(STATUSES);

/** A month as "YYYY-MM" (reports record the month, not the day, unless the reporter chooses otherwise). */
export const ZMonth = z.string().regex(/^(19|20)\d\d-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');

/** A list of distinct ids of one vocabulary. */
export function distinctIds<T extends z.ZodType<string>>(schema: T, max: number) {
  return z
    .array(schema)
    .max(max)
    .refine((ids) => new Set(ids).size === ids.length, 'each value at most once');
}

