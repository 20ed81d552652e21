// POST /api/staff/enrolment {token}: the invitee starts enrolling (reviewer id, TOTP secret to set up).
// PUT /api/staff/enrolment {token, …keys, totp}: completes it; the account waits for a coordinator's approval.
// Authorised by the invitation token alone (single use, expiring); the password never arrives, only the auth key.
import { checkSameOrigin, requireOrganisationId } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { completeEnrolment, startEnrolment } from '@/lib/reviewers/enrolment';
import { ZCompleteEnrolmentRequest, ZStartEnrolmentRequest } from '@/lib/reviewers/schemas';

const postHandler = async (request: Request) => {
  checkSameOrigin(request);
  const body = await readJson(request, ZStartEnrolmentRequest, 1024);
  return json(await startEnrolment(await getDb(), { serverSecret: getEnv().QORGAU_SERVER_SECRET, token: body.token, organisationId: await requireOrganisationId() }));
};

const putHandler = async (request: Request) => {
  checkSameOrigin(request);
  const body = await readJson(request, ZCompleteEnrolmentRequest, 64 * 1024);
  return json(await completeEnrolment(await getDb(), { serverSecret: getEnv().QORGAU_SERVER_SECRET, organisationId: await requireOrganisationId(), request: body }), { status: 201 });
};

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({ POST: postHandler, PUT: putHandler });
