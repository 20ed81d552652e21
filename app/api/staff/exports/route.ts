// POST /api/staff/exports {kind}: records in the audit log that the caller produced an export (who, kind, day).
// The export is generated in the caller's browser or export command; its content never reaches the server.
import { z } from 'zod';
import { requireStaff } from '@/lib/auth/require-staff';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { readJson } from '@/lib/http/read-json';
import { ZExportKind } from '@/lib/exports/export-context';
import { recordExport } from '@/lib/exports/record-export';

const ZRecordExportRequest = z.object({ kind: ZExportKind }).strict();

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: async (request) => {
    const staff = await requireStaff(request, 'stats.export');
    const { kind } = await readJson(request, ZRecordExportRequest, 1024);
    await recordExport(await getDb(), staff, { kind, serverSecret: getEnv().QORGAU_SERVER_SECRET });
    return json({ ok: true }, { status: 201 });
  },
});
