// POST /api/staff/members/:id/approve {directory, teamKeyEnvelopes}: a coordinator approves an enrolment with a
// directory signed in their browser (checked against the organisation key) and the team keys sealed to the member.
// Audit: staff.approve.
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { approveMember } from '@/lib/reviewers/directory-change';
import { parseMemberId } from '@/lib/reviewers/member-id';
import { ZDirectoryChangeRequest } from '@/lib/reviewers/schemas';

type Context = { params: Promise<{ id: string }> };

const postHandler = async (request: Request, context: Context) => {
  const staff = await requireStaff(request, 'staff.approve');
  const memberId = parseMemberId((await context.params).id);
  const body = await readJson(request, ZDirectoryChangeRequest, 2 * 1024 * 1024);
  return json(await approveMember(await getDb(), staff, { memberId, request: body, serverSecret: getEnv().QORGAU_SERVER_SECRET }));
};

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute<Context>({ POST: postHandler });
