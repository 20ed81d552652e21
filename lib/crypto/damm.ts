/**
 * Damm check digit (totally anti-symmetric quasigroup of order 10, Damm 2004). Detects every single mistyped digit
 * and every transposition of two adjacent digits.
 */
const TABLE: readonly (readonly number[])[] = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

function interim(digits: readonly number[]): number {
  let state = 0;
  for (const digit of digits) state = TABLE[state]?.[digit] ?? Number.NaN;
  return state;
}

/** The check digit to append to `digits` (each 0-9). */
export function dammCheckDigit(digits: readonly number[]): number {
  return interim(digits);
}

/** True when the last digit is the Damm check digit of the others (a valid string folds to 0). */
export function isDammValid(digits: readonly number[]): boolean {
  return digits.length > 0 && interim(digits) === 0;
}
