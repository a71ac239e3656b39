import type { AppState } from './ipc-contract';
import { notRecordingText } from './recording-status';
import { formatBytes, formatMbps } from './units';

export type TrayIconState = 'ok' | 'source-down' | 'database-down' | 'paused' | 'starting';

/** What the tray icon shows at a glance; a broken database matters more than a broken source. */
export function trayIconState(state: AppState): TrayIconState {
  if (state.paused) return 'paused';
  if (state.database.state === 'down' || notRecordingText(state) !== null) return 'database-down';
  if (state.source.state === 'down') return 'source-down';
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
      return `${label}Device source unreachable · today ${formatBytes(today)}`;
    case 'starting':
      return `${label}Bandwidth Tracker: waiting for the first poll`;
    case 'ok':
      return state.role === 'reader'
        ? `${label}${figures} · read-only: another copy records`
        : `${label}${figures}`;
  }
}
