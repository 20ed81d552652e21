// POST /api/setup {token}: the set-up link's first step (organisation id, coordinator id, TOTP secret to set up).
// PUT /api/setup {token, organisation key, coordinator enrolment, directory 1, team key 1}: creates the organisation.
// Authorised by the one-time set-up token alone (npm run setup:token), and only while the deployment is empty.
import { checkSameOrigin } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { ZCompleteSetupRequest, ZStartSetupRequest } from '@/lib/organisations/schemas';
import { completeSetup, startSetup } from '@/lib/organisations/set-up-organisation';

const postHandler = async (request: Request) => {
  checkSameOrigin(request);
  const body = await readJson(request, ZStartSetupRequest, 1024);
  return json(await startSetup(await getDb(), { serverSecret: getEnv().QORGAU_SERVER_SECRET, token: body.token }));
};

const putHandler = async (request: Request) => {
  checkSameOrigin(request);
  const body = await readJson(request, ZCompleteSetupRequest, 64 * 1024);
  const env = getEnv();
  return json(await completeSetup(await getDb(), { serverSecret: env.QORGAU_SERVER_SECRET, slug: env.QORGAU_ORG_SLUG, request: body }), { status: 201 });
};

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({ POST: postHandler, PUT: putHandler });
