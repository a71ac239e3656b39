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

  it('keeps each reading’s site and source, so a replayed cycle of several sources keeps its owners', () => {
    const path = join(dir, 'journal.jsonl');
    const plain = cycle(1, 2);
    const tagged: PendingCycle = {
      ...plain,
      devices: plain.devices.map((d, i) => ({
        ...d,
        identity: { ...d.identity, site: i === 0 ? 'branch2' : 'default' },
        source: i === 0 ? 'UniFi controller at https://hq' : 'device API at http://shop',
        ...(i === 1 ? { counters: { rxBytes: 1n, txBytes: 2n, uptime: 3, wraps32: true } } : {}),
      })),
    };
    new CycleJournal({ path, log: () => {} }).append(tagged);
    expect(new CycleJournal({ path, log: () => {} }).first()).toEqual(tagged);
  });

  it('keeps that counters are 32-bit, so a wrap replayed from the journal is still a wrap', () => {
    const path = join(dir, 'journal.jsonl');
    const wide = cycle(1, 1);
    const narrow: PendingCycle = {
      ...wide,
      devices: wide.devices.map((d) => ({
        ...d,
        counters: { rxBytes: 5n, txBytes: 6n, uptime: 7, wraps32: true },
      })),
    };
    new CycleJournal({ path, log: () => {} }).append(narrow);
    expect(new CycleJournal({ path, log: () => {} }).first()).toEqual(narrow);
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

  it('moves damaged lines aside when read (bad or future date, null or repeated MAC, huge uptime, not JSON), keeping the rest', () => {
    const path = join(dir, 'journal.jsonl');
    const journal = new CycleJournal({ path, log: () => {} });
    journal.append(cycle(1));
    const good = readFileSync(path, 'utf8').trim();
    const poisoned = [
      good
        .replace('"cycle-1"', '"bad-date"')
        .replace(/"at":"[^"]+"/, '"at":"2026-13-45T99:00:00Z"'),
      good.replace('"cycle-1"', '"null-mac"').replace('"AA:00:00:00:00:00"', 'null'),
      good.replace('"cycle-1"', '"uptime"').replace(/,1,1\.5,/, ',1e30,1.5,'),
      'this is not json',
      good
        .replace('"cycle-1"', '"future"')
        .replace(/"at":"[^"]+"/, '"at":"9999-12-31T23:59:59.000Z"'),
      (() => {
        const twice = JSON.parse(good.replace('"cycle-1"', '"twice"'));
        twice.devices.push(twice.devices[0]);
        return JSON.stringify(twice);
      })(),
    ];
    expect(new Set(poisoned).size).toBe(6);
    appendFileSync(path, `${poisoned.join('\n')}\n`);
    journal.append(cycle(2));
    const log: string[] = [];
    const reopened = new CycleJournal({ path, log: (line) => log.push(line) });
    expect(reopened.length).toBe(2);
    expect(reopened.first()).toEqual(cycle(1));
    reopened.dropFirst();
    expect(reopened.first()).toEqual(cycle(2));
    expect(log.join('\n')).toMatch(
      /🛑 .*6 damaged line\(s\) cannot be written \(the date .* is not usable, …\)\. They were moved aside to .*journal\.dead-letter\.jsonl/,
    );
    const aside = readFileSync(reopened.deadLetter.path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(aside.map((entry) => entry.cycle)).toEqual(poisoned);
    expect(aside.map((entry) => entry.reason)).toEqual([
      'unusable journal line: the date "2026-13-45T99:00:00Z" is not usable',
      'unusable journal line: bad device (MAC null)',
      'unusable journal line: bad device (AA:00:00:00:00:00: uptime 1e+30 is out of range)',
      'unusable journal line: the line is not JSON',
      'unusable journal line: the date 9999-12-31T23:59:59.000Z is in the future',
      'unusable journal line: the MAC AA:00:00:00:00:00 appears twice',
    ]);
    // The journal file no longer holds them.
    expect(new CycleJournal({ path, log: () => {} }).length).toBe(2);
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
