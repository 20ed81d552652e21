import type { APIRequestContext } from '@playwright/test';
import {
  createReceipt,
  createReportId,
  decodeOrganisationPublicKey,
  deriveReporterKeys,
  sealReport,
  solveProofOfWork,
  verifyDirectory,
  type TPowChallenge,
} from '@/lib/crypto';
import type { TAttachmentAnnouncement } from '@/lib/reports/intake-schemas';
import { serverInfo } from './server';

/**
 * Builds a real submission against the running server, as a reporter's browser would, but from
 * Node: the signed directory and a proof-of-work challenge come from the server's own API.
 */
export async function buildLiveSubmission(request: APIRequestContext, attachments: TAttachmentAnnouncement[] = []) {
  const signed = await (await request.get('/api/directory')).json();
  const directory = await verifyDirectory({ signed, pinnedKeys: [await decodeOrganisationPublicKey(serverInfo().demo.organisationPublicKey)], now: new Date() });
  const challenge = (await (await request.post('/api/pow')).json()) as TPowChallenge;
  const pow = await solveProofOfWork(challenge);
  const receipt = await createReceipt();
  const reporter = await deriveReporterKeys(receipt);
  const reportId = await createReportId();
  const { envelope, dataKey } = await sealReport({ reportId, report: { v: 1, narrative: 'bad-input test' } as never, directory, reporter });
  return { body: { pow, envelope, accessToken: reporter.accessToken, attachments }, reportId, reporter, receipt, dataKey, directory };
}
