// PUT /api/staff/reports/:id/triage {status, assigneeId, epoch, sealed}: saves a triage sealed under the team key
// in the reviewer's browser; the server learns only status, assignee and the day. Audit: report.triage.
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { ZSaveTriageRequest } from '@/lib/review/api-types';
import { parseReportId } from '@/lib/review/route-params';
import { saveTriage } from '@/lib/review/staff-data';

type Context = { params: Promise<{ id: string }> };

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute<Context>({
  PUT: async (request, context) => {
    const staff = await requireStaff(request, 'report.triage');
    const reportId = parseReportId((await context.params).id);
    const body = await readJson(request, ZSaveTriageRequest, 512 * 1024);
    await saveTriage(await getDb(), staff, { reportId, request: body, serverSecret: getEnv().QORGAU_SERVER_SECRET });
    return json({ ok: true });
  },
});
