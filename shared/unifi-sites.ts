/**
 * Which sites of a UniFi controller to poll: `all` (every site the account may read, listed
 * through `/api/self/sites`) or a comma-separated list of short names (`default,branch_2`).
 */
export type SiteSelection = { kind: 'all' } | { kind: 'names'; names: string[] };

/** A site's short name as it appears in the controller's URLs (`default`, `branch_2`). */
const SHORT_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The selection a Settings field or `--site` says, or null when it is not one. */
export function parseSiteSelection(text: string): SiteSelection | null {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'all') return { kind: 'all' };
  const names = trimmed.split(',').map((name) => name.trim());
  if (names.length === 0 || !names.every((name) => SHORT_NAME.test(name))) return null;
  // A name given twice is polled once (its devices would otherwise collide with themselves).
  return { kind: 'names', names: [...new Set(names)] };
}
