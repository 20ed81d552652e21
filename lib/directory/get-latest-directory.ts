import type { Db } from '@/lib/db';
import { AppError } from '@/lib/http/errors';

/** The shape lib/crypto's verifyDirectory takes (ZSignedDirectory), base64url throughout. */
export type TSignedDirectoryResponse = { v: 1; body: string; signingKey: string; signature: string };

/**
 * The newest signed reviewer directory of an organisation, exactly as a coordinator's browser
 * signed it. The server only relays it: browsers verify the signature against the organisation key
 * pinned in the deployment, so a key the server (or a database intruder) adds is refused there.
 * Throws `AppError('not_found')` before the organisation has signed its first directory.
 */
export async function getLatestDirectory(db: Db, slug: string): Promise<TSignedDirectoryResponse> {
  const directory = await db.reviewerDirectory.findFirst({
    where: { organisation: { slug } },
    orderBy: { serial: 'desc' },
    include: { organisation: { select: { signingPublicKey: true } } },
  });
  if (!directory) throw new AppError('not_found', 'This organisation has not published a reviewer directory yet.');
  return {
    v: 1,
    body: directory.body,
    signingKey: Buffer.from(directory.organisation.signingPublicKey).toString('base64url'),
    signature: Buffer.from(directory.signature).toString('base64url'),
  };
}
