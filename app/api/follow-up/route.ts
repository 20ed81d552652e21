// POST /api/follow-up: the reporter's view of their report (status, sealed report, sealed thread,
// upload progress) for the access token derived from the receipt. The token travels in the body,
// never in a URL. Wrong tokens all get the same 404, under a global rate limit.
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { openFollowUp } from '@/lib/followup/open-follow-up';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { takeIntakeSlot } from '@/lib/intake/rate-limit';
import { ZFollowUpRequest } from '@/lib/reports/intake-schemas';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: async (request) => {
    const { accessToken } = await readJson(request, ZFollowUpRequest, 1024);
    const env = getEnv();
    takeIntakeSlot([{ bucket: 'follow-up-minute', max: env.QORGAU_INTAKE_PER_MINUTE * 2, windowSeconds: 60 }]);
    return json(await openFollowUp({ db: await getDb(), serverSecret: env.QORGAU_SERVER_SECRET, accessToken }));
  },
});
