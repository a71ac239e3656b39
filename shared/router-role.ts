import type { RouterRole } from './types';

/** A router as far as the headline is concerned. */
export interface RoleOfRouter {
  id: number;
  /** What the source says; null when it cannot tell (the API server). */
  sourceRole: RouterRole | null;
  /** The admin's mark (Settings or `--edge`), shared through MySQL; null when not marked. */
  markedRole: RouterRole | null;
}

/**
 * How the headline's routers were chosen: `marked`/`source`, at least one router is the edge
 * by the admin's mark or the source's word; `all`, none is, so every router counts (the
 * original design's sum) and the UI says so, because inside devices then count bytes twice.
 */
export type EdgeRule = 'marked' | 'source' | 'all';

export interface EdgeSet {
  /** Routers whose traffic is the internet usage. */
  ids: ReadonlySet<number>;
  rule: EdgeRule;
}

/** The admin's mark wins over what the source says. */
export function effectiveRole(router: RoleOfRouter): RouterRole | null {
  return router.markedRole ?? router.sourceRole;
}

/** The routers the headline adds up: the edge ones, or every router when none is the edge. */
export function edgeSetOf(routers: readonly RoleOfRouter[]): EdgeSet {
  const edge = routers.filter((r) => effectiveRole(r) === 'edge');
  if (edge.length === 0) return { ids: new Set(routers.map((r) => r.id)), rule: 'all' };
  const marked = edge.some((r) => r.markedRole === 'edge');
  return { ids: new Set(edge.map((r) => r.id)), rule: marked ? 'marked' : 'source' };
}
