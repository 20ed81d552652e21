// POST /api/follow-up/messages: the reporter's sealed answer to the reviewers, with any new
// attachments announced for upload, under the global intake limits shared by every instance.
import { getDb } from '@/lib/db';
import { addReporterMessage } from '@/lib/followup/add-reporter-message';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { takeIntakeSlot } from '@/lib/intake/rate-limit';
import { MAX_MESSAGE_BYTES, ZReporterMessageRequest } from '@/lib/reports/intake-schemas';
import { intakeSettings } from '@/lib/reports/intake-settings';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: async (request) => {
    const body = await readJson(request, ZReporterMessageRequest, MAX_MESSAGE_BYTES);
    const [db, settings] = [await getDb(), intakeSettings()];
    // Counted against the intake limits before the receipt is checked, so wrong receipts count too.
    await takeIntakeSlot(db, settings.limits);
    await addReporterMessage({ db, request: body, settings });
    return json({ ok: true }, { status: 201 });
  },
});
