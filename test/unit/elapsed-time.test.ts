import { describe, expect, it } from 'vitest';
import { elapsedBetween } from '../../electron/core/elapsed-time';
import { deltaBetween, type PreviousReading } from '../../electron/core/tracker';

// One poll a minute; the wall clock is stepped or the machine sleeps between two polls.
const t0 = new Date('2026-11-27T12:00:00Z');
const wallAt = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const mono = (seconds: number, copy = 'copy-a') => ({ copy, ms: 5_000_000 + seconds * 1000 });
const HOUR = 3_600;
const DAY = 86_400;
/** 100 MB/s: a busy uplink, 360 GB an hour. */
const RATE = 100_000_000n;

function previous(uptime: number | null, rx = 10n ** 12n): PreviousReading {
  return { rxBytes: rx, txBytes: rx, uptime, at: t0, monotonic: mono(0) };
}

describe('elapsed time between two polls', () => {
  it('follows the monotonic clock when the wall clock agrees', () => {
    expect(
      elapsedBetween(
        { at: t0, uptime: 100, monotonic: mono(0) },
        { at: wallAt(60), uptime: 160, monotonic: mono(60) },
      ),
    ).toEqual({ atLeast: 60, atMost: 60, by: 'monotonic' });
  });

  it('is not fooled by a wall clock stepped back an hour', () => {
    const e = elapsedBetween(
      { at: t0, uptime: 100, monotonic: mono(0) },
      { at: wallAt(60 - HOUR), uptime: 160, monotonic: mono(60) },
    );
    expect(e).toEqual({ atLeast: 60, atMost: 60, by: 'monotonic' });
  });

  it('tells a step forward (uptime moved one poll) from a sleep (uptime moved with the wall)', () => {
    const step = elapsedBetween(
      { at: t0, uptime: 100, monotonic: mono(0) },
      { at: wallAt(60 + DAY), uptime: 160, monotonic: mono(60) },
    );
    expect(step).toEqual({ atLeast: 60, atMost: 60, by: 'monotonic' });
    // Linux's monotonic clock stands still while the machine sleeps; the device's does not.
    const sleep = elapsedBetween(
      { at: t0, uptime: 100, monotonic: mono(0) },
      { at: wallAt(60 + 8 * HOUR), uptime: 160 + 8 * HOUR, monotonic: mono(60) },
    );
    expect(sleep).toEqual({ atLeast: 60 + 8 * HOUR, atMost: 60 + 8 * HOUR, by: 'uptime' });
  });

  it('without an uptime, believes a wall clock that ran ahead for the cap only', () => {
    expect(
      elapsedBetween(
        { at: t0, uptime: null, monotonic: mono(0) },
        { at: wallAt(8 * HOUR), uptime: null, monotonic: mono(60) },
      ),
    ).toEqual({ atLeast: 60, atMost: 8 * HOUR, by: 'wall' });
  });

  it('bounds nothing by a wall clock that went back since another copy’s reading', () => {
    // A restart or a takeover by a workstation whose clock is behind: no clock is shared.
    const back = (uptime: number | null, later: number | null) =>
      elapsedBetween(
        { at: t0, uptime, monotonic: mono(0, 'copy-a') },
        { at: wallAt(60 - 2 * HOUR), uptime: later, monotonic: mono(60, 'copy-b') },
      );
    expect(back(null, null)).toEqual({ atLeast: 0, atMost: Number.POSITIVE_INFINITY, by: 'wall' });
    expect(back(100, 163)).toEqual({ atLeast: 0, atMost: 63, by: 'uptime' });
  });

  it('uses the wall clock against another copy’s reading (their monotonic clocks differ)', () => {
    expect(
      elapsedBetween(
        { at: t0, uptime: 100, monotonic: mono(0, 'copy-a') },
        { at: wallAt(120), uptime: 220, monotonic: mono(9_999, 'copy-b') },
      ),
    ).toEqual({ atLeast: 120, atMost: 120, by: 'wall' });
  });
});

