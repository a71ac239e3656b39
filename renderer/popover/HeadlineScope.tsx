import { needsEdgeNote } from '../../shared/edge-text';
import type { EdgeRule } from '../../shared/router-role';
import { EdgeNote } from '../common/EdgeNote';

type Props = { rule: EdgeRule | undefined; routerCount: number };

/**
 * Under the header's figures: the note while they double-count (no router is the edge). With
 * an edge, the rows' badges and the figures' tooltip say it, at no cost in height (all twelve
 * demo routers fit the popover).
 */
export function HeadlineScope({ rule, routerCount }: Props) {
  return needsEdgeNote(rule, routerCount) ? (
    <EdgeNote rule={rule} routerCount={routerCount} />
  ) : null;
}

/** The header figures' tooltip: what they add up. */
export function headlineTitle(rule: EdgeRule | undefined): string {
  return rule === 'all' || rule === undefined
    ? 'Every router added up'
    : 'Internet usage: the edge routers only; inside devices are a breakdown of it';
}
