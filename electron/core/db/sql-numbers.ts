import { PoisonedCycleError } from '../dead-letter';

// A cycle's staged rows are 10,000 rows of numbers. Written as template strings they made
// about twenty small strings per row, then a rope that had to be flattened: most of the
// client's share of the write. Here the digits go straight into one buffer, and only numbers
// can reach it: anything else is refused, never written as SQL.

const ZERO = 48;
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** ASCII SQL text of numbers, NULLs and fixed punctuation, grown as needed. */
export class SqlNumberWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(expectedBytes = 4_096) {
    this.buffer = Buffer.allocUnsafe(Math.max(64, expectedBytes));
  }

  /** Starts a new text, keeping the buffer. */
  reset(): this {
    this.length = 0;
    return this;
  }

  /** Fixed SQL text of our own (keywords, commas, parentheses, `@variables`): ASCII only. */
  raw(text: string): this {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i += 1) this.buffer[this.length++] = text.charCodeAt(i);
    return this;
  }

  /** A finite number or a bigint, as mysql2 would write it; anything else is refused. */
  number(value: number | bigint): this {
    if (typeof value === 'number') {
      if (value >= 0 && Number.isSafeInteger(value)) return this.digits(value);
      // A fraction, a negative or a number past 2^53 (out of a column's range, for the
      // server to refuse): its usual text.
      if (Number.isFinite(value)) return this.raw(String(value));
    } else if (typeof value === 'bigint') {
      // Most counters fit a number exactly: their digits without a string in between.
      if (value >= 0n && value <= MAX_EXACT) return this.digits(Number(value));
      return this.raw(value.toString());
    }
    throw new PoisonedCycleError(`a staged value is not a number (${String(value).slice(0, 40)})`);
  }

  /** A number, or NULL. */
  numberOrNull(value: number | bigint | null): this {
    return value === null ? this.raw('NULL') : this.number(value);
  }

  /** 1 or 0. */
  flag(value: boolean | undefined): this {
    this.reserve(1);
    this.buffer[this.length++] = value === true ? ZERO + 1 : ZERO;
    return this;
  }

  /** The text written so far. */
  text(): string {
    return this.buffer.toString('latin1', 0, this.length);
  }

  /** A non-negative safe integer, digit by digit, without a string of its own. */
  private digits(value: number): this {
    this.reserve(16);
    if (value < 1e8) {
      this.length = writeInt(this.buffer, this.length, value, 0);
    } else {
      // Two halves that each fit 32-bit integer arithmetic (2^53 / 1e8 < 1e8).
      const high = Math.floor(value / 1e8);
      this.length = writeInt(this.buffer, this.length, high, 0);
      this.length = writeInt(this.buffer, this.length, value - high * 1e8, 8);
    }
    return this;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

/** Writes `value` (below 1e8) at `at`, left-padded with zeros to `width`; returns the end. */
function writeInt(buffer: Buffer, at: number, value: number, width: number): number {
  let count = 1;
  for (let limit = 10; value >= limit && count < 8; limit *= 10) count += 1;
  if (count < width) count = width;
  let rest = value | 0;
  for (let i = at + count - 1; i >= at; i -= 1) {
    const next = (rest / 10) | 0;
    buffer[i] = ZERO + rest - next * 10;
    rest = next;
  }
  return at + count;
}
