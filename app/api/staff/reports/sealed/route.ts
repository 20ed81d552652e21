// POST /api/staff/reports/sealed {ids}: the sealed bodies and the caller's own envelopes of up to 200 reports, for the
// inbox rows a reviewer's browser is about to show (and for a coordinator's grants). POST because the ids are a list;
// nothing changes. Reports the caller cannot open are left out of the answer.
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { ZSealedReportsRequest } from '@/lib/review/api-types';
import { findSealedReports } from '@/lib/review/staff-data';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: async (request) => {
    const staff = await requireStaff(request, 'reports.sealed');
    const body = await readJson(request, ZSealedReportsRequest, 64 * 1024);
    return json(await findSealedReports(await getDb(), staff, { ids: body.ids }));
  },
});
