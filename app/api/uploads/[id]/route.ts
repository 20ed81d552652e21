// GET /api/uploads/:id: how many pieces of an attachment have arrived, so an interrupted upload
// resumes where it stopped. Authorised by the receipt's access token (Bearer), never by a cookie.
import { getUploadStatus } from '@/lib/attachments/store-chunk';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute, bearerToken } from '@/lib/http/api-route';
import { AppError } from '@/lib/http/errors';
import { json } from '@/lib/http/handle-api';
import { ZUploadParams } from '@/lib/reports/intake-schemas';

type Context = { params: Promise<{ id: string }> };

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute<Context>({
  GET: async (request, context) => {
    const params = ZUploadParams.pick({ id: true }).safeParse(await context.params);
    if (!params.success) throw new AppError('not_found', 'There is no such upload for this receipt.');
    const status = await getUploadStatus({
      db: await getDb(),
      serverSecret: getEnv().QORGAU_SERVER_SECRET,
      accessToken: bearerToken(request),
      attachmentId: params.data.id,
    });
    return json(status);
  },
});
