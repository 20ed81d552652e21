// GET /api/staff/reports/:id: one sealed report with the caller's envelope and the sealed message thread.
// Recorded as report.open in the audit log.
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { openReport } from '@/lib/review/staff-data';
import { parseReportId } from '@/lib/review/route-params';

type Context = { params: Promise<{ id: string }> };

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute<Context>({
  GET: async (request, context) => {
    const staff = await requireStaff(request, 'report.open');
    const reportId = parseReportId((await context.params).id);
    return json(await openReport(await getDb(), staff, { reportId, serverSecret: getEnv().QORGAU_SERVER_SECRET }));
  },
});
