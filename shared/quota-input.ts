// The Settings form's quota, checked the same way in the page (inline) and in the core.

import type { QuotaInput } from './ipc-contract';
import { type QuotaDefinition, workstationTimeZone } from './quota';
import { parseSize, parseThresholds } from './quota-spec';

export type QuotaInputCheck =
  | { ok: true; quota: QuotaDefinition }
  | { ok: false; errors: Partial<Record<keyof QuotaInput, string>> };

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function validateQuotaInput(input: QuotaInput): QuotaInputCheck {
  const errors: Partial<Record<keyof QuotaInput, string>> = {};
  const target = input.target.trim();
  if (target === '' || target === 'wan@') {
    errors.target =
      'Name what the quota counts: wan (the internet), wan@SITE, a router name or a MAC.';
  } else if (target.length > 255) {
    errors.target = 'Keep the target under 256 characters.';
  }
  const sizeBytes = parseSize(input.size);
  if (sizeBytes === null) {
    errors.size =
      'Write a size with a decimal unit, such as 500GB or 1TB (1 GB = 1,000,000,000 bytes).';
  } else if (sizeBytes >= 2n ** 63n) {
    errors.size = 'That size is larger than the database can hold.';
  }
  if (!['month', 'week', 'day'].includes(input.period))
    errors.period = 'Choose monthly, weekly or daily.';
  if (!['down', 'up', 'both'].includes(input.direction)) {
    errors.direction = 'Choose download, upload or both.';
  }
  const billingDay = Number(input.billingDay);
  if (
    input.period === 'month' &&
    !(Number.isInteger(billingDay) && billingDay >= 1 && billingDay <= 31)
  ) {
    errors.billingDay =
      'The billing day is a day of the month, from 1 to 31 (31 means the last day).';
  }
  const thresholds = parseThresholds(input.thresholds);
  if (typeof thresholds === 'string') errors.thresholds = `Thresholds: ${thresholds}.`;
  const timeZone = input.timeZone.trim() === '' ? workstationTimeZone() : input.timeZone.trim();
  if (!isTimeZone(timeZone)) {
    errors.timeZone = `"${timeZone}" is not a time zone: use a name such as Europe/Paris, or leave it empty for this computer's.`;
  }
  if (Object.keys(errors).length > 0 || sizeBytes === null || typeof thresholds === 'string') {
    return { ok: false, errors };
  }
  return {
    ok: true,
    quota: {
      target,
      sizeBytes,
      period: { kind: input.period, billingDay: input.period === 'month' ? billingDay : 1 },
      direction: input.direction,
      timeZone,
      thresholds,
    },
  };
}

/** Offline alerts: after how many missed polls, 1 to 1,000. */
export function checkOfflinePolls(value: number): string | null {
  return Number.isInteger(value) && value >= 1 && value <= 1000
    ? null
    : 'Give a whole number of polls from 1 to 1,000.';
}
