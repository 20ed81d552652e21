// GET /api/health: liveness and database reachability for the operator's monitoring.
import { getDb } from '@/lib/db';
import { AppError } from '@/lib/http/errors';
import { handleApi, json } from '@/lib/http/handle-api';

export const GET = handleApi(async () => {
  try {
    const db = await getDb();
    await db.$queryRawUnsafe('SELECT 1');
  } catch {
    throw new AppError('unavailable', 'The database is not reachable.');
  }
  return json({ status: 'ok' });
});
