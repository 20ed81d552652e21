import { describe, expect, it } from 'vitest';
import { suppressCounts } from './suppress';

describe('small-count suppression', () => {
  it('hides counts from 1 to threshold-1 and publishes zeros and larger counts', () => {
    expect(suppressCounts({ values: [0, 1, 4, 5, 9], equations: [], threshold: 5 })).toEqual([null, 'primary', 'primary', null, null]);
    expect(suppressCounts({ values: [0, 1, 4, 5, 9], equations: [], threshold: 10 })).toEqual([null, 'primary', 'primary', 'primary', 'primary']);
  });

  it('hides a second cell when the only hidden cell of a row could be worked out from its total', () => {
    // 30 = 12 + 3 + 0 + 7 + 8: with 3 hidden alone, 30 - 12 - 0 - 7 - 8 gives it back; 7 (the smallest
    // published positive cell) is hidden as well.
    const marks = suppressCounts({ values: [30, 12, 3, 0, 7, 8], equations: [{ total: 0, parts: [1, 2, 3, 4, 5] }], threshold: 5, pinned: [0] });
    expect(marks).toEqual([null, null, 'primary', null, 'secondary', null]);
  });

  it('needs no second cell when two cells of the row are already hidden', () => {
    const marks = suppressCounts({ values: [20, 12, 3, 4, 1], equations: [{ total: 0, parts: [1, 2, 3, 4] }], threshold: 5, pinned: [0] });
    expect(marks).toEqual([null, null, 'primary', 'primary', 'primary']);
  });

  it('follows a hidden cell across linked equations until none has a single hidden member', () => {
    // total 25 = years 22 + 3; each year equals its one month. Hiding 2025 (3) forces 2024 (22) through the total;
    // then each month equals its hidden year alone, so the months must go too.
    const values = [25, 22, 3, 22, 3];
    const equations = [
      { total: 0, parts: [1, 2] },
      { total: 0, parts: [3, 4] },
      { total: 1, parts: [3] },
      { total: 2, parts: [4] },
    ];
    expect(suppressCounts({ values, equations, threshold: 5, pinned: [0] })).toEqual([null, 'secondary', 'primary', 'secondary', 'primary']);
  });

  it('hides a subtotal when no part is left to hide, but never a pinned total', () => {
    // year 9 = month 6 + month 3: 3 is hidden, 6 is the only candidate.
    expect(suppressCounts({ values: [9, 6, 3], equations: [{ total: 0, parts: [1, 2] }], threshold: 5 })).toEqual([null, 'secondary', 'primary']);
    // 8 = 3 + 0 + 5 with a threshold of 4: the zero hides nothing, so 5 goes; the pinned total stays.
    expect(suppressCounts({ values: [8, 3, 0, 5], equations: [{ total: 0, parts: [1, 2, 3] }], threshold: 4, pinned: [0] })).toEqual([null, 'primary', null, 'secondary']);
  });

  it('refuses a threshold that would protect nothing', () => {
    expect(() => suppressCounts({ values: [1], equations: [], threshold: 1 })).toThrow(RangeError);
    expect(() => suppressCounts({ values: [1], equations: [], threshold: 2.5 })).toThrow(RangeError);
  });
});
