import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrackedDevice } from '../../electron/core/cycle-recorder';
import { LiveState, RateSamples, sparklineOf } from '../../electron/core/live-state';
import { SPARKLINE_SLOT_MS, SPARKLINE_SLOTS } from '../../shared/ipc-contract';

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

describe('RateSamples (a sparkline without an object per sample)', () => {
  // The samples as they were kept first: one object per sample, merged per slot, an hour long.
  type Sample = { at: number; mbps: number; weight?: number };
  const span = SPARKLINE_SLOT_MS * SPARKLINE_SLOTS;
  const keep = (samples: Sample[], at: number, mbps: number) => {
    const last = samples.at(-1);
    if (
      last !== undefined &&
      Math.floor(last.at / SPARKLINE_SLOT_MS) === Math.floor(at / SPARKLINE_SLOT_MS)
    ) {
      const weight = last.weight ?? 1;
      last.mbps = (last.mbps * weight + mbps) / (weight + 1);
      last.weight = weight + 1;
      last.at = at;
      return;
    }
    samples.push({ at, mbps });
    while ((samples[0]?.at ?? at) <= at - span) samples.shift();
  };
  const line = (samples: Sample[], now: number) =>
    Array.from({ length: SPARKLINE_SLOTS }, (_, slot) => {
      let sum = 0;
      let count = 0;
      for (const { at, mbps, weight = 1 } of samples) {
        const age = now - at;
        if (
          age < 0 ||
          age >= span ||
          SPARKLINE_SLOTS - 1 - Math.floor(age / SPARKLINE_SLOT_MS) !== slot
        )
          continue;
        sum += mbps * weight;
        count += weight;
      }
      return count === 0 ? null : sum / count;
    });

  it('keeps and averages the same samples as one object per sample did', () => {
    const polls = fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 3 * SPARKLINE_SLOT_MS }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
      ),
      { maxLength: 200 },
    );
    fc.assert(
      fc.property(polls, (steps) => {
        const reference: Sample[] = [];
        const samples = new RateSamples();
        let at = Date.parse('2026-03-02T10:00:00Z');
        for (const [gap, mbps] of steps) {
          at += gap;
          keep(reference, at, mbps);
          samples.keepLastHour(at, mbps);
          expect(samples.length).toBe(reference.length);
        }
        for (let i = 0; i < reference.length; i += 1) {
          expect(samples.at(i)).toBe(reference[i]?.at);
          expect(samples.mbps(i)).toBe(reference[i]?.mbps);
          expect(samples.weight(i)).toBe(reference[i]?.weight ?? 1);
        }
        expect(sparklineOf(samples, at)).toEqual(line(reference, at));
      }),
      { numRuns: 300 },
    );
    // A sample exactly an hour old is gone, one a millisecond younger stays.
    const t = Date.parse('2026-03-02T10:00:00Z');
    const gone = new RateSamples();
    gone.keepLastHour(t, 1);
    gone.keepLastHour(t + 10 * SPARKLINE_SLOT_MS, 3);
    gone.keepLastHour(t + span, 4);
    expect([gone.length, gone.at(0), gone.mbps(0)]).toEqual([2, t + 10 * SPARKLINE_SLOT_MS, 3]);
    // A poll in the same slot is averaged into the last sample, which takes its time.
    gone.keepLastHour(t + span + 1, 6);
    expect([gone.length, gone.at(1), gone.mbps(1), gone.weight(1)]).toEqual([
      2,
      t + span + 1,
      5,
      2,
    ]);
    const stays = new RateSamples();
    stays.keepLastHour(t + 1, 1);
    stays.keepLastHour(t + span, 2);
    expect(stays.length).toBe(2);
  });
});

