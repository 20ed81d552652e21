// GET /api/staff/triage?cursor=…: sealed triage records of all reports, for statistics in the browser (analysts
// included). No report body, envelope or message is ever part of this answer.
import { z } from 'zod';
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { AppError } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { listTriage } from '@/lib/review/staff-data';

const ZQuery = z.object({ cursor: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional() });

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: async (request) => {
    const staff = await requireStaff(request, 'triage.list');
    const query = ZQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) throw new AppError('validation_failed', 'Bad paging parameters.');
    return json(await listTriage(await getDb(), staff, query.data));
  },
});
