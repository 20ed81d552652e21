// POST /api/follow-up: the reporter's view of their report (status, sealed report, sealed thread,
// upload progress) for the access token derived from the receipt. The token travels in the body,
// never in a URL. Wrong tokens all get the same 404, under a global rate limit shared by every instance.
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { openFollowUp } from '@/lib/followup/open-follow-up';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { takeIntakeSlot } from '@/lib/intake/rate-limit';
import { ZFollowUpRequest } from '@/lib/reports/intake-schemas';
import { followUpLimits } from '@/lib/reports/intake-settings';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: async (request) => {
    const { accessToken } = await readJson(request, ZFollowUpRequest, 1024);
    const db = await getDb();
    await takeIntakeSlot(db, followUpLimits());
    return json(await openFollowUp({ db, serverSecret: getEnv().QORGAU_SERVER_SECRET, accessToken }));
  },
});
