// PUT /api/uploads/:id/:n: piece n of an attachment's ciphertext (application/octet-stream, exact
// length, in order). Authorised by the receipt's access token (Bearer).
import { getAttachmentStorage } from '@/lib/attachments/get-storage';
import { storeChunk } from '@/lib/attachments/store-chunk';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute, bearerToken } from '@/lib/http/api-route';
import { AppError } from '@/lib/http/errors';
import { json } from '@/lib/http/handle-api';
import { ZUploadParams } from '@/lib/reports/intake-schemas';

type Context = { params: Promise<{ id: string; n: string }> };

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute<Context>({
  PUT: async (request, context) => {
    const params = ZUploadParams.safeParse(await context.params);
    if (!params.success) throw new AppError('not_found', 'There is no such upload for this receipt.');
    if (!/^application\/octet-stream\b/i.test(request.headers.get('content-type') ?? '')) {
      throw new AppError('unsupported_media_type', 'Send the piece as application/octet-stream.');
    }
    const result = await storeChunk({
      db: await getDb(),
      storage: getAttachmentStorage(),
      serverSecret: getEnv().QORGAU_SERVER_SECRET,
      accessToken: bearerToken(request),
      attachmentId: params.data.id,
      n: params.data.n,
      request,
    });
    return json(result);
  },
});
