import { describe, expect, it } from 'vitest';
import type { TrackedDevice } from '../../electron/core/cycle-recorder';
import { LiveState } from '../../electron/core/live-state';

const at = new Date('2026-03-02T10:01:00Z');
const device = (rates: TrackedDevice['rates']): TrackedDevice => ({
  routerId: 1,
  identity: { mac: 'AA:00:00:00:00:01', name: 'Gateway', ip: null, brand: null, location: null },
  counters: { rxBytes: 7_500_000n, txBytes: 1_000_000n, uptime: null },
  delta: { kind: 'delta', rxDiff: 7_500_000n, txDiff: 1_000_000n },
  previous: { rxBytes: 0n, txBytes: 0n, uptime: null, at: new Date('2026-03-02T10:00:00Z') },
  rates,
});

describe('LiveState rates', () => {
  it('measures the live rate from two polls: 7.5 MB in 60 s is 1 Mbps', () => {
    const [router] = new LiveState('UTC').applyCycle({
      at,
      tracked: [device(null)],
      untracked: [],
      stale: [],
      roundTrips: 1,
    });
    expect(router?.rxMbps).toBeCloseTo(1, 6);
  });

  it('prefers the rate the source measured itself (UniFi rx_bytes-r)', () => {
    const [router] = new LiveState('UTC').applyCycle({
      at,
      tracked: [device({ rxBytesPerSecond: 250_000, txBytesPerSecond: 25_000 })],
      untracked: [],
      stale: [],
      roundTrips: 1,
    });
    expect(router?.rxMbps).toBeCloseTo(2, 6);
    expect(router?.txMbps).toBeCloseTo(0.2, 6);
    // Today's traffic still comes from the counted delta.
    expect(router?.todayRxBytes).toBe('7500000');
  });
});

describe('LiveState for the popover', () => {
  const cycle = (when: Date, tracked: TrackedDevice[]) => ({
    at: when,
    tracked,
    untracked: [],
    stale: [],
    roundTrips: 1,
  });

  it('says "measuring" until a rate is measured, then keeps a last-hour sparkline and the month', () => {
    const live = new LiveState('UTC');
    const baseline: TrackedDevice = {
      ...device(null),
      delta: { kind: 'baseline', rxDiff: 0n, txDiff: 0n },
      previous: null,
    };
    const [first] = live.applyCycle(cycle(new Date('2026-03-02T10:00:00Z'), [baseline]));
    expect(first?.measuring).toBe(true);
    expect(first?.rxMbps).toBe(0);
    expect(first?.sparkline?.every((v) => v === null)).toBe(true);
    const [second] = live.applyCycle(cycle(at, [device(null)]));
    expect(second?.measuring).toBe(false);
    // 1 Mbps RX + 0.133 Mbps TX in the newest slot; the older slots were not polled.
    expect(second?.sparkline?.at(-1)).toBeCloseTo(1 + 8 / 60, 6);
    expect(second?.sparkline?.slice(0, -1).every((v) => v === null)).toBe(true);
    expect(second?.monthRxBytes).toBe('7500000');
    // A new month starts from zero.
    const [april] = live.applyCycle(
      cycle(new Date('2026-04-01T00:01:00Z'), [
        { ...device(null), previous: { ...device(null).counters, at } },
      ]),
    );
    expect(april?.monthRxBytes).toBe('7500000');
    expect(live.totals().monthRxBytes).toBe('7500000');
    expect(april?.todayRxBytes).toBe('7500000');
  });
});

describe('LiveState memory', () => {
  it('averages fast polls within one sparkline slot and keeps at most one sample per slot', () => {
    const live = new LiveState('UTC');
    const start = Date.parse('2026-03-02T10:00:00Z');
    let last: ReturnType<LiveState['applyCycle']>[number] | undefined;
    // A poll every second for ten minutes, alternating 1 and 3 Mbps (the source's own rate).
    for (let i = 0; i < 600; i += 1) {
      const bytesPerSecond = i % 2 === 0 ? 125_000 : 375_000;
      [last] = live.applyCycle({
        at: new Date(start + i * 1000),
        tracked: [device({ rxBytesPerSecond: bytesPerSecond, txBytesPerSecond: 0 })],
        untracked: [],
        stale: [],
        roundTrips: 1,
      });
    }
    const measured = (last?.sparkline ?? []).filter((v): v is number => v !== null);
    expect(measured.length).toBeGreaterThanOrEqual(5);
    for (const value of measured) expect(value).toBeCloseTo(2, 6);
    const samples = (
      live as unknown as { routers: Map<number, { samples: unknown[] }> }
    ).routers.get(1)?.samples;
    expect(samples?.length).toBeLessThanOrEqual(6);
  });
});
