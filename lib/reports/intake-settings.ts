import 'server-only';
import { getEnv } from '@/lib/env';
import type { TLimit } from '@/lib/intake/rate-limit';
import type { TIntakeSettings } from './submit-report';

/** Intake settings of this deployment, from the validated environment. */
export function intakeSettings(): TIntakeSettings {
  const env = getEnv();
  return {
    organisationSlug: env.QORGAU_ORG_SLUG,
    serverSecret: env.QORGAU_SERVER_SECRET,
    powDifficulty: env.QORGAU_POW_DIFFICULTY,
    maxAttachments: env.QORGAU_MAX_ATTACHMENTS,
    maxAttachmentBytes: env.QORGAU_MAX_ATTACHMENT_MIB * 1024 * 1024,
    uploadExpiryDays: env.QORGAU_UPLOAD_EXPIRY_DAYS,
  };
}

/** The global limits on new submissions and messages. */
export function intakeLimits(): TLimit[] {
  const env = getEnv();
  return [
    { bucket: 'intake-minute', max: env.QORGAU_INTAKE_PER_MINUTE, windowSeconds: 60 },
    { bucket: 'intake-hour', max: env.QORGAU_INTAKE_PER_HOUR, windowSeconds: 3600 },
  ];
}
