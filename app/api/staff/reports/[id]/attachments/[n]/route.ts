// GET /api/staff/reports/:id/attachments/:n: the ciphertext of attachment n of a report the caller holds an
// envelope for, streamed as application/octet-stream (decrypted in the reviewer's browser). Audit: attachment.open.
import { getAttachmentStorage } from '@/lib/attachments/get-storage';
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { AppError } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/api-route';
import { openAttachmentCiphertext } from '@/lib/review/open-attachment';
import { parseReportId } from '@/lib/review/route-params';

type Context = { params: Promise<{ id: string; n: string }> };

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute<Context>({
  GET: async (request, context) => {
    const staff = await requireStaff(request, 'attachment.open');
    const params = await context.params;
    const reportId = parseReportId(params.id);
    if (!/^\d{1,5}$/.test(params.n) || Number(params.n) > 0xffff) throw new AppError('not_found', 'There is no such file in this report.');
    const { stream, encryptedSize } = await openAttachmentCiphertext(await getDb(), staff, {
      reportId,
      index: Number(params.n),
      serverSecret: getEnv().QORGAU_SERVER_SECRET,
      storage: getAttachmentStorage(),
    });
    return new Response(stream, {
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(encryptedSize),
        // Ciphertext is never rendered by the browser as a page or a download of its own.
        'Content-Disposition': 'attachment; filename="sealed.bin"',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  },
});
