// POST /api/staff/recovery {login, totp}: a reviewer who lost the password starts recovery; after a throttled TOTP
// check the answer carries the recovery-wrapped keys (useless without the printed recovery key) and a challenge.
// PUT /api/staff/recovery {login, challenge, new password material, proof}: sets the new password, signed with the
// recovered keys; every session of the reviewer ends. Audit: auth.recovery.start, auth.recover.
import { checkSameOrigin, requireOrganisationId } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { completeRecovery, startRecovery } from '@/lib/reviewers/password';
import { ZCompleteRecoveryRequest, ZStartRecoveryRequest } from '@/lib/reviewers/schemas';

const postHandler = async (request: Request) => {
  checkSameOrigin(request);
  const body = await readJson(request, ZStartRecoveryRequest, 1024);
  return json(await startRecovery(await getDb(), { serverSecret: getEnv().QORGAU_SERVER_SECRET, organisationId: await requireOrganisationId(), login: body.login, totp: body.totp }));
};

const putHandler = async (request: Request) => {
  checkSameOrigin(request);
  const body = await readJson(request, ZCompleteRecoveryRequest, 16 * 1024);
  await completeRecovery(await getDb(), { serverSecret: getEnv().QORGAU_SERVER_SECRET, organisationId: await requireOrganisationId(), request: body });
  return json({ ok: true });
};

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({ POST: postHandler, PUT: putHandler });
