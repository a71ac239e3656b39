import type { BucketSize, HistoryRequest } from './ipc-contract';
import { addDays, addMonths, type LocalDate, localDateOf, startOfLocalDate } from './zoned-time';

const HOUR = 3_600_000;

/**
 * The dates a custom range may use. Nothing was recorded before 1970, and past 2199 the range's
 * end would reach dates MySQL cannot compare (a DATETIME ends at 9999-12-31, and a range
 * ending 9999-12-30 runs into year 10000): refused with a message rather than answered 0 B.
 */
export const FIRST_HISTORY_DATE = '1970-01-01';
export const LAST_HISTORY_DATE = '2199-12-31';

/** A real calendar date `YYYY-MM-DD` within the range history covers, or why it is not one. */
export function checkHistoryDate(text: unknown, field: string): LocalDate | string {
  const expected = `${field} must be a date from ${FIRST_HISTORY_DATE} to ${LAST_HISTORY_DATE}, written YYYY-MM-DD`;
  if (typeof text !== 'string') return expected;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return expected;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date)) {
    return `${field} "${text}" is not a date of the calendar: ${expected}`;
  }
  // Compared as text: Date.UTC would read the year 0001 as 1901.
  if (text < FIRST_HISTORY_DATE || text > LAST_HISTORY_DATE) {
    return `${field} "${text}" is out of range: ${expected}`;
  }
  return date;
}

function daysInMonth({ year, month }: LocalDate): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** The handler's own guard: a request that skipped the argument check still gets a clear error. */
function customDate(text: string | undefined, field: string): LocalDate {
  const date = checkHistoryDate(text, field);
  if (typeof date === 'string') throw new RangeError(date);
  return date;
}

export interface HistoryWindow {
  bucket: BucketSize;
  from: Date;
  to: Date;
  /** Start of every bucket in [from, to), in order. */
  bucketStarts: Date[];
}

/**
 * The buckets a history range covers for a viewer: last 24 h and 7 days by the hour, 30 days by
 * local day, 12 months by local month; a custom range by hour, day or month depending on length.
 */
export function historyWindow(request: HistoryRequest, now: Date): HistoryWindow {
  const zone = request.timeZone;
  const nextHour = Math.floor(now.getTime() / HOUR) * HOUR + HOUR;
  switch (request.range) {
    case 'day':
      return hourly(new Date(nextHour - 24 * HOUR), new Date(nextHour));
    case 'week':
      return hourly(new Date(nextHour - 7 * 24 * HOUR), new Date(nextHour));
    case 'month': {
      const today = localDateOf(now, zone);
      return daily(addDays(today, -29), addDays(today, 1), zone);
    }
    case 'year': {
      const thisMonth = { ...localDateOf(now, zone), day: 1 };
      return monthly(addMonths(thisMonth, -11), addMonths(thisMonth, 1), zone);
    }
    case 'custom': {
      const first = customDate(request.from, 'from');
      const afterLast = addDays(customDate(request.to, 'to'), 1);
      const days = Math.round(
        (Date.UTC(afterLast.year, afterLast.month - 1, afterLast.day) -
          Date.UTC(first.year, first.month - 1, first.day)) /
          (24 * HOUR),
      );
      if (days <= 2) {
        return hourly(startOfLocalDate(first, zone), startOfLocalDate(afterLast, zone));
      }
      if (days <= 92) return daily(first, afterLast, zone);
      return monthly(
        { ...first, day: 1 },
        afterLast.day === 1 ? afterLast : addMonths(afterLast, 1),
        zone,
      );
    }
  }
}

function hourly(from: Date, to: Date): HistoryWindow {
  const bucketStarts: Date[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += HOUR) bucketStarts.push(new Date(t));
  return { bucket: 'hour', from, to, bucketStarts };
}

function daily(first: LocalDate, end: LocalDate, zone: string): HistoryWindow {
  return byCalendar('day', first, end, zone, (d) => addDays(d, 1));
}

function monthly(first: LocalDate, end: LocalDate, zone: string): HistoryWindow {
  return byCalendar('month', first, end, zone, (d) => addMonths(d, 1));
}

function byCalendar(
  bucket: BucketSize,
  first: LocalDate,
  end: LocalDate,
  zone: string,
  next: (date: LocalDate) => LocalDate,
): HistoryWindow {
  const to = startOfLocalDate(end, zone);
  const bucketStarts: Date[] = [];
  for (let d = first; ; d = next(d)) {
    const start = startOfLocalDate(d, zone);
    if (start.getTime() >= to.getTime()) break;
    bucketStarts.push(start);
  }
  return { bucket, from: bucketStarts[0] ?? to, to, bucketStarts };
}
