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
