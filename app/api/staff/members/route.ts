// GET /api/staff/members: coordinators see every staff member (role, status, public keys for fingerprints).
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { listStaff } from '@/lib/reviewers/list-staff';

const getHandler = async (request: Request) => {
  const staff = await requireStaff(request, 'staff.list');
  return json(await listStaff(await getDb(), staff));
};

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({ GET: getHandler });
