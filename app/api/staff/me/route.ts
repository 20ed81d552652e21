// GET /api/staff/me: the signed-in staff member's identity, wrapped keys and team-key envelopes (all opaque to
// the server), and the names of active colleagues for assignment.
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { getStaffProfile } from '@/lib/review/staff-data';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: async (request) => {
    const staff = await requireStaff(request, 'self.read');
    return json(await getStaffProfile(await getDb(), staff));
  },
});
