// POST /api/staff/prelogin {login}: the Argon2id salt and cost the browser needs to derive the auth key. Answers
// an unknown login with a stable fake of the same shape (lib/auth/staff-auth.ts getLoginParameters).
import { z } from 'zod';
import { findOrganisationId } from '@/lib/auth/require-staff';
import { getLoginParameters, ZLoginName } from '@/lib/auth/staff-auth';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: async (request) => {
    const { login } = await readJson(request, z.object({ login: ZLoginName }).strict(), 1024);
    const organisationId = await findOrganisationId();
    if (!organisationId) throw new AppError('unavailable', 'This deployment has no organisation yet.');
    return json(await getLoginParameters(await getDb(), { serverSecret: getEnv().QORGAU_SERVER_SECRET, organisationId, login }));
  },
});
