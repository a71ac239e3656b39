import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleJournal, type PendingCycle } from '../../electron/core/journal';
import { parseRetryAfter } from '../../electron/core/sources/retry-after';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bt-journal-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cycle = (n: number, devices = 2): PendingCycle => ({
  id: `cycle-${n}`,
  at: new Date(Date.UTC(2026, 0, 1, 0, n)),
  devices: Array.from({ length: devices }, (_, i) => ({
    identity: {
      mac: `AA:00:00:00:00:0${i}`,
      name: `R[${i}] "x"`,
      ip: null,
      brand: null,
      location: null,
      model: i === 0 ? 'U6-Pro' : null,
    },
    counters:
      i === 1 && n === 3 ? null : { rxBytes: 2n ** 63n - BigInt(n), txBytes: BigInt(n), uptime: n },
    throughput: { downloadMbps: 1.5, uploadMbps: null, latencyMs: 3 },
  })),
});

describe('CycleJournal', () => {
  it('keeps cycles on disk in order, exactly, across a reopen', () => {
    const path = join(dir, 'sub', 'journal.jsonl');
    const journal = new CycleJournal({ path, log: () => {} });
    for (const n of [1, 2, 3]) journal.append(cycle(n));
    const reopened = new CycleJournal({ path, log: () => {} });
    expect(reopened.length).toBe(3);
    expect(reopened.readingCount).toBe(6);
    expect(reopened.first()).toEqual(cycle(1));
    reopened.dropFirst();
    reopened.dropFirst();
    expect(reopened.first()).toEqual(cycle(3));
    reopened.flush();
    expect(new CycleJournal({ path, log: () => {} }).first()).toEqual(cycle(3));
  });

  it('drops a line torn by a crash, says so, and appends cleanly after it', () => {
    const path = join(dir, 'journal.jsonl');
    const journal = new CycleJournal({ path, log: () => {} });
    journal.append(cycle(1));
    appendFileSync(path, '{"id":"cycle-2","at":"2026-01-01T00:02:00.000Z","devices":[["AA:');
    const log: string[] = [];
    const reopened = new CycleJournal({ path, log: (line) => log.push(line) });
    expect(reopened.length).toBe(1);
    expect(log.join('\n')).toMatch(/dropped 1 unreadable line/);
    reopened.append(cycle(4));
    const again = new CycleJournal({ path, log: () => {} });
    expect(again.length).toBe(2);
    again.dropFirst();
    expect(again.first()).toEqual(cycle(4));
  });

  it('drops every second cycle, loudly, when the limit would be passed, never the newest', () => {
    const path = join(dir, 'journal.jsonl');
    const log: string[] = [];
    const journal = new CycleJournal({ path, limit: 10, log: (line) => log.push(line) });
    for (let n = 1; n <= 5; n += 1) journal.append(cycle(n));
    expect(log).toEqual([]);
    journal.append(cycle(6));
    expect(log.join('\n')).toMatch(/JOURNAL FULL.*limit of 10 device readings.*Dropped 2 of 5/);
    const kept: string[] = [];
    const reopened = new CycleJournal({ path, log: () => {} });
    while (reopened.length > 0) {
      kept.push(reopened.first()?.id ?? '');
      reopened.dropFirst();
    }
    expect(kept).toEqual(['cycle-2', 'cycle-4', 'cycle-5', 'cycle-6']);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(4);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
