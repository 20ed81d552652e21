// POST /api/reports: an anonymous, already encrypted submission. Stored whole or not at all, and
// counted against the global intake limits in the same transaction (429 when they are reached); the
// answer is a bare acknowledgement.
import { getDb } from '@/lib/db';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { MAX_SUBMISSION_BYTES, ZSubmitReportRequest } from '@/lib/reports/intake-schemas';
import { intakeSettings } from '@/lib/reports/intake-settings';
import { submitReport } from '@/lib/reports/submit-report';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: async (request) => {
    const body = await readJson(request, ZSubmitReportRequest, MAX_SUBMISSION_BYTES);
    await submitReport({ db: await getDb(), request: body, settings: intakeSettings() });
    return json({ ok: true }, { status: 201 });
  },
});
