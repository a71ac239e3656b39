// Property-based tests: arbitrary input to the payload parser and the tracker, with the
// invariants the accounts rest on.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonExact } from '../../electron/core/exact-json';
import { MAX_COUNTER, PayloadError, parseDevicePayload } from '../../electron/core/payload';
import {
  BandwidthTracker,
  DEFAULT_LIMITS,
  type PreviousReading,
  UPTIME_SLACK_SECONDS,
} from '../../electron/core/tracker';
import { normalizeMac } from '../../shared/mac';
import type { CounterDelta, CounterReading } from '../../shared/types';
import { toJson } from '../support/device-server';

/** A counter field as sources send it, right or wrong. */
const counterField = fc.oneof(
  fc.bigInt({ min: 0n, max: MAX_COUNTER }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
  fc.string(),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
);

const MACS = ['AA:00:00:00:00:01', 'aa-00-00-00-00-02', 'AA0000000003', 'not a mac', ''];

/** Device-like objects: a few MACs (so duplicates happen), any counters, any extra fields. */
const device = fc.record(
  {
    mac: fc.oneof(fc.constantFrom(...MACS), fc.string(), fc.integer()),
    name: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
    rx_bytes: counterField,
    tx_bytes: counterField,
    uptime: fc.oneof(fc.integer({ min: -5, max: 10_000_000 }), fc.string(), fc.constant(null)),
    xput_down: fc.oneof(fc.double(), fc.string()),
  },
  { requiredKeys: [] },
);

function expectValidParse(body: unknown): void {
  let parsed: ReturnType<typeof parseDevicePayload>;
  try {
    parsed = parseDevicePayload(body);
  } catch (error) {
    // The only error allowed out: the body as a whole is not a list.
    expect(error).toBeInstanceOf(PayloadError);
    expect(Array.isArray(body)).toBe(false);
    return;
  }
  const macs = parsed.devices.map((d) => d.identity.mac);
  expect(new Set(macs).size).toBe(macs.length);
  for (const { identity, counters } of parsed.devices) {
    expect(identity.mac).toMatch(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/);
    if (counters === null) continue;
    for (const value of [counters.rxBytes, counters.txBytes]) {
      expect(typeof value).toBe('bigint');
      expect(value >= 0n && value <= MAX_COUNTER).toBe(true);
    }
    if (counters.uptime !== null) expect(Number.isInteger(counters.uptime)).toBe(true);
  }
  if (Array.isArray(body)) {
    // Every entry with a MAC is a device, or one of the devices of a reported MAC collision;
    // every entry without one is a reported problem.
    const collided = new Set(
      parsed.problems.flatMap((p) => (p.device.startsWith('MAC ') ? [p.device.slice(4)] : [])),
    );
    expect(parsed.collisions?.length ?? 0).toBe(collided.size);
    let withoutMac = 0;
    for (const item of body) {
      const mac =
        typeof item === 'object' && item !== null
          ? normalizeMac((item as { mac?: unknown }).mac)
          : null;
      if (mac === null) withoutMac += 1;
      else expect(macs.includes(mac) || collided.has(mac)).toBe(true);
      if (mac !== null && collided.has(mac)) expect(macs.includes(mac)).toBe(false);
    }
    const untrackedProblems = parsed.problems.length - collided.size - withoutMac;
    expect(untrackedProblems).toBe(parsed.devices.filter((d) => d.counters === null).length);
  }
}

describe('payload parser, arbitrary input', () => {
  it('never throws anything but PayloadError, and keeps only exact, valid, unique devices', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(device, { maxLength: 12 }), fc.jsonValue()), (body) =>
        expectValidParse(body),
      ),
      { numRuns: 500 },
    );
  });

  it('reads any JSON text, huge integers included, digit for digit', () => {
    fc.assert(
      fc.property(fc.array(device, { maxLength: 8 }), (devices) => {
        const text = toJson(devices);
        const body = parseJsonExact(text);
        expectValidParse(body);
        // A counter written as a bare integer comes back exactly, whatever its size.
        const parsed = parseDevicePayload(body);
        for (const d of parsed.devices) {
          const raw = devices.find(
            (candidate) =>
              typeof candidate.rx_bytes === 'bigint' && candidate.rx_bytes === d.counters?.rxBytes,
          );
          if (raw !== undefined) expect(d.counters?.rxBytes).toBe(raw.rx_bytes);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('survives any JSON text, valid or not', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        let body: unknown;
        try {
          body = parseJsonExact(text);
        } catch (error) {
          expect(error).toBeInstanceOf(SyntaxError);
          return;
        }
        expectValidParse(body);
      }),
      { numRuns: 500 },
    );
  });
});

