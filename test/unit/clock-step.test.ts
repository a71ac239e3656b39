import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClockStepWatch, durationText } from '../../electron/core/clock-step';
import { CycleJournal, type PendingCycle } from '../../electron/core/journal';

describe('ClockStepWatch', () => {
  const t0 = Date.parse('2026-11-27T12:00:00Z');
  it('says once when the wall clock went back, and nothing while the clocks agree', () => {
    const watch = new ClockStepWatch();
    expect(watch.observe(new Date(t0), 1_000)).toBeNull();
    expect(watch.observe(new Date(t0 + 60_000), 61_000)).toBeNull();
    // NTP slewing: a second over a minute is not a step.
    expect(watch.observe(new Date(t0 + 121_000), 121_000)).toBeNull();
    expect(watch.observe(new Date(t0 + 181_000 - 3_600_000), 181_000)).toMatch(
      /^The system clock went back 1 h 00 min; /,
    );
    // The next poll on the new time: no second line for the same step.
    expect(watch.observe(new Date(t0 + 241_000 - 3_600_000), 241_000)).toBeNull();
  });

  it('calls a forward move a step or a sleep, since the clocks alone cannot tell', () => {
    const watch = new ClockStepWatch();
    watch.observe(new Date(t0), 1_000);
    expect(watch.observe(new Date(t0 + 8 * 3_600_000 + 60_000), 61_000)).toMatch(
      /^The system clock moved forward 8 h 00 min \(set ahead, or this computer slept\)/,
    );
  });

  it('writes durations plainly', () => {
    expect(durationText(45_000)).toBe('45 s');
    expect(durationText(3_600_000)).toBe('1 h 00 min');
    expect(durationText(26 * 3_600_000 + 5 * 60_000)).toBe('26 h 05 min');
  });
});

describe('journal lines keep where a poll came from', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bt-journal-origin-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads back the copy, sequence, monotonic time and source, and lines written without them', () => {
    const path = join(dir, 'journal.jsonl');
    const cycle: PendingCycle = {
      id: 'c1',
      at: new Date('2026-11-27T12:00:00Z'),
      devices: [],
      origin: { copy: 'copy-a', sequence: 42, monotonicMs: 1234.5, source: 'device API at x' },
    };
    new CycleJournal({ path, log: () => {} }).append(cycle);
    // A line from before the origin was kept.
    appendFileSync(path, '{"id":"c0","at":"2026-11-27T11:59:00.000Z","devices":[]}\n');
    const reopened = new CycleJournal({ path, log: () => {} });
    expect(reopened.first()).toEqual(cycle);
    reopened.dropFirst();
    expect(reopened.first()).toEqual({
      id: 'c0',
      at: new Date('2026-11-27T11:59:00Z'),
      devices: [],
    });
  });
});
