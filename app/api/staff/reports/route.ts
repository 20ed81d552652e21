// GET /api/staff/reports?cursor=…: one page of sealed reports the caller holds an envelope for (reviewers and
// coordinators only; analysts never get report bodies).
import { z } from 'zod';
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { AppError } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { listReports } from '@/lib/review/staff-data';

const ZQuery = z.object({ cursor: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(), limit: z.coerce.number().int().min(1).max(500).optional() });

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: async (request) => {
    const staff = await requireStaff(request, 'reports.list');
    const query = ZQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) throw new AppError('validation_failed', 'Bad paging parameters.');
    return json(await listReports(await getDb(), staff, query.data));
  },
});
