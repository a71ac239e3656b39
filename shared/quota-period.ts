// Where a quota's current period starts and ends, in the quota's time zone. A period starts at
// local midnight, so a DST change makes one of its days 23 or 25 hours long, never shifts it.

import type { QuotaPeriodRule } from './quota';
import { addDays, type LocalDate, localDateOf, startOfLocalDate } from './zoned-time';

export interface PeriodBounds {
  /** Local midnight of the first day. */
  start: Date;
  /** Local midnight after the last day. */
  end: Date;
  firstDay: LocalDate;
  /** The last day inside the period (the day before `end`). */
  lastDay: LocalDate;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The billing day in this month: day 31 in a 30-day month is the 30th. */
function billingDate(year: number, month: number, billingDay: number): LocalDate {
  return { year, month, day: Math.min(billingDay, daysInMonth(year, month)) };
}

function shiftMonth(year: number, month: number, by: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + by;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

function compare(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** The period that contains `now`. Weeks start on Monday. */
export function periodBounds(rule: QuotaPeriodRule, now: Date, timeZone: string): PeriodBounds {
  const today = localDateOf(now, timeZone);
  let firstDay: LocalDate;
  let nextFirstDay: LocalDate;
  if (rule.kind === 'day') {
    firstDay = today;
    nextFirstDay = addDays(today, 1);
  } else if (rule.kind === 'week') {
    const weekday = new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay();
    firstDay = addDays(today, -((weekday + 6) % 7));
    nextFirstDay = addDays(firstDay, 7);
  } else {
    const thisMonths = billingDate(today.year, today.month, rule.billingDay);
    const startMonth =
      compare(today, thisMonths) >= 0
        ? { year: today.year, month: today.month }
        : shiftMonth(today.year, today.month, -1);
    firstDay = billingDate(startMonth.year, startMonth.month, rule.billingDay);
    const next = shiftMonth(startMonth.year, startMonth.month, 1);
    nextFirstDay = billingDate(next.year, next.month, rule.billingDay);
  }
  return {
    start: startOfLocalDate(firstDay, timeZone),
    end: startOfLocalDate(nextFirstDay, timeZone),
    firstDay,
    lastDay: addDays(nextFirstDay, -1),
  };
}

/** Rollup hours are UTC hours: in a half-hour zone a period is read from the hour it starts in. */
export function floorToHour(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / 3_600_000) * 3_600_000);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `1 Nov`. */
export function shortDate(date: LocalDate): string {
  return `${date.day} ${MONTHS[date.month - 1] ?? ''}`;
}

/** Whole days left in the period, counting today. */
export function daysLeft(bounds: PeriodBounds, now: Date, timeZone: string): number {
  const today = localDateOf(now, timeZone);
  const from = Date.UTC(today.year, today.month - 1, today.day);
  const to = Date.UTC(bounds.lastDay.year, bounds.lastDay.month - 1, bounds.lastDay.day);
  return Math.max(0, Math.round((to - from) / 86_400_000) + 1);
}
