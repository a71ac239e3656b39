import type { EdgeRule } from './router-role';
import type { RouterRole } from './types';

/** Shown where the headline is while no router is the internet edge (rule `all`). */
export const EDGE_NOTE =
  'No router is marked as the internet edge, so traffic that crosses several routers is counted more than once. Mark the edge routers in Settings.';

/** The same, where there is no room (the popover at 200 % zoom). */
export const EDGE_NOTE_SHORT = 'Some traffic is counted twice: mark the edge routers in Settings.';

/** What the headline adds up, in the words of the pages. */
export function headlineLabel(rule: EdgeRule | undefined): string {
  return rule === 'all' || rule === undefined ? 'All routers' : 'Internet (edge routers)';
}

export const ROLE_TEXT: Record<RouterRole, string> = {
  edge: 'Internet edge',
  inside: 'Inside device',
};

/** Whether the note is worth showing: with one router nothing can be counted twice. */
export function needsEdgeNote(rule: EdgeRule | undefined, routerCount: number): boolean {
  return rule === 'all' && routerCount > 1;
}
