/** Lengths of what a reporter may write (kept apart from the zod schemas so the form stays light). */
export const NARRATIVE_MAX = 20_000;
export const SHORT_TEXT_MAX = 200;
