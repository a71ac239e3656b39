import type { AppState } from '../../shared/ipc-contract';

const VIEWER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The zone the popover speaks in: the one whose midnight starts the collector's "today" and
 * "this month". A browser in another zone (the collector's page opened from elsewhere) gets its
 * times in that zone too, so "today" and "Last poll" agree, and the zone is named (`named`).
 */
export function countingZone(state: AppState): { zone: string; named: boolean } {
  const zone = state.timeZone ?? VIEWER_ZONE;
  return { zone, named: zone !== VIEWER_ZONE };
}
