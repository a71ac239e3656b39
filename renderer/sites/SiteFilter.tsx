import { memo, useMemo } from 'react';
import type { RouterLive } from '../../shared/ipc-contract';
import { groupBySite, type SiteGroup } from '../../shared/site-groups';
import './site-filter.css';

type Props = {
  routers: RouterLive[];
  /** The chosen site's key, or null for every site. */
  value: string | null;
  onChange: (site: SiteGroup | null) => void;
};

/** Chooses one site's routers for the history; shown only when there is more than one site. */
export const SiteFilter = memo(function SiteFilter({ routers, value, onChange }: Props) {
  // Grouped again only when the routers change, not on every cycle's figures.
  const groups = useMemo(
    () => groupBySite([...routers].sort((a, b) => (a.site ?? '').localeCompare(b.site ?? ''))),
    [routers],
  );
  if (groups.length < 2) return null;
  return (
    <label className="site-filter">
      <span className="site-filter__label">Site</span>
      <select
        className="site-filter__select"
        value={value ?? ''}
        onChange={(e) => onChange(groups.find((g) => g.key === e.target.value) ?? null)}
      >
        <option value="">All sites</option>
        {groups.map((group) => (
          <option key={group.key} value={group.key}>
            {group.label} ({group.routers.length} router{group.routers.length === 1 ? '' : 's'})
          </option>
        ))}
      </select>
    </label>
  );
});
