import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { mysqlErrorCode } from './db/connection';

// A cycle the database refuses for a reason that retrying cannot fix (a value out of a
// column's range, a statement too large) would block every later cycle queued behind it. It is
// moved aside instead, to a file beside the journal, with the error: nothing is deleted, and
// recording goes on. The next cycle is measured from the last committed counters, so the
// traffic of the refused one is counted by it.

/** `journal.jsonl` → `journal.dead-letter.jsonl`, in the same folder. */
export function deadLetterPathFor(journalPath: string): string {
  const name = basename(journalPath).replace(/\.jsonl$/, '');
  return join(dirname(journalPath), `${name}.dead-letter.jsonl`);
}

/**
 * MySQL errors about the data itself: the same statement fails the same way however often it
 * is sent. Everything else (connection lost, server down, lock timeouts, privileges, disk
 * full) may pass: those cycles wait in the journal instead.
 */
const UNFIXABLE_CODES = new Set([
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_DATA_OUT_OF_RANGE',
  'ER_DATA_TOO_LONG',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_WRONG_VALUE_FOR_TYPE',
  'ER_WRONG_VALUE',
  'ER_BAD_NULL_ERROR',
  'ER_WARN_NULL_TO_NOTNULL',
  'ER_NO_DEFAULT_FOR_FIELD',
  'ER_DIVISION_BY_ZERO',
  'ER_INVALID_CHARACTER_STRING',
  'ER_CANNOT_CONVERT_STRING',
  'ER_WRONG_VALUE_COUNT_ON_ROW',
  'ER_NET_PACKET_TOO_LARGE',
  'ER_PARSE_ERROR',
]);

export function isUnfixableWriteError(error: unknown): boolean {
  if (error instanceof PoisonedCycleError) return true;
  const code = mysqlErrorCode(error);
  if (code !== undefined && UNFIXABLE_CODES.has(code)) return true;
  // SQLSTATE class 22 is "data exception" whatever the server's own code for it.
  const state = (error as { sqlState?: unknown } | null)?.sqlState;
  return typeof state === 'string' && state.startsWith('22');
}

/** A waiting cycle that cannot be written as it is (a damaged journal line). */
export class PoisonedCycleError extends Error {}

/** Append-only, each entry flushed to disk: `{"movedAt", "reason", "cycle"}` per line. */
export class DeadLetterFile {
  private moved = 0;

  constructor(readonly path: string) {}

  /** Cycles moved aside by this copy since it started. */
  get count(): number {
    return this.moved;
  }

  /** Keeps `cycle` (a journal line, as it was) with why it was refused; throws if the disk refuses. */
  add(cycle: string, reason: string, at: Date): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, 'a');
    try {
      writeSync(fd, `${JSON.stringify({ movedAt: at.toISOString(), reason, cycle })}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.moved += 1;
  }
}
