import 'server-only';
import { getEnv } from '@/lib/env';
import type { TLimit } from '@/lib/intake/rate-limit';
import type { TIntakeSettings } from './submit-report';

/** Intake settings of this deployment, from the validated environment. */
export function intakeSettings(): TIntakeSettings {
  const env = getEnv();
  return {
    limits: intakeLimits(),
    organisationSlug: env.QORGAU_ORG_SLUG,
    serverSecret: env.QORGAU_SERVER_SECRET,
    powDifficulty: env.QORGAU_POW_DIFFICULTY,
    maxAttachments: env.QORGAU_MAX_ATTACHMENTS,
    maxAttachmentBytes: env.QORGAU_MAX_ATTACHMENT_MIB * 1024 * 1024,
    uploadExpiryDays: env.QORGAU_UPLOAD_EXPIRY_DAYS,
  };
}

/**
 * The global limits on new submissions and reporter messages. A submission is counted in the
 * transaction that stores it; a message when it is asked for (its receipt is checked after).
 */
export function intakeLimits(): TLimit[] {
  const env = getEnv();
  return [
    { bucket: 'intake-minute', max: env.QORGAU_INTAKE_PER_MINUTE, windowSeconds: 60 },
    { bucket: 'intake-hour', max: env.QORGAU_INTAKE_PER_HOUR, windowSeconds: 3600 },
  ];
}

/** The global limit on proof-of-work challenges: four per submission the intake allows. */
export function challengeLimits(): TLimit[] {
  return [{ bucket: 'pow-minute', max: getEnv().QORGAU_INTAKE_PER_MINUTE * 4, windowSeconds: 60 }];
}

/** The global limit on receipt look-ups (`POST /api/follow-up`), counted before the receipt is checked, so guessing is bounded too. */
export function followUpLimits(): TLimit[] {
  return [{ bucket: 'follow-up-minute', max: getEnv().QORGAU_INTAKE_PER_MINUTE * 2, windowSeconds: 60 }];
}
