import { SourceError } from './device-source';

/**
 * Milliseconds a `Retry-After` header asks to wait: delay-seconds or an HTTP date. Null when
 * absent or unreadable (the caller's own backoff applies then).
 */
export function parseRetryAfter(header: string | null, now: Date = new Date()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now.getTime());
}

/** A 429 as a SourceError that carries its Retry-After, so the poller waits that long. */
export function rateLimitedError(description: string, retryAfter: string | null): SourceError {
  const retryAfterMs = parseRetryAfter(retryAfter);
  const wait = retryAfterMs === null ? '' : ` for ${Math.ceil(retryAfterMs / 1000)} s`;
  return new SourceError(
    `The ${description} asked us to slow down (HTTP 429): polling pauses${wait}; a longer poll interval avoids this`,
    'http-status',
    retryAfterMs,
  );
}
