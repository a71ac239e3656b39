import type { RouterLive } from '../../shared/ipc-contract';
import type { EdgeRule } from '../../shared/router-role';
import './role-badge.css';

type Props = { router: RouterLive; rule: EdgeRule | undefined };

/**
 * Whether a router's traffic is in the headline: an edge router is the internet usage, an
 * inside device a breakdown of it. Nothing while every router counts (rule `all`).
 */
export function RoleBadge({ router, rule }: Props) {
  if (rule === 'all' || rule === undefined || router.edge === undefined) return null;
  return router.edge ? (
    <span className="role-badge role-badge--edge" title="Internet edge: counted in the totals">
      edge
    </span>
  ) : (
    <span
      className="role-badge role-badge--inside"
      title="Inside device: a breakdown, its traffic is already counted at the edge"
    >
      inside
    </span>
  );
}
