/**
 * A byte count being summed: a plain number while it is exact (below 2^53), a bigint beyond.
 * Summing thousands of rollup rows as bigints made the history query spend a fifth of its
 * time collecting garbage; real sums rarely leave the number range, and stay exact when they do.
 */
export type ByteSum = number | bigint;

/** Decimal strings up to 15 digits are exact as numbers. */
const EXACT_DIGITS = 15;

export function addBytes(sum: ByteSum, value: string | number | bigint, sign: 1 | -1 = 1): ByteSum {
  if (typeof sum === 'number') {
    const addend =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value.length <= EXACT_DIGITS
          ? Number(value)
          : Number.NaN;
    const result = sum + sign * addend;
    if (Number.isSafeInteger(addend) && Number.isSafeInteger(result)) return result;
  }
  const big = BigInt(sum) + (sign === 1 ? BigInt(value) : -BigInt(value));
  return big;
}

export function isZeroBytes(sum: ByteSum): boolean {
  return sum === 0 || sum === 0n;
}
