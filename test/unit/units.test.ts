import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeMac } from '../../shared/mac';
import { bytesToMbps, formatBytes } from '../../shared/units';

describe('formatBytes (decimal, as in the design)', () => {
  it.each([
    [0n, '0 B'],
    [999n, '999 B'],
    [1_000n, '1.00 KB'],
    [500_000n, '500.00 KB'],
    [999_994n, '999.99 KB'],
    [999_999n, '1.00 MB'],
    [1_000_000n, '1.00 MB'],
    [2_500_000n, '2.50 MB'],
    [4_210_000_000n, '4.21 GB'],
    [9_223_372_036_854_775_807n, '9.22 EB'],
  ])('%s bytes → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatBytes without toFixed', () => {
  // The way it was written first: toFixed(2) for the figure and for the move to the next unit.
  const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const reference = (bytes: bigint | number): string => {
    const value = typeof bytes === 'bigint' ? Number(bytes) : bytes;
    const sign = value < 0 ? '-' : '';
    let scaled = Math.abs(value);
    let unit = 0;
    while (scaled >= 1000 && unit < UNITS.length - 1) {
      scaled /= 1000;
      unit += 1;
    }
    if (unit > 0 && unit < UNITS.length - 1 && Number(scaled.toFixed(2)) >= 1000) {
      scaled /= 1000;
      unit += 1;
    }
    return unit === 0
      ? `${sign}${Math.round(scaled)} B`
      : `${sign}${scaled.toFixed(2)} ${UNITS[unit]}`;
  };

  it('rounds every figure as toFixed(2) does, ties included', () => {
    const count = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n }),
      fc.bigInt({ min: 0n, max: 10n ** 7n }),
      // Halfway between two hundredths of a unit: 1,005 B, 2,345,000 B, 999,995 B...
      fc
        .tuple(fc.bigInt({ min: 0n, max: 10n ** 5n }), fc.integer({ min: 0, max: 5 }))
        .map(([n, unit]) => (n * 10n + 5n) * 10n ** BigInt(unit * 3)),
      fc.double({ noNaN: true }),
      fc.integer({ min: -(10 ** 9), max: 10 ** 9 }),
    );
    fc.assert(
      fc.property(count, (bytes) => {
        expect(formatBytes(bytes)).toBe(reference(bytes));
      }),
      { numRuns: 20_000 },
    );
    for (const odd of [Number.NaN, Infinity, -Infinity, -0, 1e300, 0.5, 1.005e3])
      expect(formatBytes(odd)).toBe(reference(odd));
  });
});

describe('bytesToMbps', () => {
  it('turns bytes over milliseconds into decimal megabits per second', () => {
    expect(bytesToMbps(1_000_000n, 1000)).toBe(8);
    expect(bytesToMbps(7_500_000, 60_000)).toBe(1);
    expect(bytesToMbps(10n, 0)).toBe(0);
  });
});

describe('normalizeMac', () => {
  it.each([
    ['aa:bb:cc:dd:ee:01', 'AA:BB:CC:DD:EE:01'],
    ['AA-BB-CC-DD-EE-01', 'AA:BB:CC:DD:EE:01'],
    ['aabb.ccdd.ee01', 'AA:BB:CC:DD:EE:01'],
    [' AABBCCDDEE01 ', 'AA:BB:CC:DD:EE:01'],
  ])('%s → %s', (raw, mac) => {
    expect(normalizeMac(raw)).toBe(mac);
  });

  it.each([['AA:BB:CC:DD:EE'], ['GG:BB:CC:DD:EE:01'], [''], [42], [null]])('refuses %j', (raw) => {
    expect(normalizeMac(raw)).toBeNull();
  });
});
