import type { AppState } from './ipc-contract';
import { notRecordingText } from './recording-status';
import { formatBytes, formatMbps } from './units';

export type TrayIconState = 'ok' | 'source-down' | 'database-down' | 'paused' | 'starting';

function someSourcesDown(state: AppState): number {
  return state.recording?.sourcesDown?.length ?? 0;
}

/** What the tray icon shows at a glance; a broken database matters more than a broken source. */
export function trayIconState(state: AppState): TrayIconState {
  if (state.paused) return 'paused';
  if (state.database.state === 'down' || notRecordingText(state) !== null) return 'database-down';
  // One source of several down is not "all is well": its routers are not being counted.
  if (state.source.state === 'down' || someSourcesDown(state) > 0) return 'source-down';
  if (state.lastPollAt === null) return 'starting';
  return 'ok';
}

/** `↓ 12.4 Mbps ↑ 3.1 Mbps · today 4.21 GB`, prefixed by what is wrong when something is. */
export function trayTooltip(state: AppState): string {
  const today = BigInt(state.totals.todayRxBytes) + BigInt(state.totals.todayTxBytes);
  const figures = `↓ ${formatMbps(state.totals.rxMbps)} ↑ ${formatMbps(state.totals.txMbps)} · today ${formatBytes(today)}`;
  const label = state.sourceLabel === '' ? '' : `${state.sourceLabel} · `;
  switch (trayIconState(state)) {
    case 'paused':
      return `${label}Polling paused · today ${formatBytes(today)}`;
    case 'database-down':
      if (notRecordingText(state) !== null) return `${label}${notRecordingText(state)}`;
      return state.waitingCycles > 0
        ? `${label}Database unreachable, ${state.waitingCycles} cycle(s) waiting · ${figures}`
        : `${label}Database unreachable · ${figures}`;
    case 'source-down':
      return state.source.state === 'down'
        ? `${label}Device source unreachable · today ${formatBytes(today)}`
        : `${label}${someSourcesDown(state)} source(s) not answering · ${figures}`;
    case 'starting':
      return `${label}Bandwidth Tracker: waiting for the first poll`;
    case 'ok':
      return state.role === 'reader'
        ? `${label}${figures} · read-only: another copy records`
        : `${label}${figures}`;
  }
}

/**
 * The macOS menu-bar title: the rate only, short enough for a crowded menu bar. When the rate is
 * not live (paused, down, starting) the title is empty and the icon's colour says why.
 */
export function trayTitle(state: AppState): string {
  if (trayIconState(state) !== 'ok') return '';
  return `↓ ${formatMbps(state.totals.rxMbps)} ↑ ${formatMbps(state.totals.txMbps)}`;
}

/** Steps of the level bar drawn into the tray icon (so the icon changes only when the bar does). */
export const TRAY_LEVEL_STEPS = 8;
/** The rate that fills the bar: a 1 Gbps uplink. */
const FULL_SCALE_MBPS = 1000;

/**
 * How full the tray icon's level bar is, 0 to TRAY_LEVEL_STEPS, for the total live rate on a
 * log scale (1 Mbps already shows, 1 Gbps fills it). Empty when the rate is not live.
 */
export function trayLevel(state: AppState): number {
  if (trayIconState(state) !== 'ok') return 0;
  const mbps = Math.max(0, state.totals.rxMbps + state.totals.txMbps);
  if (mbps <= 0) return 0;
  const fraction = Math.log10(1 + mbps) / Math.log10(1 + FULL_SCALE_MBPS);
  return Math.max(1, Math.min(TRAY_LEVEL_STEPS, Math.round(fraction * TRAY_LEVEL_STEPS)));
}
