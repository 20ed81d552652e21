// POST /api/pow: a fresh signed proof-of-work challenge for one anonymous submission or message,
// under a global limit shared by every instance.
import { decodeServerSecret, issueProofOfWorkChallenge } from '@/lib/crypto';
import { getDb } from '@/lib/db';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { takeIntakeSlot } from '@/lib/intake/rate-limit';
import { challengeLimits } from '@/lib/reports/intake-settings';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: async () => {
    const env = getEnv();
    await takeIntakeSlot(await getDb(), challengeLimits());
    const challenge = await issueProofOfWorkChallenge({
      serverSecret: await decodeServerSecret(env.QORGAU_SERVER_SECRET),
      now: new Date(),
      difficulty: env.QORGAU_POW_DIFFICULTY,
    });
    return json(challenge);
  },
});
