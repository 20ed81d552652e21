/** True when a Prisma error is a unique-constraint violation (P2002), whichever adapter raised it. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { code?: unknown; kind?: unknown } } | null;
  if (!e) return false;
  if (e.code === 'P2002') return true;
  const message = error instanceof Error ? error.message : '';
  return /Unique constraint failed|UNIQUE constraint failed|duplicate key value/i.test(message);
}
