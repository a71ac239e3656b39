import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clockStamp, describeCycle, printable } from '../../electron/core/console-report';
import type { RecordedCycle, TrackedDevice } from '../../electron/core/cycle-recorder';
import { OutageLog } from '../../electron/core/outage';
import type { CounterDelta } from '../../shared/types';
import { formatBytes } from '../../shared/units';

const at = new Date(2026, 0, 1, 20, 45, 0);
const tracked = (name: string, delta: CounterDelta): TrackedDevice => ({
  routerId: 1,
  identity: { mac: 'AA:BB:CC:DD:EE:01', name, ip: null, brand: null, location: null },
  counters: { rxBytes: 0n, txBytes: 0n, uptime: null },
  delta,
  previous: null,
});

/** The console output of a cycle, one line per entry (as the poller writes it: joined by `\n`). */
const consoleLines = (cycle: RecordedCycle) => describeCycle(cycle).join('\n').split('\n');

describe('describeCycle', () => {
  it('prints the design lines: one per device with a delta, then the count', () => {
    const lines = consoleLines({
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
    const lines = consoleLines({
      at,
      roundTrips: 6,
      untracked: [],
      stale: [],
      tracked: [tracked('Garage', { kind: 'reset', rxDiff: 0n, txDiff: 0n, reason: 'uptime' })],
    });
    expect(lines[0]).toMatch(/^\[20:45:00\] 🔄 Garage — counter reset \(uptime went back\)/);
  });

  it('gives the device lines as one text, then the summary; only the summary without any', () => {
    const cycle = (deltas: CounterDelta[]): RecordedCycle => ({
      at,
      roundTrips: 1,
      untracked: [],
      stale: [],
      tracked: deltas.map((delta, i) => tracked(`AP ${i}`, delta)),
    });
    const used: CounterDelta = { kind: 'delta', rxDiff: 1_500n, txDiff: 20n };
    expect(describeCycle(cycle([used, used]))).toEqual([
      '[20:45:00] 📊 AP 0 — RX +1.50 KB, TX +20 B\n[20:45:00] 📊 AP 1 — RX +1.50 KB, TX +20 B',
      '📈 Updated bandwidth tracking for 2 device(s)',
    ]);
    const idle: CounterDelta = { kind: 'delta', rxDiff: 0n, txDiff: 0n };
    expect(describeCycle(cycle([idle]))).toEqual(['📈 Updated bandwidth tracking for 1 device(s)']);
    expect(describeCycle(cycle([]))).toEqual(['📈 Updated bandwidth tracking for 0 device(s)']);
  });

  it('writes every line as the design template would, whatever the name and the figures', () => {
    // The reference: the lines as template strings with formatBytes and printable.
    const reference = (name: string, delta: CounterDelta): string | null => {
      const shown = printable(name);
      if (delta.kind === 'delta' && delta.counterReset === 'wrap')
        return `[20:45:00] ↪️ ${shown} — a 32-bit counter wrapped: RX +${formatBytes(delta.rxDiff)}, TX +${formatBytes(delta.txDiff)} counted`;
      if (delta.kind === 'delta' && (delta.rxDiff > 0n || delta.txDiff > 0n))
        return `[20:45:00] 📊 ${shown} — RX +${formatBytes(delta.rxDiff)}, TX +${formatBytes(delta.txDiff)}`;
      if (delta.kind === 'reset')
        return `[20:45:00] 🔄 ${shown} — counter reset (uptime went back): router rebooted, new baseline set, nothing counted`;
      return null;
    };
    const name = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('Café Nord 📶', 'a\\b', 'Office\u202eAP', 'x\u001b[31m', '\u0085\u2028'),
    );
    const bytes = fc.oneof(
      fc.bigInt({ min: 0n, max: 10n ** 6n }),
      fc.bigInt({ min: 0n, max: 2n ** 53n + 10n }),
      fc.bigInt({ min: 0n, max: 2n ** 64n }),
      fc.constantFrom(0n, 999n, 1_000n, 999_994n, 999_995n, 999_999n, 1_005n, 2n ** 53n - 1n),
    );
    const delta: fc.Arbitrary<CounterDelta> = fc.oneof(
      fc.record({ kind: fc.constant('delta' as const), rxDiff: bytes, txDiff: bytes }),
      fc.record({
        kind: fc.constant('delta' as const),
        rxDiff: bytes,
        txDiff: bytes,
        counterReset: fc.constant('wrap' as const),
      }),
      fc.constant<CounterDelta>({ kind: 'reset', rxDiff: 0n, txDiff: 0n, reason: 'uptime' }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(name, delta), { maxLength: 30 }), (devices) => {
        const cycle: RecordedCycle = {
          at,
          roundTrips: 1,
          untracked: [],
          stale: [],
          tracked: devices.map(([n, d]) => tracked(n, d)),
        };
        const expected = devices.flatMap(([n, d]) => reference(n, d) ?? []);
        expected.push(`📈 Updated bandwidth tracking for ${devices.length} device(s)`);
        expect(consoleLines(cycle)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('pads the clock', () => {
    expect(clockStamp(new Date(2026, 0, 1, 7, 5, 9))).toBe('[07:05:09]');
  });
});

describe('printable (device names on the console)', () => {
  it('turns ANSI escapes, newlines and other control characters into visible escapes', () => {
    const name = 'AP\u001b[2J\u001b[31mred\n[20:45:00] 📊 Fake AP — RX +9.00 GB\r\t\u0000\u009b';
    const line = printable(name);
    expect(line).toBe(
      'AP\\x1b[2J\\x1b[31mred\\n[20:45:00] 📊 Fake AP — RX +9.00 GB\\r\\t\\x00\\x9b',
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the check is that none are left
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('shows bidirectional overrides and line separators, and keeps ordinary text as it is', () => {
    expect(printable('Office\u202eAP\u2028x')).toBe('Office\\u202eAP\\u2028x');
    expect(printable('Café Nord – étage 2 📶')).toBe('Café Nord – étage 2 📶');
    // A literal backslash is doubled, so "\\n" typed in a name cannot pass for an escape.
    expect(printable('a\\nb')).toBe('a\\\\nb');
  });

  it('shows invisible and format characters that would make two names look alike', () => {
    expect(printable('AP\u061cx\u200by\ufeffz\u00ad\u180e\u3164')).toBe(
      'AP\\u061cx\\u200by\\ufeffz\\xad\\u180e\\u3164',
    );
    // A tag character (two UTF-16 units) and a lone surrogate.
    expect(printable('AP\u{e0041}\ud800')).toBe('AP\\u{e0041}\\ud800');
    // The joiner inside an emoji sequence stays: it hides nothing.
    expect(printable('Family 👨‍👩‍👧')).toBe('Family 👨‍👩‍👧');
  });

  it('is applied to every device line of a cycle, which stays one line each', () => {
    const lines = consoleLines({
      at,
      roundTrips: 1,
      untracked: [],
      stale: [],
      tracked: [
        tracked('Evil\n[20:45:00] 🔄 Garage', { kind: 'delta', rxDiff: 1_000n, txDiff: 0n }),
        tracked('\u001b[1mBold', { kind: 'reset', rxDiff: 0n, txDiff: 0n, reason: 'counters' }),
      ],
    });
    expect(lines).toHaveLength(3);
    expect(lines.every((line) => !line.includes('\n') && !line.includes('\u001b'))).toBe(true);
    expect(lines[0]).toBe('[20:45:00] 📊 Evil\\n[20:45:00] 🔄 Garage — RX +1.00 KB, TX +0 B');
  });
});

describe('OutageLog', () => {
  it('reports the start of an outage once and its end once, timed on the monotonic clock', () => {
    let steady = 0;
    const outage = new OutageLog('The device API', () => steady);
    expect(outage.success()).toBeNull();
    expect(outage.failure('down')).toBe('down');
    steady = 60_000;
    expect(outage.failure('down')).toBeNull();
    steady = 120_000;
    expect(outage.failure('still down')).toBeNull();
    expect(outage.isDown).toBe(true);
    steady = 180_000;
    expect(outage.success()).toBe('The device API is back after 3 failed attempt(s) over 180 s');
    expect(outage.success()).toBeNull();
    expect(outage.failure('again')).toBe('again');
  });

  it('names what ended when the failures were not the service going away', () => {
    let steady = 0;
    const outage = new OutageLog('MySQL', () => steady);
    expect(outage.failure('the lock connection broke', 'The lock is held again')).not.toBeNull();
    steady = 2_000;
    expect(outage.success()).toBe('The lock is held again after 1 failed attempt(s) over 2 s');
    // One plain failure in the outage, and its end is MySQL being back.
    outage.failure('the lock connection broke', 'The lock is held again');
    outage.failure('ECONNREFUSED');
    expect(outage.success()).toBe('MySQL is back after 2 failed attempt(s) over 0 s');
  });
});
