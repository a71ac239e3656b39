// Checks a custom history range in the page, before anything is asked of the server, so a
// half-typed or impossible range never replaces the chart with an error.

/** The longest custom range: beyond it, even monthly bars become slivers. */
export const MAX_CUSTOM_YEARS = 10;

export interface CustomRangeErrors {
  from?: string;
  to?: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(text: string): number | null {
  const match = ISO_DATE.exec(text);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // 2026-02-31 is not a date.
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day
  )
    return null;
  return ms / 86_400_000;
}

/**
 * What is wrong with a custom range, per field, in words that say what to do; empty when it
 * can be shown. `today` is the viewer's local date (YYYY-MM-DD).
 */
export function customRangeErrors(from: string, to: string, today: string): CustomRangeErrors {
  const errors: CustomRangeErrors = {};
  const first = dayNumber(from);
  const last = dayNumber(to);
  const now = dayNumber(today) ?? Number.POSITIVE_INFINITY;
  if (first === null) errors.from = 'Enter a start date.';
  else if (first > now) errors.from = 'The start date is in the future: pick today or earlier.';
  if (last === null) errors.to = 'Enter an end date.';
  else if (last > now) errors.to = 'The end date is in the future: pick today or earlier.';
  if (first !== null && last !== null && errors.from === undefined && errors.to === undefined) {
    if (last < first) errors.to = 'The end date is before the start date.';
    else if (last - first > MAX_CUSTOM_YEARS * 366)
      errors.from = `The range is longer than ${MAX_CUSTOM_YEARS} years: pick a later start date.`;
  }
  return errors;
}

/** How the chart will group a valid range (the server's rule in history-range.ts), for the form to say. */
export function customBucketName(from: string, to: string): 'hour' | 'day' | 'month' {
  const days = (dayNumber(to) ?? 0) - (dayNumber(from) ?? 0) + 1;
  return days <= 2 ? 'hour' : days <= 92 ? 'day' : 'month';
}
