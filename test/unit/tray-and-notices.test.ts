import { describe, expect, it } from 'vitest';
import type { AppState } from '../../shared/ipc-contract';
import { type DetectedReboot, RebootLedger, rebootNotice } from '../../shared/reboot-notice';
import { recordingNotices } from '../../shared/recording-status';
import {
  TRAY_LEVEL_STEPS,
  trayIconState,
  trayLevel,
  trayTitle,
  trayTooltip,
} from '../../shared/tray-status';

function state(overrides: Partial<AppState> = {}): AppState {
  return {
    routers: [],
    totals: { rxMbps: 12.44, txMbps: 3.06, todayRxBytes: '3000000000', todayTxBytes: '1210000000' },
    lastPollAt: '2026-01-01T20:45:00.000Z',
    source: { state: 'ok', message: null },
    database: { state: 'ok', message: null },
    paused: false,
    sourceLabel: '',
    role: 'writer',
    waitingCycles: 0,
    ...overrides,
  };
}

describe('tray', () => {
  it('says the total rate and today’s usage in the tooltip', () => {
    expect(trayTooltip(state())).toBe('↓ 12.4 Mbps ↑ 3.1 Mbps · today 4.21 GB');
    expect(trayIconState(state())).toBe('ok');
  });

  it('says what is wrong first', () => {
    const down = { state: 'down' as const, message: 'x' };
    expect(trayTooltip(state({ source: down }))).toBe('Device source unreachable · today 4.21 GB');
    expect(trayIconState(state({ source: down }))).toBe('source-down');
    expect(trayTooltip(state({ database: down }))).toMatch(/^Database unreachable · ↓ 12\.4 Mbps/);
    expect(trayIconState(state({ database: down, source: down }))).toBe('database-down');
    expect(trayTooltip(state({ paused: true }))).toBe('Polling paused · today 4.21 GB');
    expect(trayIconState(state({ lastPollAt: null }))).toBe('starting');
    expect(trayTooltip(state({ sourceLabel: 'DEMO' }))).toMatch(/^DEMO · ↓/);
  });

  it('does not say all is well while one source of several is down', () => {
    const recording = {
      notRecordingSince: null,
      reason: null,
      movedAside: 0,
      deadLetterPath: null,
      collisions: [],
      sourcesDown: ['The UniFi controller at https://shop answered HTTP 503: check the controller'],
    };
    expect(trayIconState(state({ recording }))).toBe('source-down');
    expect(trayTooltip(state({ recording }))).toBe(
      '1 source(s) not answering · ↓ 12.4 Mbps ↑ 3.1 Mbps · today 4.21 GB',
    );
    expect(recordingNotices(state({ recording }))).toEqual(recording.sourcesDown);
    expect(trayIconState(state({ recording: { ...recording, sourcesDown: [] } }))).toBe('ok');
  });

  it('counts the cycles waiting in the journal, and says when another copy records', () => {
    const down = { state: 'down' as const, message: 'x' };
    expect(trayTooltip(state({ database: down, waitingCycles: 12 }))).toMatch(
      /^Database unreachable, 12 cycle\(s\) waiting · ↓ 12\.4 Mbps/,
    );
    expect(trayTooltip(state({ role: 'reader' }))).toBe(
      '↓ 12.4 Mbps ↑ 3.1 Mbps · today 4.21 GB · read-only: another copy records',
    );
  });

  it('titles the macOS menu bar with the rate only, never DEMO or a status text', () => {
    expect(trayTitle(state({ sourceLabel: 'DEMO' }))).toBe('↓ 12.4 Mbps ↑ 3.1 Mbps');
    expect(trayTitle(state({ lastPollAt: null }))).toBe('');
    expect(trayTitle(state({ paused: true }))).toBe('');
  });

  it('turns the live rate into a level for the icon’s bar, on a log scale', () => {
    const at = (mbps: number) =>
      trayLevel(state({ totals: { ...state().totals, rxMbps: mbps, txMbps: 0 } }));
    expect(at(0)).toBe(0);
    expect(at(0.01)).toBe(1);
    expect(at(1000)).toBe(TRAY_LEVEL_STEPS);
    expect(at(5000)).toBe(TRAY_LEVEL_STEPS);
    expect(at(1)).toBeLessThan(at(30));
    expect(at(30)).toBeLessThan(at(300));
    expect(trayLevel(state({ paused: true }))).toBe(0);
  });
});

const at = new Date('2026-01-01T20:45:00Z');
const reboot = (
  routerId: number,
  name: string,
  extra: Partial<DetectedReboot> = {},
): DetectedReboot => ({
  routerId,
  name,
  detectedAt: at,
  lastSeenUpAt: new Date('2026-01-01T20:44:00Z'),
  uptimeSeconds: null,
  ...extra,
});

describe('reboot notices', () => {
  it('names the router and the downtime when the uptime tells it', () => {
    const notice = rebootNotice([
      reboot(1, 'Living Room AP', {
        lastSeenUpAt: new Date('2026-01-01T20:30:00Z'),
        uptimeSeconds: 300,
      }),
    ]);
    expect(notice?.title).toBe('Living Room AP rebooted');
    expect(notice?.body).toMatch(
      /^Detected at .+: its counters restarted from zero\. It was down for about 10 minutes\.$/,
    );
    expect(notice?.routerId).toBe(1);
  });

  it('leaves the downtime out when it is not known', () => {
    expect(rebootNotice([reboot(1, 'Garage')])?.body).not.toContain('down for');
  });

  it('coalesces several reboots of one cycle into one notice', () => {
    const notice = rebootNotice([reboot(1, 'A'), reboot(2, 'B'), reboot(3, 'C'), reboot(4, 'D')]);
    expect(notice?.title).toBe('4 routers rebooted');
    expect(notice?.body).toMatch(/^A, B, C and 1 more — detected at /);
    expect(rebootNotice([])).toBeNull();
  });

  it('escapes router names in the body where it is markup (Linux), and only there', () => {
    const names = [reboot(1, '<b>AT&T</b>'), reboot(2, '<a href="http://x">Y</a>')];
    const linux = rebootNotice(names);
    expect(linux?.body).toMatch(
      /^&lt;b&gt;AT&amp;T&lt;\/b&gt;, &lt;a href="http:\/\/x"&gt;Y&lt;\/a&gt; — detected at /,
    );
    expect(linux?.body).not.toMatch(/[<>]/);
    const plain = rebootNotice(names, { bodyIsMarkup: false });
    expect(plain?.body).toMatch(/^<b>AT&T<\/b>, <a href="http:\/\/x">Y<\/a> — detected at /);
  });

  it('announces a reboot once, even when the same reset is measured again or the app restarts', () => {
    const ledger = new RebootLedger();
    expect(ledger.fresh([reboot(1, 'A')])).toHaveLength(1);
    expect(
      ledger.fresh([reboot(1, 'A', { detectedAt: new Date('2026-01-01T20:46:00Z') })]),
    ).toEqual([]);
    const restarted = new RebootLedger(ledger.keys);
    expect(restarted.fresh([reboot(1, 'A')])).toEqual([]);
    expect(
      restarted.fresh([reboot(1, 'A', { lastSeenUpAt: new Date('2026-01-02T00:00:00Z') })]),
    ).toHaveLength(1);
  });

  it('keeps the ledger bounded', () => {
    const ledger = new RebootLedger([], 3);
    for (let i = 0; i < 10; i += 1) ledger.fresh([reboot(i, `R${i}`)]);
    expect(ledger.keys).toHaveLength(3);
  });
});
