// GET /api/staff/triage: every report's status and sealed triage record, for statistics in the browser (analysts
// included), as one binary stream (lib/review/triage-stream.ts). No report body, envelope or message is ever part of
// this answer. The caller's authorisation is checked again before every page the server reads.
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { AppError } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/api-route';
import { streamTriage } from '@/lib/review/staff-data';
import { TRIAGE_STREAM_TYPE } from '@/lib/review/triage-stream';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: async (request) => {
    const staff = await requireStaff(request, 'triage.list');
    if (new URL(request.url).search !== '') throw new AppError('validation_failed', 'This address takes no parameters.');
    const isStillAllowed = () => requireStaff(request, 'triage.list').then(() => true, () => false);
    return new Response(streamTriage(await getDb(), staff, { isStillAllowed }), {
      // Binary (and mostly ciphertext): sent as it is, never compressed or sniffed.
      headers: { 'Content-Type': TRIAGE_STREAM_TYPE, 'X-Content-Type-Options': 'nosniff' },
    });
  },
});
