import type { RouterLive } from '../../shared/ipc-contract';
import type { EdgeRule } from '../../shared/router-role';
import { groupBySite } from '../../shared/site-groups';
import { formatBytes, formatMbps, sumBytes } from '../common/format';
import { RouterRow } from '../popover/RouterRow';
import './site-groups.css';

type Props = { routers: RouterLive[]; onOpen: (routerId: number) => void; edgeRule?: EdgeRule };

const LIST_LABEL = 'Routers, busiest first when opened; choose one for its history';

/** The popover's router list; with more than one site, a heading and subtotal per site. */
export function SiteGroupedList({ routers, onOpen, edgeRule }: Props) {
  const groups = groupBySite(routers);
  if (groups.length < 2) {
    return (
      <ul className="popover__list" aria-label={LIST_LABEL}>
        {routers.map((router) => (
          <RouterRow key={router.id} router={router} onOpen={onOpen} edgeRule={edgeRule} />
        ))}
      </ul>
    );
  }
  return (
    <section className="popover__list site-groups" aria-label={LIST_LABEL}>
      {groups.map((group) => {
        // A site's figures are its internet usage too: its edge routers, or all of them (as the
        // headline's note says) where the site has none.
        const edge = group.routers.filter((r) => r.edge === true);
        const counted = edge.length > 0 ? edge : group.routers;
        const rx = counted.reduce((sum, r) => sum + r.rxMbps, 0);
        const tx = counted.reduce((sum, r) => sum + r.txMbps, 0);
        const today = counted.reduce(
          (sum, r) => sum + sumBytes(r.todayRxBytes, r.todayTxBytes),
          0n,
        );
        const headingId = `site-${group.key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
        return (
          <section key={group.key} className="site-group" aria-labelledby={headingId}>
            <h2 className="site-group__heading" id={headingId} data-testid="site-heading">
              <span className="site-group__name">{group.label}</span>
              <span className="site-group__figures">
                ↓ {formatMbps(rx)} ↑ {formatMbps(tx)} · today {formatBytes(today)}
              </span>
            </h2>
            <ul className="site-group__list">
              {group.routers.map((router) => (
                <RouterRow key={router.id} router={router} onOpen={onOpen} edgeRule={edgeRule} />
              ))}
            </ul>
          </section>
        );
      })}
    </section>
  );
}