describe('LiveState counts past 2^53', () => {
  it('stays exact digit for digit when a figure passes 2^53, and when one delta alone does', () => {
    const live = new LiveState('UTC');
    const big = 2n ** 53n - 10n;
    const step = (when: Date, rxDiff: bigint, txDiff: bigint, kind: 'baseline' | 'delta') =>
      live.applyCycle({
        at: when,
        tracked: [
          {
            ...device(null),
            counters: { rxBytes: big, txBytes: 5n, uptime: null },
            delta:
              kind === 'baseline' ? { kind, rxDiff: 0n, txDiff: 0n } : { kind, rxDiff, txDiff },
            previous: kind === 'baseline' ? null : device(null).previous,
          },
        ],
        untracked: [],
        stale: [],
        roundTrips: 1,
      })[0];
    // First sight: lifetime starts at the counters (just below 2^53).
    expect(step(at, 0n, 0n, 'baseline')?.lifetimeRxBytes).toBe(String(big));
    // 2^53 - 10 + 11 = 2^53 + 1: the first integer a number cannot hold (it would read 2^53).
    const later = new Date(at.getTime() + 60_000);
    const past = step(later, 11n, 2n ** 60n + 1n, 'delta');
    expect(past?.lifetimeRxBytes).toBe('9007199254740993');
    expect(past?.todayRxBytes).toBe('11');
    expect(past?.todayTxBytes).toBe(String(2n ** 60n + 1n));
    expect(past?.lifetimeTxBytes).toBe(String(5n + 2n ** 60n + 1n));
    expect(past?.monthTxBytes).toBe(String(2n ** 60n + 1n));
    // A rate from a delta past 2^53 is still a rate (120 s since the previous reading).
    expect(past?.txMbps).toBeCloseTo((Number(2n ** 60n + 1n) * 8) / 120 / 1e6, 0);
    const again = step(new Date(later.getTime() + 60_000), 7n, 3n, 'delta');
    expect(again?.lifetimeRxBytes).toBe(String(big + 18n));
    expect(again?.todayTxBytes).toBe(String(2n ** 60n + 4n));
    expect(again?.todayRxBytes).toBe('18');
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

describe('LiveState headline from the edge routers', () => {
  const tracked = (
    routerId: number,
    name: string,
    role: 'edge' | 'inside' | null,
    rxDiff: bigint,
    txDiff: bigint,
  ): TrackedDevice => ({
    routerId,
    identity: {
      mac: `AA:00:00:00:00:0${routerId}`,
      name,
      ip: null,
      brand: null,
      location: null,
      role,
    },
    counters: { rxBytes: rxDiff, txBytes: txDiff, uptime: null },
    delta: { kind: 'delta', rxDiff, txDiff },
    previous: { rxBytes: 0n, txBytes: 0n, uptime: null, at: new Date('2026-03-02T10:00:00Z') },
    rates: null,
  });
  const cycle = (devices: TrackedDevice[]) => ({
    at,
    tracked: devices,
    untracked: [],
    stale: [],
    roundTrips: 1,
  });

  it('adds up the edge routers only; the inside ones are a breakdown flagged as such', () => {
    const live = new LiveState('UTC');
    const routers = live.applyCycle(
      cycle([
        tracked(1, 'Gateway', 'edge', 7_500_000n, 750_000n),
        tracked(2, 'Switch', 'inside', 6_000_000n, 600_000n),
        tracked(3, 'AP', 'inside', 3_000_000n, 300_000n),
      ]),
    );
    const totals = live.totals();
    expect(totals.edgeRule).toBe('source');
    expect(totals.todayRxBytes).toBe('7500000');
    expect(totals.todayTxBytes).toBe('750000');
    expect(totals.monthRxBytes).toBe('7500000');
    expect(totals.rxMbps).toBeCloseTo(1, 6);
    expect(totals.sparkline?.at(-1)).toBeCloseTo(1.1, 6);
    expect(routers.map((r) => [r.name, r.edge])).toEqual([
      ['Gateway', true],
      ['Switch', false],
      ['AP', false],
    ]);
  });

  it('counts every router (rule all) when none is the edge, and follows a mark', () => {
    const live = new LiveState('UTC');
    live.applyCycle(
      cycle([tracked(1, 'A', null, 1_000n, 10n), tracked(2, 'B', null, 2_000n, 20n)]),
    );
    expect(live.totals()).toMatchObject({ edgeRule: 'all', todayRxBytes: '3000' });
    const version = live.edgeVersion;
    live.applyRoles([
      { id: 1, sourceRole: null, markedRole: null },
      { id: 2, sourceRole: null, markedRole: 'edge' },
    ]);
    expect(live.edgeVersion).toBe(version + 1);
    expect(live.totals()).toMatchObject({ edgeRule: 'marked', todayRxBytes: '2000' });
    // The header's sparkline follows: B's 2,020 bytes in 60 s.
    expect(live.totals().sparkline?.at(-1)).toBeCloseTo((2_020 * 8) / 60 / 1e6, 9);
    const [b] = live.routerList(at).filter((r) => r.id === 2);
    expect(b).toMatchObject({ markedRole: 'edge', sourceRole: null, edge: true });
  });
});
