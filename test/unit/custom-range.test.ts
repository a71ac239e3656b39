import { describe, expect, it } from 'vitest';
import { customBucketName, customRangeErrors } from '../../shared/custom-range';

const today = '2026-11-27';

describe('custom range checks in the page', () => {
  it('accepts a range up to today, and says how it will be grouped', () => {
    expect(customRangeErrors('2026-11-20', '2026-11-27', today)).toEqual({});
    expect(customBucketName('2026-11-26', '2026-11-27')).toBe('hour');
    expect(customBucketName('2026-09-01', '2026-11-27')).toBe('day');
    expect(customBucketName('2025-01-01', '2026-11-27')).toBe('month');
  });

  it.each([
    ['', '2026-11-27', { from: 'Enter a start date.' }],
    ['2026-11-20', '', { to: 'Enter an end date.' }],
    ['2026-02-31', '2026-03-02', { from: 'Enter a start date.' }],
    ['2026-11-20', '2026-11-19', { to: 'The end date is before the start date.' }],
    ['2026-11-20', '2099-01-01', { to: 'The end date is in the future: pick today or earlier.' }],
    [
      '2099-01-01',
      '2099-01-02',
      {
        from: 'The start date is in the future: pick today or earlier.',
        to: 'The end date is in the future: pick today or earlier.',
      },
    ],
    [
      '1990-01-01',
      '2026-11-27',
      {
        from: 'The range is longer than 10 years: pick a later start date.',
      },
    ],
  ])('marks %s → %s', (from, to, expected) => {
    expect(customRangeErrors(from, to, today)).toEqual(expected);
  });
});
