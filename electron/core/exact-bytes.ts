// Byte counts kept as plain numbers while they are exact, promoted to bigint past 2^53.
//
// A bigint is a heap object: summing 10,000 routers' counters as bigints every cycle made
// six new objects per router that outlived the cycle (the garbage collector's old space).
// A number is exact up to 2^53 - 1 (9 PB): almost every count stays one, and a count that
// grows past it is carried on as a bigint, digit for digit.

/** A non-negative byte count: a number while exact, a bigint past `Number.MAX_SAFE_INTEGER`. */
export type ExactBytes = number | bigint;

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** `value` as a number when that is exact, else as it is. */
export function compactBytes(value: bigint): ExactBytes {
  return value <= SAFE && value >= -SAFE ? Number(value) : value;
}

/** `sum + add`, exact: a number while the result is below 2^53, a bigint past it. */
export function addBytes(sum: ExactBytes, add: ExactBytes): ExactBytes {
  if (typeof sum === 'number') {
    const addend = typeof add === 'bigint' ? compactBytes(add) : add;
    if (typeof addend === 'number') {
      const result = sum + addend;
      // Two safe integers whose true sum passes 2^53 - 1 round to 2^53 or more: never safe.
      if (Number.isSafeInteger(result)) return result;
    }
    return BigInt(sum) + BigInt(addend);
  }
  return sum + (typeof add === 'bigint' ? add : BigInt(add));
}

/** The larger of two counts. */
export function largerBytes(a: ExactBytes, b: ExactBytes): ExactBytes {
  return a >= b ? a : b;
}
