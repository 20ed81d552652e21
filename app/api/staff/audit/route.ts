// GET /api/staff/audit: the newest audit entries and the verification of the whole chain (coordinators only).
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { viewAudit } from '@/lib/review/staff-data';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: async (request) => {
    const staff = await requireStaff(request, 'audit.read');
    return json(await viewAudit(await getDb(), staff, { serverSecret: getEnv().QORGAU_SERVER_SECRET }));
  },
});
