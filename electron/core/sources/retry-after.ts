import { SourceError } from './device-source';

/**
 * The longest pause a `Retry-After` may impose. A server asking for days (or a date in 2100)
 * is broken or hostile: polling resumes after an hour at the latest. Also keeps every wait
 * far below Node's timer limit (2^31 − 1 ms, about 24.8 days), past which a timer fires at once.
 */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

export interface RetryAfter {
  ms: number;
  /** The header asked for more than MAX_RETRY_AFTER_MS. */
  clamped: boolean;
  /** What it asked for (null when too large to be a number). */
  askedMs: number | null;
}

/**
 * How long a `Retry-After` header asks to wait: delay-seconds or an HTTP date, at most
 * MAX_RETRY_AFTER_MS. Null when absent or unreadable (the caller's own backoff applies then).
 */
export function readRetryAfter(header: string | null, now: Date = new Date()): RetryAfter | null {
  if (header === null) return null;
  const text = header.trim();
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return null;
    ms = Math.max(0, date - now.getTime());
  }
  const askedMs = Number.isFinite(ms) ? ms : null;
  if (askedMs === null || ms > MAX_RETRY_AFTER_MS) {
    return { ms: MAX_RETRY_AFTER_MS, clamped: true, askedMs };
  }
  return { ms, clamped: false, askedMs };
}

/** Milliseconds to wait, clamped; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: Date = new Date()): number | null {
  return readRetryAfter(header, now)?.ms ?? null;
}

/** A 429 as a SourceError that carries its Retry-After, so the poller waits that long. */
export function rateLimitedError(description: string, retryAfter: string | null): SourceError {
  const parsed = readRetryAfter(retryAfter);
  const wait = parsed === null ? '' : ` for ${Math.ceil(parsed.ms / 1000)} s`;
  const note =
    parsed?.clamped === true
      ? ` (it asked for ${describeAsked(retryAfter ?? '', parsed.askedMs)}: capped at ${MAX_RETRY_AFTER_MS / 60_000} minutes)`
      : '';
  return new SourceError(
    `The ${description} asked us to slow down (HTTP 429): polling pauses${wait}${note}; a longer poll interval avoids this`,
    'http-status',
    parsed?.ms ?? null,
  );
}

function describeAsked(header: string, ms: number | null): string {
  if (ms === null) return `"${header.trim().slice(0, 40)}"`;
  return `${Math.ceil(ms / 1000).toLocaleString('en-US')} s`;
}
