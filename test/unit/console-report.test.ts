import { describe, expect, it } from 'vitest';
import { clockStamp, describeCycle } from '../../electron/core/console-report';
import type { TrackedDevice } from '../../electron/core/cycle-recorder';
import { OutageLog } from '../../electron/core/outage';
import type { CounterDelta } from '../../shared/types';

const at = new Date(2026, 0, 1, 20, 45, 0);
const tracked = (name: string, delta: CounterDelta): TrackedDevice => ({
  routerId: 1,
  identity: { mac: 'AA:BB:CC:DD:EE:01', name, ip: null, brand: null, location: null },
  counters: { rxBytes: 0n, txBytes: 0n, uptime: null },
  delta,
  previous: null,
});

describe('describeCycle', () => {
  it('prints the design lines: one per device with a delta, then the count', () => {
    const lines = describeCycle({
      at,
      roundTrips: 6,
      untracked: [],
      stale: [],
      tracked: [
        tracked('Living Room AP', { kind: 'delta', rxDiff: 1_000_000n, txDiff: 500_000n }),
        tracked('Bedroom AP', { kind: 'delta', rxDiff: 2_000_000n, txDiff: 1_000_000n }),
        tracked('Idle AP', { kind: 'delta', rxDiff: 0n, txDiff: 0n }),
        tracked('New AP', { kind: 'baseline', rxDiff: 0n, txDiff: 0n }),
      ],
    });
    expect(lines).toEqual([
      '[20:45:00] 📊 Living Room AP — RX +1.00 MB, TX +500.00 KB',
      '[20:45:00] 📊 Bedroom AP — RX +2.00 MB, TX +1.00 MB',
      '📈 Updated bandwidth tracking for 4 device(s)',
    ]);
  });

  it('names each router whose counter reset', () => {
    const lines = describeCycle({
      at,
      roundTrips: 6,
      untracked: [],
      stale: [],
      tracked: [tracked('Garage', { kind: 'reset', rxDiff: 0n, txDiff: 0n, reason: 'uptime' })],
    });
    expect(lines[0]).toMatch(/^\[20:45:00\] 🔄 Garage — counter reset \(uptime went back\)/);
  });

  it('pads the clock', () => {
    expect(clockStamp(new Date(2026, 0, 1, 7, 5, 9))).toBe('[07:05:09]');
  });
});

describe('OutageLog', () => {
  it('reports the start of an outage once and its end once', () => {
    const outage = new OutageLog('The device API');
    const t0 = new Date(0);
    expect(outage.success(t0)).toBeNull();
    expect(outage.failure('down', t0)).toBe('down');
    expect(outage.failure('down', new Date(60_000))).toBeNull();
    expect(outage.failure('still down', new Date(120_000))).toBeNull();
    expect(outage.isDown).toBe(true);
    expect(outage.success(new Date(180_000))).toBe(
      'The device API is back after 3 failed attempt(s) over 180 s',
    );
    expect(outage.success(new Date(240_000))).toBeNull();
    expect(outage.failure('again', new Date(300_000))).toBe('again');
  });
});
