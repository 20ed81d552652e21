// GET /api/health: liveness and database reachability for the operator's monitoring.
import { getDb } from '@/lib/db';
import { apiRoute } from '@/lib/http/api-route';
import { AppError } from '@/lib/http/errors';
import { json } from '@/lib/http/handle-api';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: async () => {
    try {
      const db = await getDb();
      await db.$queryRawUnsafe('SELECT 1');
    } catch {
      throw new AppError('unavailable', 'The database is not reachable.');
    }
    return json({ status: 'ok' });
  },
});
