// PUT /api/staff/password {oldAuthKey, new password material, proof}: a signed-in staff member changes the
// password (old one re-derived in the browser, new one never sent, change signed with their keys); every session
// ends, this one included. Audit: auth.password.
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { changePassword } from '@/lib/reviewers/password';
import { ZChangePasswordRequest } from '@/lib/reviewers/schemas';

const putHandler = async (request: Request) => {
  const staff = await requireStaff(request, 'self.password');
  const body = await readJson(request, ZChangePasswordRequest, 16 * 1024);
  await changePassword(await getDb(), staff, { serverSecret: getEnv().QORGAU_SERVER_SECRET, request: body });
  return json({ ok: true });
};

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({ PUT: putHandler });
