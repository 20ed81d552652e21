// GET /api/directory: the organisation's newest signed reviewer directory, for reporters' browsers
// to verify against the pinned organisation key before encrypting anything.
import { getEnv } from '@/lib/env';
import { getLatestDirectory } from '@/lib/directory/get-latest-directory';
import { handleApi, json } from '@/lib/http/handle-api';

export const GET = handleApi(async () => json(await getLatestDirectory(getEnv().QORGAU_ORG_SLUG)));
