const MAC_DIGITS = /^[0-9A-F]{12}$/;
const NORMAL_MAC = /^[0-9A-F]{2}(?::[0-9A-F]{2}){5}$/;
const COLON_MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

/**
 * `aa-bb-cc-dd-ee-01`, `aabb.ccdd.ee01` and `AABBCCDDEE01` all become `AA:BB:CC:DD:EE:01`,
 * so one router is one row whatever notation its source uses. Returns null if not a MAC.
 */
export function normalizeMac(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  // Most sources already send this form: skip the rebuild (it runs for every device every poll).
  if (NORMAL_MAC.test(raw)) return raw;
  // Lower-case colon form (many controllers): one upper-casing, no split and join.
  if (COLON_MAC.test(raw)) return raw.toUpperCase();
  const digits = raw
    .trim()
    .toUpperCase()
    .replace(/[:\-.\s]/g, '');
  if (!MAC_DIGITS.test(digits)) return null;
  return digits.match(/../g)?.join(':') ?? null;
}
