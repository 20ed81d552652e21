// POST /api/staff/reports/:id/messages {sealed}: a reviewer's reply to the reporter, sealed and signed in the
// reviewer's browser (lib/crypto sealMessageFromReviewer). Audit: report.reply.
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { ZReplyRequest } from '@/lib/review/api-types';
import { parseReportId } from '@/lib/review/route-params';
import { addReply } from '@/lib/review/staff-data';

type Context = { params: Promise<{ id: string }> };

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute<Context>({
  POST: async (request, context) => {
    const staff = await requireStaff(request, 'report.reply');
    const reportId = parseReportId((await context.params).id);
    const { sealed } = await readJson(request, ZReplyRequest, 128 * 1024);
    return json(await addReply(await getDb(), staff, { reportId, sealed, serverSecret: getEnv().QORGAU_SERVER_SECRET }), { status: 201 });
  },
});
