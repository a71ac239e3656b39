// `--quota` and the Settings form's quota text: `wan=1TB@15`, `Office AP=50GB/week:down`.

import { DEFAULT_THRESHOLDS, type QuotaDefinition, type QuotaDirection } from './quota';

const UNIT_EXPONENT: Record<string, number> = { B: 0, KB: 3, MB: 6, GB: 9, TB: 12, PB: 15 };

/** `1TB`, `1.5 GB`, `800000000` (bytes) → exact bytes, decimal units; null when unreadable. */
export function parseSize(text: string): bigint | null {
  const match = /^\s*(\d{1,15})(?:\.(\d{1,15}))?\s*(B|KB|MB|GB|TB|PB)?\s*$/i.exec(text);
  if (match === null) return null;
  const exponent = UNIT_EXPONENT[(match[3] ?? 'B').toUpperCase()] ?? 0;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent && /[1-9]/.test(fraction.slice(exponent))) return null;
  const digits = `${match[1]}${fraction.padEnd(exponent, '0').slice(0, exponent)}`;
  const bytes = BigInt(digits);
  return bytes > 0n ? bytes : null;
}

export type QuotaSpecResult = { ok: true; quota: QuotaDefinition } | { ok: false; reason: string };

const SPEC_EXAMPLE =
  'write TARGET=SIZE[@DAY] (monthly, billing day DAY), TARGET=SIZE/week or TARGET=SIZE/day, optionally ending :down, :up or :both, for example wan=1TB@15 or "Office AP=50GB/week:down"';

/** Reads one `--quota` value; the time zone is the one the quota is counted in. */
export function parseQuotaSpec(text: string, timeZone: string): QuotaSpecResult {
  const equals = text.indexOf('=');
  if (equals <= 0) return { ok: false, reason: `"${text}" names no target: ${SPEC_EXAMPLE}` };
  const target = text.slice(0, equals).trim();
  const rest = text.slice(equals + 1).trim();
  const match = /^([^@/:]+?)(?:@(\d{1,2})|\/(week|day|month))?(?::(down|up|both))?$/i.exec(rest);
  if (target === '' || target === 'wan@' || match === null) {
    return { ok: false, reason: `"${text}" is not a quota: ${SPEC_EXAMPLE}` };
  }
  const sizeBytes = parseSize(match[1] ?? '');
  if (sizeBytes === null) {
    return {
      ok: false,
      reason: `"${match[1]}" is not a size: write a number and a decimal unit, such as 500GB or 1TB`,
    };
  }
  const billingDay = match[2] === undefined ? 1 : Number(match[2]);
  if (billingDay < 1 || billingDay > 31) {
    return { ok: false, reason: `billing day ${billingDay} is not a day of the month (1 to 31)` };
  }
  const kind = (match[3]?.toLowerCase() ?? 'month') as 'month' | 'week' | 'day';
  return {
    ok: true,
    quota: {
      target,
      sizeBytes,
      period: { kind, billingDay: kind === 'month' ? billingDay : 1 },
      direction: (match[4]?.toLowerCase() ?? 'both') as QuotaDirection,
      timeZone,
      thresholds: [...DEFAULT_THRESHOLDS],
    },
  };
}

/** `80, 90, 100` → [80, 90, 100]; a reason when a value is not a percentage from 1 to 999. */
export function parseThresholds(text: string): number[] | string {
  const parts = text
    .split(/[\s,]+/)
    .map((part) => part.replace(/%$/, ''))
    .filter((part) => part !== '');
  if (parts.length === 0) return 'give at least one percentage, such as 80, 90, 100';
  if (parts.length > 10) return 'give at most 10 percentages';
  const values: number[] = [];
  for (const part of parts) {
    const value = Number(part);
    if (!/^\d{1,3}$/.test(part) || value < 1) {
      return `"${part}" is not a percentage from 1 to 999`;
    }
    values.push(value);
  }
  return [...new Set(values)].sort((a, b) => a - b);
}
