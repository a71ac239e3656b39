import { describe, expect, it } from 'vitest';
import { addBytes, compactBytes, largerBytes } from '../../electron/core/exact-bytes';

const SAFE = Number.MAX_SAFE_INTEGER;

describe('byte counts as numbers while exact', () => {
  it('stays a number below 2^53 and becomes an exact bigint past it', () => {
    expect(addBytes(1_000, 2_000n)).toBe(3_000);
    expect(addBytes(SAFE - 1, 1)).toBe(SAFE);
    // 2^53 + 1 is not a double: the sum goes on as a bigint, digit for digit.
    expect(addBytes(SAFE, 2)).toBe(BigInt(SAFE) + 2n);
    expect(addBytes(SAFE, 2n)).toBe(BigInt(SAFE) + 2n);
    expect(addBytes(2n ** 62n, 1)).toBe(2n ** 62n + 1n);
    expect(addBytes(0, 2n ** 63n - 1n)).toBe(2n ** 63n - 1n);
    expect(String(addBytes(addBytes(SAFE, 1), 1))).toBe('9007199254740993');
  });

  it('converts and compares across the two forms', () => {
    expect(compactBytes(42n)).toBe(42);
    expect(compactBytes(BigInt(SAFE) + 1n)).toBe(BigInt(SAFE) + 1n);
    expect(largerBytes(5, 7n)).toBe(7n);
    expect(largerBytes(2n ** 60n, 3)).toBe(2n ** 60n);
  });
});
