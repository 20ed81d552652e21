/**
 * The triage record a reviewer writes about a report: sealed under the team key in the browser (lib/crypto
 * `sealTeamRecord`, kind `triage`), so the server never reads any of it. Validated with this schema before sealing
 * and again after opening (a record is data from another browser: parse, don't trust).
 */
import { z } from 'zod';
import {
  ZBiasIndicatorId,
  ZBiasMotivationId,
  ZCategoryId,
  ZHarmId,
  ZHateCrimeId,
  ZIdentityId,
  ZIncidentTypeId,
  ZMonth,
  ZPerpetratorId,
  ZPoliceOutcomeId,
  ZRegionId,
  distinctIds,
} from './index';

export const TRIAGE_RECORD_KIND = 'triage';

export const ZTriageData = z
  .object({
    v: z.literal(1),
    categories: distinctIds(ZCategoryId, 18),
    odihr: z
      .object({
        biasMotivations: distinctIds(ZBiasMotivationId, 3),
        incidentTypes: distinctIds(ZIncidentTypeId, 6),
        hateCrime: ZHateCrimeId,
        // Added after v1 shipped: optional, so records sealed before it still open.
        biasIndicators: distinctIds(ZBiasIndicatorId, 8).optional(),
      })
      .strict(),
    perpetrators: distinctIds(ZPerpetratorId, 10),
    harms: distinctIds(ZHarmId, 4),
    verifiedRegion: ZRegionId.nullable(),
    verifiedMonth: ZMonth.nullable(),
    verificationNote: z.string().max(20_000),
    publicSummary: z.string().max(20_000),
    // Added for statistics (analysts cannot read reports, so what is counted must be in the triage): the targeted
    // identities and the police outcome as the reviewer confirmed them. Optional, so older records stay valid.
    targeted: distinctIds(ZIdentityId, 9).optional(),
    police: ZPoliceOutcomeId.nullable().optional(),
  })
  .strict();
export type TTriageData = z.infer<typeof ZTriageData>;

export function emptyTriage(): TTriageData {
  return {
    v: 1,
    categories: [],
    odihr: { biasMotivations: [], incidentTypes: [], hateCrime: 'unclear' },
    perpetrators: [],
    harms: [],
    verifiedRegion: null,
    verifiedMonth: null,
    verificationNote: '',
    publicSummary: '',
  };
}