describe('deltas across clock steps and sleep', () => {
  it('counts a minute of traffic after the wall clock went back an hour (no glitch)', () => {
    const delta = deltaBetween(
      previous(100),
      { rxBytes: 10n ** 12n + 60n * RATE, txBytes: 10n ** 12n, uptime: 160 },
      { at: wallAt(60 - HOUR), monotonic: mono(60) },
    );
    expect(delta).toEqual({ kind: 'delta', rxDiff: 60n * RATE, txDiff: 0n });
  });

  it('sees no reboot when the wall clock jumped a day ahead but the device’s uptime did not', () => {
    const delta = deltaBetween(
      previous(100),
      { rxBytes: 10n ** 12n + 60n * RATE, txBytes: 10n ** 12n, uptime: 160 },
      { at: wallAt(60 + DAY), monotonic: mono(60) },
    );
    expect(delta).toEqual({ kind: 'delta', rxDiff: 60n * RATE, txDiff: 0n });
    // The same jump without a monotonic time (another copy's reading) is a reboot in the gap:
    // the wall clock is the only clock then, which is why a copy keeps its own.
    expect(
      deltaBetween(
        previous(100),
        { rxBytes: 10n ** 12n + 60n * RATE, txBytes: 10n ** 12n, uptime: 160 },
        wallAt(60 + DAY),
      ).kind,
    ).toBe('reset');
  });

  it('a step forward does not widen the link limit: a garbage jump is still a glitch', () => {
    // 10 Gbps for a minute is 75 GB; 1 TB is not traffic, even though the wall clock says a day.
    const delta = deltaBetween(
      previous(100),
      { rxBytes: 10n ** 12n + 10n ** 12n, txBytes: 10n ** 12n, uptime: 160 },
      { at: wallAt(60 + DAY), monotonic: mono(60) },
    );
    expect(delta.kind).toBe('glitch');
  });

  it('counts 8 hours of traffic after the machine slept 8 hours (monotonic moved one poll)', () => {
    const eightHours = 8n * 3_600n * RATE; // 2.88 TB, far past a minute at 10 Gbps
    const delta = deltaBetween(
      previous(100),
      { rxBytes: 10n ** 12n + eightHours, txBytes: 10n ** 12n, uptime: 160 + 8 * HOUR },
      { at: wallAt(60 + 8 * HOUR), monotonic: mono(60) },
    );
    expect(delta).toEqual({ kind: 'delta', rxDiff: eightHours, txDiff: 0n });
  });

  it('counts the traffic of a restart behind the old reading’s clock for a device without uptime', () => {
    // 63 s at 50 MB/s, measured against a stored reading stamped 2 h "later" than now.
    const stored: PreviousReading = { ...previous(null), monotonic: mono(0, 'old-run') };
    const delta = deltaBetween(
      stored,
      { rxBytes: 10n ** 12n + 3_150_000_000n, txBytes: 10n ** 12n, uptime: null },
      { at: wallAt(63 - 2 * HOUR), monotonic: mono(5, 'new-run') },
    );
    expect(delta).toEqual({ kind: 'delta', rxDiff: 3_150_000_000n, txDiff: 0n });
  });

  it('sees a reboot during the sleep when the uptime is shorter than the sleep, counters above the old', () => {
    // Up 1 h before an 8 h sleep, rebooted 2 h into it: 6 h of uptime, counters past the old.
    const delta = deltaBetween(
      previous(HOUR),
      { rxBytes: 10n ** 12n + 6n * 3_600n * RATE, txBytes: 10n ** 12n, uptime: 6 * HOUR },
      { at: wallAt(60 + 8 * HOUR), monotonic: mono(60) },
    );
    expect(delta).toMatchObject({ kind: 'reset', reason: 'rebooted-in-gap' });
  });

  it('still sees a reboot during the sleep from the uptime that went down', () => {
    const delta = deltaBetween(
      previous(5 * DAY),
      { rxBytes: 10n ** 12n + 1n, txBytes: 10n ** 12n, uptime: 2 * HOUR },
      { at: wallAt(60 + 8 * HOUR), monotonic: mono(60) },
    );
    expect(delta).toMatchObject({ kind: 'reset', reason: 'uptime' });
  });
});
