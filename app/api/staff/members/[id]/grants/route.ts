// POST /api/staff/members/:id/grants {grants}: a batch (at most 200) of report grants re-sealed in a coordinator's
// browser for an approved member. Audit: report.grant (one entry per batch).
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { storeGrants } from '@/lib/reviewers/grants';
import { parseMemberId } from '@/lib/reviewers/member-id';
import { ZGrantsRequest } from '@/lib/reviewers/schemas';

type Context = { params: Promise<{ id: string }> };

const postHandler = async (request: Request, context: Context) => {
  const staff = await requireStaff(request, 'staff.grant');
  const memberId = parseMemberId((await context.params).id);
  const body = await readJson(request, ZGrantsRequest, 2 * 1024 * 1024);
  return json(await storeGrants(await getDb(), staff, { memberId, grants: body.grants, serverSecret: getEnv().QORGAU_SERVER_SECRET }));
};

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute<Context>({ POST: postHandler });
