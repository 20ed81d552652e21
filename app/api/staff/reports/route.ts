// GET /api/staff/reports?cursor=…&limit=…&bodies=…: one page (up to 10 000) of the inbox index: status, assignee and
// days of each report the caller holds an envelope for, plus the sealed bodies of the first `bodies` rows (the first
// screen); other bodies come from POST /api/staff/reports/sealed.
// GET /api/staff/reports?part=triage&cursor=…: the sealed triage records of those reports, asked for beside the
// index so the browser opens them while the server reads the index.
// Reviewers and coordinators only; analysts never get the report list.
import { z } from 'zod';
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { AppError } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { SEALED_BATCH } from '@/lib/review/api-types';
import { listInboxTriage, listReports, PAGE_LIMIT } from '@/lib/review/staff-data';

const ZQuery = z.object({
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT.reports).optional(),
  bodies: z.coerce.number().int().min(0).max(SEALED_BATCH).optional(),
  part: z.enum(['index', 'triage']).optional(),
});

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: async (request) => {
    const staff = await requireStaff(request, 'reports.list');
    const query = ZQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success) throw new AppError('validation_failed', 'Bad paging parameters (cursor, limit, bodies, part=index|triage).');
    const { part, ...paging } = query.data;
    return json(part === 'triage' ? await listInboxTriage(await getDb(), staff, paging) : await listReports(await getDb(), staff, paging));
  },
});