/** One poll of a few routers that come and go; counters anywhere, up or down, in any order. */
const poll = fc.record({
  seconds: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 200_000 })),
  readings: fc.array(
    fc.record({
      router: fc.integer({ min: 0, max: 3 }),
      rx: fc.oneof(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.bigInt({ min: 0n, max: MAX_COUNTER }),
      ),
      tx: fc.bigInt({ min: 0n, max: 10n ** 12n }),
      uptime: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 400_000 })),
    }),
    { maxLength: 6 },
  ),
});

/** The rules, written out plainly as the oracle. */
/** Whether the counters went back while the uptime kept growing: a counter restart, counted. */
function counterRestart(previous: PreviousReading, current: CounterReading): boolean {
  return (
    (current.rxBytes < previous.rxBytes || current.txBytes < previous.txBytes) &&
    previous.uptime !== null &&
    current.uptime !== null &&
    current.uptime > previous.uptime
  );
}

function expectedKind(
  previous: PreviousReading,
  current: CounterReading,
  at: Date,
): CounterDelta['kind'] {
  if (previous.uptime !== null && current.uptime !== null && current.uptime < previous.uptime)
    return 'reset';
  const seconds = (at.getTime() - previous.at.getTime()) / 1000;
  if (current.uptime !== null && seconds > current.uptime + UPTIME_SLACK_SECONDS) return 'reset';
  const restart = counterRestart(previous, current);
  if (!restart && (current.rxBytes < previous.rxBytes || current.txBytes < previous.txBytes))
    return 'reset';
  // A counter that went back but kept half its value or more drifted: it did not restart.
  const drifted = (before: bigint, now: bigint) => now < before && now * 2n >= before;
  if (
    restart &&
    (drifted(previous.rxBytes, current.rxBytes) || drifted(previous.txBytes, current.txBytes))
  )
    return 'glitch';
  // Without monotonic times the wall clock measures the gap, unless the device's uptime says
  // more time passed (it did not reboot: its uptime went on).
  const uptimeAdvance =
    previous.uptime !== null && current.uptime !== null ? current.uptime - previous.uptime : 0;
  const cap = Math.max(seconds, uptimeAdvance, 1);
  const limit = BigInt(Math.ceil(DEFAULT_LIMITS.maxBytesPerSecond * cap));
  // A restarted pair counts its current values: the traffic since it restarted.
  const [rx, tx] = restart
    ? [current.rxBytes, current.txBytes]
    : [current.rxBytes - previous.rxBytes, current.txBytes - previous.txBytes];
  return rx > limit || tx > limit ? 'glitch' : 'delta';
}

describe('tracker, arbitrary sequences', () => {
  it('never counts a negative delta, flags every reset, counts a counter restart, and keeps totals = first counters + counted deltas', () => {
    fc.assert(
      fc.property(fc.array(poll, { maxLength: 30 }), (polls) => {
        const tracker = new BandwidthTracker<number>();
        const totals = new Map<
          number,
          { rx: bigint; tx: bigint; first: bigint; counted: bigint }
        >();
        let time = Date.UTC(2026, 0, 1);
        for (const { seconds, readings } of polls) {
          time += seconds * 1000;
          const at = new Date(time);
          const seen = new Set<number>();
          for (const { router, rx, tx, uptime } of readings) {
            // One reading per router per poll, as the parser guarantees.
            if (seen.has(router)) continue;
            seen.add(router);
            const current = { rxBytes: rx, txBytes: tx, uptime };
            const previous = tracker.get(router);
            const delta = tracker.computeDelta(router, current, at);
            expect(delta.rxDiff >= 0n && delta.txDiff >= 0n).toBe(true);
            if (previous === undefined) {
              expect(delta.kind).toBe('baseline');
              totals.set(router, { rx, tx, first: rx, counted: 0n });
            } else {
              expect(delta.kind).toBe(expectedKind(previous, current, at));
              if (delta.kind === 'delta' && counterRestart(previous, current)) {
                expect(delta).toEqual({
                  kind: 'delta',
                  rxDiff: rx,
                  txDiff: tx,
                  counterReset: 'restart',
                });
              } else if (delta.kind === 'delta') {
                expect(delta.rxDiff).toBe(rx - previous.rxBytes);
                expect(delta.txDiff).toBe(tx - previous.txBytes);
              } else {
                expect([delta.rxDiff, delta.txDiff]).toEqual([0n, 0n]);
              }
              const total = totals.get(router);
              if (total !== undefined) {
                total.rx += delta.rxDiff;
                total.counted += delta.rxDiff;
              }
            }
            tracker.accept(router, { ...current, at });
          }
        }
        for (const total of totals.values()) expect(total.rx).toBe(total.first + total.counted);
      }),
      { numRuns: 1000 },
    );
  });
});
