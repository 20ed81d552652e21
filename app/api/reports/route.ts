// POST /api/reports: an anonymous, already encrypted submission. Stored whole or not at all, and
// counted against the global intake limits in the same transaction (429 when they are reached); the
// answer is a bare acknowledgement. In production server.ts answers POST itself, before Next's
// request pipeline, with the same function (lib/reports/intake-endpoint.ts); this handler serves it
// under `next dev`, and the other methods everywhere.
import { requestBodyOf, toResponse } from '@/lib/http/answer';
import { apiRoute } from '@/lib/http/api-route';
import { answerSubmission } from '@/lib/reports/intake-endpoint';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: async (request) => toResponse(await answerSubmission(requestBodyOf(request))),
});
