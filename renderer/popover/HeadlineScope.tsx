import { headlineLabel, needsEdgeNote } from '../../shared/edge-text';
import type { EdgeRule } from '../../shared/router-role';
import { EdgeNote } from '../common/EdgeNote';
import './role-badge.css';

type Props = { rule: EdgeRule | undefined; routerCount: number };

/** What the header's figures add up: the internet (edge routers), or a note that they double-count. */
export function HeadlineScope({ rule, routerCount }: Props) {
  if (needsEdgeNote(rule, routerCount)) return <EdgeNote rule={rule} routerCount={routerCount} />;
  if (rule === 'all' || rule === undefined) return null;
  return (
    <p className="headline-scope" data-testid="headline-scope">
      {headlineLabel(rule)}
      <span className="headline-scope__more">; inside devices below are a breakdown</span>
    </p>
  );
}
