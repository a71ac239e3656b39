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
