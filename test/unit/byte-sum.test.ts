import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBytes, isZeroBytes } from '../../electron/core/byte-sum';

describe('addBytes', () => {
  it('stays a number while the sum is exact', () => {
    expect(addBytes(addBytes(0, '1000000'), '2500')).toBe(1_002_500);
  });

  it('switches to bigint where a number would round', () => {
    const sum = addBytes(addBytes(0, '9007199254740991'), '2');
    expect(sum).toBe(9_007_199_254_740_993n);
    expect(addBytes(sum, '18446744073709551615', -1)).toBe(-18_437_736_874_454_810_622n);
  });

  it('equals the bigint sum for any mix of sizes and signs', () => {
    const value = fc.oneof(
      fc.bigInt({ min: 0n, max: 10n ** 6n }),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(value, fc.boolean())), (terms) => {
        let sum: number | bigint = 0;
        let expected = 0n;
        for (const [v, negative] of terms) {
          sum = addBytes(sum, String(v), negative ? -1 : 1);
          expected += negative ? -v : v;
        }
        expect(BigInt(sum)).toBe(expected);
        expect(isZeroBytes(sum)).toBe(expected === 0n);
      }),
    );
  });
});
