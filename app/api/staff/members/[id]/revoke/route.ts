// POST /api/staff/members/:id/revoke {directory, teamKeyEnvelopes}: a coordinator revokes a member with a directory
// signed without them and a new team epoch sealed to the rest; envelopes and sessions go in the same transaction.
// Audit: staff.revoke.
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { revokeMember } from '@/lib/reviewers/directory-change';
import { parseMemberId } from '@/lib/reviewers/member-id';
import { ZDirectoryChangeRequest } from '@/lib/reviewers/schemas';

type Context = { params: Promise<{ id: string }> };

const postHandler = async (request: Request, context: Context) => {
  const staff = await requireStaff(request, 'staff.revoke');
  const memberId = parseMemberId((await context.params).id);
  const body = await readJson(request, ZDirectoryChangeRequest, 2 * 1024 * 1024);
  return json(await revokeMember(await getDb(), staff, { memberId, request: body, serverSecret: getEnv().QORGAU_SERVER_SECRET }));
};

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute<Context>({ POST: postHandler });
