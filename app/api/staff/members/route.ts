// GET /api/staff/members: coordinators see every staff member (role, status, public keys for fingerprints).
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { handleApi, json } from '@/lib/http/handle-api';
import { listStaff } from '@/lib/reviewers/list-staff';

export const GET = handleApi(async (request) => {
  const staff = await requireStaff(request, 'staff.list');
  return json(await listStaff(await getDb(), staff));
});
