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
