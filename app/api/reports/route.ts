// POST /api/reports: an anonymous, already encrypted submission, under the global intake limits
// shared by every instance. Stored whole or not at all; the answer is a bare acknowledgement.
import { getDb } from '@/lib/db';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { takeIntakeSlot } from '@/lib/intake/rate-limit';
import { MAX_SUBMISSION_BYTES, ZSubmitReportRequest } from '@/lib/reports/intake-schemas';
import { intakeLimits, intakeSettings } from '@/lib/reports/intake-settings';
import { submitReport } from '@/lib/reports/submit-report';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: async (request) => {
    const body = await readJson(request, ZSubmitReportRequest, MAX_SUBMISSION_BYTES);
    const db = await getDb();
    await takeIntakeSlot(db, intakeLimits());
    await submitReport({ db, request: body, settings: intakeSettings() });
    return json({ ok: true }, { status: 201 });
  },
});
