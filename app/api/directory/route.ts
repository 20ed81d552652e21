// GET /api/directory: the organisation's newest signed reviewer directory, for reporters' browsers
// to verify against the pinned organisation key before encrypting anything.
import { getDb } from '@/lib/db';
import { getLatestDirectory } from '@/lib/directory/get-latest-directory';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: async () => json(await getLatestDirectory(await getDb(), getEnv().QORGAU_ORG_SLUG)),
});
