// Counters that went back: a reboot, a counter restart (controller restart) or a 32-bit wrap.
import { describe, expect, it } from 'vitest';
import { deltaBetween, gbpsToBytesPerSecond } from '../../electron/core/tracker';

const t0 = new Date('2026-11-27T10:00:00Z');
const t1 = new Date('2026-11-27T10:01:00Z');
const limits = { maxBytesPerSecond: gbpsToBytesPerSecond(1) };
const previous = { rxBytes: 4_049_050_176n, txBytes: 198_524_031_529n, uptime: 3_971_849, at: t0 };

describe('counters that went back', () => {
  it('counts a counter restart with the uptime growing (a controller restart): its current values, flagged', () => {
    const current = { rxBytes: 5_000_000n, txBytes: 70_000_000n, uptime: 3_971_909 };
    expect(deltaBetween(previous, current, t1, limits)).toEqual({
      kind: 'delta',
      rxDiff: 5_000_000n,
      txDiff: 70_000_000n,
      counterReset: 'restart',
    });
  });

  it('takes counters that drifted back, still at half their value or more, for a glitch: nothing counted', () => {
    const drifted = { rxBytes: 4_045_000_000n, txBytes: 198_300_000_000n, uptime: 3_971_909 };
    expect(deltaBetween(previous, drifted, t1, limits)).toEqual({
      kind: 'glitch',
      rxDiff: 0n,
      txDiff: 0n,
      jumpRx: 4_045_000_000n - previous.rxBytes,
      jumpTx: 198_300_000_000n - previous.txBytes,
      seconds: 60,
    });
  });

  it('calls counters that went back a reboot when no uptime is sent (the design), counting nothing', () => {
    const before = { ...previous, uptime: null };
    const current = { rxBytes: 5_000_000n, txBytes: 70_000_000n, uptime: null };
    expect(deltaBetween(before, current, t1, limits)).toEqual({
      kind: 'reset',
      rxDiff: 0n,
      txDiff: 0n,
      reason: 'counters',
    });
  });

  it('counts a 32-bit wrap modulo 2^32 when plausible, a restart when not', () => {
    const before = { rxBytes: 4_294_000_000n, txBytes: 1_000_000n, uptime: 100_000, at: t0 };
    const wrapped = { rxBytes: 32_704n, txBytes: 1_500_000n, uptime: 100_060, wraps32: true };
    expect(deltaBetween(before, wrapped, t1, limits)).toEqual({
      kind: 'delta',
      rxDiff: 4_294_967_296n - 4_294_000_000n + 32_704n,
      txDiff: 500_000n,
      counterReset: 'wrap',
    });
    // The same numbers from 64-bit counters: they restarted.
    const { wraps32: _, ...restarted } = wrapped;
    expect(deltaBetween(before, restarted, t1, limits)).toMatchObject({
      rxDiff: 32_704n,
      txDiff: 1_500_000n,
      counterReset: 'restart',
    });
    // On a 100 Mbps link (750 MB a minute) a wrap that would mean 3.4 GB is not plausible: a restart.
    const slow = { maxBytesPerSecond: gbpsToBytesPerSecond(0.1) };
    const far = { ...before, rxBytes: 1_000_000_000n };
    expect(deltaBetween(far, { ...wrapped, rxBytes: 100_000_000n }, t1, slow)).toMatchObject({
      rxDiff: 100_000_000n,
      counterReset: 'restart',
    });
  });

  it('keeps the design rule for a true reboot by default, and counts since the reboot when asked, only when exact', () => {
    const rebooted = { rxBytes: 3_000_000n, txBytes: 1_000_000n, uptime: 40 };
    expect(deltaBetween(previous, rebooted, t1, limits)).toEqual({
      kind: 'reset',
      rxDiff: 0n,
      txDiff: 0n,
      reason: 'uptime',
    });
    const counting = { ...limits, rebootPolicy: 'count-since-reboot' as const };
    // Booted 40 s ago, the last poll was 60 s ago: the counters hold exactly the traffic since.
    expect(deltaBetween(previous, rebooted, t1, counting)).toEqual({
      kind: 'reset',
      rxDiff: 3_000_000n,
      txDiff: 1_000_000n,
      reason: 'uptime',
    });
    // Rebooted during a long gap (an hour), up for 10 minutes: still exact, counted.
    const later = new Date('2026-11-27T11:00:00Z');
    const inGap = { rxBytes: 9_000_000n, txBytes: 2_000_000n, uptime: 600 };
    expect(deltaBetween({ ...previous, uptime: null }, inGap, later, counting)).toEqual({
      kind: 'reset',
      rxDiff: 9_000_000n,
      txDiff: 2_000_000n,
      reason: 'rebooted-in-gap',
    });
    // Counters back without an uptime: when the reboot happened is unknown, nothing counted.
    const noUptime = { rxBytes: 1n, txBytes: 1n, uptime: null };
    expect(deltaBetween({ ...previous, uptime: null }, noUptime, t1, counting)).toMatchObject({
      kind: 'reset',
      rxDiff: 0n,
      txDiff: 0n,
    });
  });
});
