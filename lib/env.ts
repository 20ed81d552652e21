import { z } from 'zod';

/**
 * The application's configuration, read from the process environment once and validated.
 * Nothing else in the code base reads `process.env` (scripts pass their own values in).
 */

const base64Key32 = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 random bytes in unpadded base64url (43 characters); run `npm run setup:env` to create one');

const Schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  DATABASE_URL: z
    .string({ error: 'is required: a file: URL for SQLite (e.g. file:./var/qorgau.db) or a postgres:// URL' })
    .refine((url) => /^file:.+/.test(url) || /^postgres(ql)?:\/\/.+/.test(url), {
      message: 'must be a file: URL (SQLite) or a postgres:// URL (PostgreSQL)',
    }),
  // Keys the server's own MACs and keyed hashes: receipt access tokens, proof-of-work challenges,
  // invitation tokens, TOTP secrets at rest. Losing it invalidates receipts, so back it up.
  QORGAU_SERVER_SECRET: base64Key32,
  NEXTAUTH_SECRET: z.string({ error: 'is required (at least 32 characters)' }).min(32, 'must be at least 32 characters'),
  // The public origin, e.g. https://report.example.org. Used for HSTS/upgrade decisions and links.
  QORGAU_ORIGIN: z.url({ error: 'must be an absolute URL such as http://localhost:3000' }).default('http://localhost:3000'),
  // Ed25519 public key of the organisation (unpadded base64url), pinned so that a tampered
  // database cannot substitute a reviewer directory. Empty until the key ceremony has run.
  QORGAU_ORG_SIGNING_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be the organisation public key in unpadded base64url (43 characters)')
    .optional(),
  QORGAU_ORG_SLUG: z.string().regex(/^[a-z0-9-]{2,40}$/, 'lower-case letters, digits and dashes').default('demo'),
  QORGAU_QUICK_EXIT_URL: z
    .url({ error: 'must be an absolute https URL of a neutral site' })
    .refine((url) => url.startsWith('https://'), 'must be an https URL')
    .default('https://www.google.com/'),
  // Where encrypted attachment pieces go: the local disk (QORGAU_UPLOAD_DIR) or S3-compatible
  // object storage (the QORGAU_S3_* variables and the standard AWS credential variables).
  QORGAU_ATTACHMENT_STORAGE: z.enum(['disk', 's3'], { error: 'must be disk (the default) or s3' }).default('disk'),
  QORGAU_UPLOAD_DIR: z.string().min(1).default('var/uploads'),
  QORGAU_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lower-case letters, digits, dots and dashes)')
    .optional(),
  QORGAU_S3_REGION: z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a region name such as eu-central-1 (MinIO: us-east-1)').optional(),
  // Empty for AWS S3; the server's URL for MinIO and other S3-compatible stores.
  QORGAU_S3_ENDPOINT: z
    .url({ error: 'must be an absolute http(s) URL such as https://minio.example.org:9000' })
    .refine((url) => /^https?:\/\//.test(url), 'must be an http(s) URL')
    .optional(),
  QORGAU_S3_FORCE_PATH_STYLE: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false').transform((v) => v === 'true'),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  AWS_SESSION_TOKEN: z.string().optional(),
  QORGAU_MAX_ATTACHMENT_MIB: z.coerce.number().int().min(1).max(2048).default(100),
  QORGAU_MAX_ATTACHMENTS: z.coerce.number().int().min(0).max(50).default(10),
  // Unfinished uploads are removed after this many days.
  QORGAU_UPLOAD_EXPIRY_DAYS: z.coerce.number().int().min(1).max(30).default(2),
  // Leading zero bits of the intake proof of work (lib/crypto DEFAULT_POW_DIFFICULTY is 18).
  QORGAU_POW_DIFFICULTY: z.coerce.number().int().min(0).max(28).default(18),
  // Global intake limits (not per sender: nothing about senders is kept).
  QORGAU_INTAKE_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  QORGAU_INTAKE_PER_HOUR: z.coerce.number().int().min(1).default(1200),
  // Seconds from start-up to the first housekeeping run (then hourly): expired uploads, spent proofs of work, ended
  // limit windows, retention.
  QORGAU_MAINTENANCE_FIRST_RUN_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  QORGAU_ONION_LOCATION: z
    .url()
    .refine((url) => /^http:\/\/[a-z2-7]{56}\.onion(\/|$)/.test(url), 'must be an http://<56 characters>.onion URL')
    .optional(),
});

// Object storage needs a bucket, a region and credentials; say which are missing, all at once.
const CheckedSchema = Schema.superRefine((env, context) => {
  if (env.QORGAU_ATTACHMENT_STORAGE !== 's3') return;
  const required = ['QORGAU_S3_BUCKET', 'QORGAU_S3_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
  for (const name of required) {
    if (!env[name]) context.addIssue({ code: 'custom', path: [name], message: 'is required when QORGAU_ATTACHMENT_STORAGE=s3' });
  }
});

export type TEnv = z.infer<typeof Schema>;

/** Thrown when configuration is missing or wrong; its message names each variable and the problem. */
export class EnvError extends Error {
  override name = 'EnvError';
}

/**
 * Validates a set of variables. Pure: tests and scripts pass their own record.
 * Throws `EnvError` listing every problem, one line per variable.
 */
export function parseEnv(source: Record<string, string | undefined>): TEnv {
  const cleaned = Object.fromEntries(Object.entries(source).map(([k, v]) => [k, v === '' ? undefined : v]));
  const result = CheckedSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new EnvError(`Qorgau cannot start: the configuration is invalid.\n${lines.join('\n')}`);
  }
  return result.data;
}

let cached: TEnv | undefined;

/** The validated configuration of this process. Throws `EnvError` on the first call if invalid. */
export function getEnv(): TEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
