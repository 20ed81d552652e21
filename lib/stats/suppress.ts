/**
 * Small-count protection for published figures (statistical disclosure control). A count from 1 to threshold-1
 * could point at a person in a small community, so it is not published (primary suppression). Where a hidden count
 * could be worked out by subtraction, because it is the only hidden member of an equation whose other members are
 * published (a row of cells and their total), a second count is hidden too (secondary suppression): the smallest
 * published positive part of that equation, or its total when no part is left. This repeats until no equation has
 * exactly one hidden member, so no single hidden count follows from a published total.
 *
 * Zeros are published: a zero hides nobody. This is the usual cell-suppression heuristic, not an optimal solver;
 * it protects against recovery from any one equation, which is what row and column totals offer.
 */

export const DEFAULT_THRESHOLD = 5;
export const MIN_THRESHOLD = 2;
export const MAX_THRESHOLD = 100;

export type TSuppressionMark = 'primary' | 'secondary' | null;

/** `total` equals the sum of `parts` (indices into the values). */
export type TEquation = { total: number; parts: readonly number[] };

/**
 * Decides which values to hide. `pinned` values (the overall total, published in every table) are never chosen
 * for secondary suppression. Returns one mark per value.
 * @throws RangeError for a threshold outside MIN_THRESHOLD..MAX_THRESHOLD
 */
export function suppressCounts(options: {
  values: readonly number[];
  equations: readonly TEquation[];
  threshold: number;
  pinned?: readonly number[];
}): TSuppressionMark[] {
  const { values, equations, threshold } = options;
  if (!Number.isInteger(threshold) || threshold < MIN_THRESHOLD || threshold > MAX_THRESHOLD) {
    throw new RangeError(`threshold must be an integer from ${MIN_THRESHOLD} to ${MAX_THRESHOLD}`);
  }
  const pinned = new Set(options.pinned ?? []);
  const marks: TSuppressionMark[] = values.map((v) => (v > 0 && v < threshold ? 'primary' : null));

  for (let changed = true; changed; ) {
    changed = false;
    for (const equation of equations) {
      const members = [...equation.parts, equation.total];
      const hidden = members.filter((i) => marks[i] !== null);
      if (hidden.length !== 1) continue;
      // Prefer the smallest positive part (least information lost), then the total; never a pinned value.
      const candidates = equation.parts.filter((i) => marks[i] === null && values[i]! > 0 && !pinned.has(i));
      candidates.sort((a, b) => values[a]! - values[b]! || a - b);
      const choice = candidates[0] ?? (marks[equation.total] === null && !pinned.has(equation.total) ? equation.total : undefined);
      if (choice === undefined) continue;
      marks[choice] = 'secondary';
      changed = true;
    }
  }
  return marks;
}
