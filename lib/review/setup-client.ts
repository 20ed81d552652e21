/**
 * The first coordinator's browser during the organisation set-up: the calls to `/api/setup`. The keys are made by
 * lib/organisations/setup-crypto.ts in this page; only the request it builds is sent.
 */
import { z } from 'zod';
import { ZStartSetupResponse, type TCompleteSetupRequest, type TStartSetupResponse } from '@/lib/organisations/schemas';
import { api } from './workspace-client';

/** @throws ApiError (404 link not valid, 409 an organisation exists) */
export async function startSetup(token: string): Promise<TStartSetupResponse> {
  return api(ZStartSetupResponse, '/api/setup', { method: 'POST', body: { token } });
}

/** @throws ApiError (400 wrong code or keys, 404 link used, 409 an organisation exists) */
export async function completeSetup(request: TCompleteSetupRequest): Promise<void> {
  await api(z.object({ organisationId: z.string(), reviewerId: z.string() }), '/api/setup', { method: 'PUT', body: request });
}
