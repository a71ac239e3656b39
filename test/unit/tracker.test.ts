import { describe, expect, it } from 'vitest';
import { BandwidthTracker, deltaBetween } from '../../electron/core/tracker';
import type { CounterReading } from '../../shared/types';

const reading = (rx: bigint, tx: bigint, uptime: number | null = null): CounterReading => ({
  rxBytes: rx,
  txBytes: tx,
  uptime,
});
const at = new Date('2026-01-01T20:44:00Z');

describe('BandwidthTracker', () => {
  it('treats the first sight of a router as a baseline, not a reset', () => {
    const tracker = new BandwidthTracker();
    expect(tracker.computeDelta(1, reading(5_000_000_000n, 2_000_000_000n))).toEqual({
      kind: 'baseline',
      rxDiff: 0n,
      txDiff: 0n,
    });
  });

  it('computes the design example: +1 MB RX, +500 KB TX', () => {
    const tracker = new BandwidthTracker();
    tracker.accept(1, { ...reading(4_999_000_000n, 1_999_500_000n), at });
    expect(tracker.computeDelta(1, reading(5_000_000_000n, 2_000_000_000n))).toEqual({
      kind: 'delta',
      rxDiff: 1_000_000n,
      txDiff: 500_000n,
    });
  });

  it('only moves the baseline on accept, so a failed write can be measured again', () => {
    const tracker = new BandwidthTracker();
    tracker.accept(1, { ...reading(100n, 100n), at });
    tracker.computeDelta(1, reading(300n, 300n));
    expect(tracker.computeDelta(1, reading(500n, 400n))).toMatchObject({
      rxDiff: 400n,
      txDiff: 300n,
    });
  });

  it('keeps routers apart', () => {
    const tracker = new BandwidthTracker();
    tracker.accept(1, { ...reading(100n, 100n), at });
    expect(tracker.computeDelta(2, reading(50n, 50n)).kind).toBe('baseline');
    expect(tracker.computeDelta(1, reading(150n, 100n))).toMatchObject({ rxDiff: 50n, txDiff: 0n });
  });
});

describe('deltaBetween', () => {
  it.each([
    ['rx went down', reading(10n, 500n), reading(5n, 600n)],
    ['tx went down', reading(10n, 500n), reading(20n, 400n)],
    ['both went down', reading(10n, 500n), reading(0n, 0n)],
  ])('flags a counter reset when %s, with zero diffs', (_, previous, current) => {
    expect(deltaBetween(previous, current)).toEqual({
      kind: 'reset',
      rxDiff: 0n,
      txDiff: 0n,
      reason: 'counters',
    });
  });

  it('flags a reset when uptime went down even though the counters grew past their old values', () => {
    expect(deltaBetween(reading(100n, 100n, 86_400), reading(900n, 900n, 30))).toEqual({
      kind: 'reset',
      rxDiff: 0n,
      txDiff: 0n,
      reason: 'uptime',
    });
  });

  it('ignores uptime when either side does not have it', () => {
    expect(deltaBetween(reading(100n, 100n, null), reading(200n, 300n, 5)).kind).toBe('delta');
    expect(deltaBetween(reading(100n, 100n, 500), reading(200n, 300n, null)).kind).toBe('delta');
  });

  it('counts an unchanged counter as a zero delta, not a reset', () => {
    expect(deltaBetween(reading(7n, 7n, 10), reading(7n, 7n, 10))).toEqual({
      kind: 'delta',
      rxDiff: 0n,
      txDiff: 0n,
    });
  });

  it('stays exact above 2^53', () => {
    const big = 2n ** 53n;
    expect(deltaBetween(reading(big, big), reading(big + 1n, big + 3n))).toEqual({
      kind: 'delta',
      rxDiff: 1n,
      txDiff: 3n,
    });
    const max = 2n ** 63n - 1n;
    expect(deltaBetween(reading(max - 10n, 0n), reading(max, 1n))).toMatchObject({
      rxDiff: 10n,
      txDiff: 1n,
    });
  });
});
