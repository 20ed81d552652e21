// POST /api/pow: a fresh signed proof-of-work challenge for one anonymous submission or message.
import { decodeServerSecret, issueProofOfWorkChallenge } from '@/lib/crypto';
import { getEnv } from '@/lib/env';
import { apiRoute } from '@/lib/http/api-route';
import { json } from '@/lib/http/handle-api';
import { takeIntakeSlot } from '@/lib/intake/rate-limit';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: async () => {
    const env = getEnv();
    takeIntakeSlot([{ bucket: 'pow-minute', max: env.QORGAU_INTAKE_PER_MINUTE * 4, windowSeconds: 60 }]);
    const challenge = await issueProofOfWorkChallenge({
      serverSecret: await decodeServerSecret(env.QORGAU_SERVER_SECRET),
      now: new Date(),
      difficulty: env.QORGAU_POW_DIFFICULTY,
    });
    return json(challenge);
  },
});
