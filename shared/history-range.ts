import type { BucketSize, HistoryRequest } from './ipc-contract';
import {
  addDays,
  addMonths,
  type LocalDate,
  localDateOf,
  parseLocalDate,
  startOfLocalDate,
} from './zoned-time';

const HOUR = 3_600_000;

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
      const first = parseLocalDate(request.from ?? '');
      const afterLast = addDays(parseLocalDate(request.to ?? ''), 1);
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
