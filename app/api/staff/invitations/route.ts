// POST /api/staff/invitations {role}: a coordinator creates a single-use invitation; the answer carries the token
// once (for the link), the server keeps only its keyed hash. Audit: staff.invite.
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { createInvitation } from '@/lib/reviewers/enrolment';
import { ZCreateInvitationRequest } from '@/lib/reviewers/schemas';

const postHandler = async (request: Request) => {
  const staff = await requireStaff(request, 'staff.invite');
  const body = await readJson(request, ZCreateInvitationRequest, 1024);
  return json(await createInvitation(await getDb(), staff, { role: body.role, serverSecret: getEnv().QORGAU_SERVER_SECRET }), { status: 201 });
};

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({ POST: postHandler });
