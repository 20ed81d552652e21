/**
 * Regenerates v1.json. Run once when the protocol changes on purpose (`npx tsx lib/crypto/vectors/generate.ts`),
 * review the diff, and commit it: the vectors then pin the format in Node and Chromium.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { buildAttachmentVector, buildVectors } from './known-answers';

const vectors = { ...(await buildVectors()), attachment: await buildAttachmentVector() };
const target = fileURLToPath(new URL('./v1.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${target}`);
