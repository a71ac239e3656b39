import { describe, expect, it } from 'vitest';
import { BandwidthTracker, deltaBetween } from '../../electron/core/tracker';
import type { CounterReading } from '../../shared/types';

const reading = (rx: bigint, tx: bigint, uptime: number | null = null): CounterReading => ({
  rxBytes: rx,
  txBytes: tx,
  uptime,
});
const at = new Date('2026-01-01T20:44:00Z');
const later = new Date(at.getTime() + 60_000);
/** The design's rules one poll (a minute) apart. */
const between = (previous: CounterReading, current: CounterReading, when = later) =>
  deltaBetween({ ...previous, at }, current, when);

describe('BandwidthTracker', () => {
  it('treats the first sight of a router as a baseline, not a reset', () => {
    const tracker = new BandwidthTracker();
    expect(tracker.computeDelta(1, reading(5_000_000_000n, 2_000_000_000n), later)).toEqual({
      kind: 'baseline',
      rxDiff: 0n,
      txDiff: 0n,
    });
  });

  it('computes the design example: +1 MB RX, +500 KB TX', () => {
    const tracker = new BandwidthTracker();
    tracker.accept(1, { ...reading(4_999_000_000n, 1_999_500_000n), at });
    expect(tracker.computeDelta(1, reading(5_000_000_000n, 2_000_000_000n), later)).toEqual({
      kind: 'delta',
      rxDiff: 1_000_000n,
      txDiff: 500_000n,
    });
  });

  it('only moves the baseline on accept, so a failed write can be measured again', () => {
    const tracker = new BandwidthTracker();
    tracker.accept(1, { ...reading(100n, 100n), at });
    tracker.computeDelta(1, reading(300n, 300n), later);
    expect(tracker.computeDelta(1, reading(500n, 400n), later)).toMatchObject({
      rxDiff: 400n,
      txDiff: 300n,
    });
  });

  it('keeps routers apart', () => {
    const tracker = new BandwidthTracker();
    tracker.accept(1, { ...reading(100n, 100n), at });
    expect(tracker.computeDelta(2, reading(50n, 50n), later).kind).toBe('baseline');
    expect(tracker.computeDelta(1, reading(150n, 100n), later)).toMatchObject({
      rxDiff: 50n,
      txDiff: 0n,
    });
  });
});

describe('deltaBetween', () => {
  it.each([
    ['rx went down', reading(10n, 500n), reading(5n, 600n)],
    ['tx went down', reading(10n, 500n), reading(20n, 400n)],
    ['both went down', reading(10n, 500n), reading(0n, 0n)],
  ])('flags a counter reset when %s, with zero diffs', (_, previous, current) => {
    expect(between(previous, current)).toEqual({
      kind: 'reset',
      rxDiff: 0n,
      txDiff: 0n,
      reason: 'counters',
    });
  });

  it('flags a reset when uptime went down even though the counters grew past their old values', () => {
    expect(between(reading(100n, 100n, 86_400), reading(900n, 900n, 30))).toEqual({
      kind: 'reset',
      rxDiff: 0n,
      txDiff: 0n,
      reason: 'uptime',
    });
  });

  it('ignores uptime when either side does not have it', () => {
    expect(between(reading(100n, 100n, null), reading(200n, 300n, 500)).kind).toBe('delta');
    expect(between(reading(100n, 100n, 500), reading(200n, 300n, null)).kind).toBe('delta');
  });

  it('counts an unchanged counter as a zero delta, not a reset', () => {
    expect(between(reading(7n, 7n, 10), reading(7n, 7n, 70))).toEqual({
      kind: 'delta',
      rxDiff: 0n,
      txDiff: 0n,
    });
  });

  it('stays exact above 2^53', () => {
    const big = 2n ** 53n;
    expect(between(reading(big, big), reading(big + 1n, big + 3n))).toEqual({
      kind: 'delta',
      rxDiff: 1n,
      txDiff: 3n,
    });
    const max = 2n ** 63n - 1n;
    expect(between(reading(max - 10n, 0n), reading(max, 1n))).toMatchObject({
      rxDiff: 10n,
      txDiff: 1n,
    });
  });
});

describe('limits beyond the design', () => {
  it('records a jump faster than the link limit as a glitch and counts nothing', () => {
    // 10 Gbps for 60 s is 75 GB; 80 GB in a minute cannot be traffic.
    expect(between(reading(0n, 0n), reading(80_000_000_000n, 5n))).toEqual({
      kind: 'glitch',
      rxDiff: 0n,
      txDiff: 0n,
      jumpRx: 80_000_000_000n,
      jumpTx: 5n,
      seconds: 60,
    });
    expect(between(reading(0n, 0n), reading(75_000_000_000n, 5n)).kind).toBe('delta');
  });

  it('follows a configured link limit, and allows at least a second when polls share a time', () => {
    const oneGbps = { maxBytesPerSecond: 125_000_000 };
    const now = deltaBetween({ ...reading(0n, 0n), at }, reading(125_000_000n, 0n), at, oneGbps);
    expect(now.kind).toBe('delta');
    const over = deltaBetween({ ...reading(0n, 0n), at }, reading(125_000_001n, 0n), at, oneGbps);
    expect(over.kind).toBe('glitch');
  });

  it('flags a reboot during a long gap when the uptime is shorter than the gap', () => {
    const dayLater = new Date(at.getTime() + 86_400_000);
    // Up 10 minutes after a day away: it rebooted; its counters climbing past the old ones is new traffic.
    expect(between(reading(100n, 100n, 50), reading(900n, 900n, 600), dayLater)).toMatchObject({
      kind: 'reset',
      reason: 'rebooted-in-gap',
    });
    // Up for the whole gap: counted.
    expect(between(reading(100n, 100n, 50), reading(900n, 900n, 86_450), dayLater)).toEqual({
      kind: 'delta',
      rxDiff: 800n,
      txDiff: 800n,
    });
    // Without uptime only the counters can tell.
    expect(between(reading(100n, 100n), reading(900n, 900n), dayLater).kind).toBe('delta');
  });
});
