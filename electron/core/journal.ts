import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { DeviceReading } from '../../shared/types';

/** A poll not written to the database yet: the raw readings, so a replay measures it exactly. */
export interface PendingCycle {
  /** The cycle's identity in `poll_cycles`: a replay of a written cycle is refused there. */
  id: string;
  at: Date;
  devices: DeviceReading[];
  /**
   * Which copy polled it, its place in that copy's polls, that copy's monotonic time and the
   * source polled: a replay is ordered and measured by these, never by the wall clock alone.
   * Absent in lines written before they were kept.
   */
  origin?: PollOrigin;
}

/** Where a poll came from: see PendingCycle.origin. */
export interface PollOrigin {
  copy: string;
  sequence: number;
  monotonicMs: number;
  source: string;
}

/** 7 days of one-minute polls of 100 routers. */
export const DEFAULT_JOURNAL_LIMIT = 7 * 24 * 60 * 100;

type EncodedDevice = [
  mac: string,
  name: string,
  ip: string | null,
  brand: string | null,
  location: string | null,
  rx: string | null,
  tx: string | null,
  uptime: number | null,
  down: number | null,
  up: number | null,
  latency: number | null,
  model?: string | null,
];

function encode(cycle: PendingCycle): string {
  const devices = cycle.devices.map(({ identity: i, counters: c, throughput: t }) => [
    i.mac,
    i.name,
    i.ip,
    i.brand,
    i.location,
    c === null ? null : String(c.rxBytes),
    c === null ? null : String(c.txBytes),
    c?.uptime ?? null,
    t.downloadMbps,
    t.uploadMbps,
    t.latencyMs,
    i.model ?? null,
  ]);
  const o = cycle.origin;
  const origin = o === undefined ? undefined : [o.copy, o.sequence, o.monotonicMs, o.source];
  return JSON.stringify({ id: cycle.id, at: cycle.at.toISOString(), devices, origin });
}

function decode(line: string): PendingCycle {
  const raw = JSON.parse(line) as {
    id: string;
    at: string;
    devices: EncodedDevice[];
    origin?: [copy: string, sequence: number, monotonicMs: number, source: string];
  };
  const origin = raw.origin;
  return {
    id: raw.id,
    at: new Date(raw.at),
    ...(origin === undefined
      ? {}
      : {
          origin: {
            copy: origin[0],
            sequence: origin[1],
            monotonicMs: origin[2],
            source: origin[3],
          },
        }),
    devices: raw.devices.map(
      ([mac, name, ip, brand, location, rx, tx, uptime, down, up, lat, model]) => ({
        identity: { mac, name, ip, brand, location, model: model ?? null },
        counters:
          rx === null || tx === null ? null : { rxBytes: BigInt(rx), txBytes: BigInt(tx), uptime },
        throughput: { downloadMbps: down, uploadMbps: up, latencyMs: lat },
      }),
    ),
  };
}

/** Devices in a line, or null when the line cannot be read back. */
function devicesIn(line: string): number | null {
  try {
    return decode(line).devices.length;
  } catch {
    return null;
  }
}

export interface JournalOptions {
  path: string;
  /** Device readings kept at most; past it, every second waiting cycle is dropped. */
  limit?: number;
  log?: (line: string) => void;
}

/**
 * Cycles waiting for the database, in poll order, on disk. Each append is flushed to disk
 * before the poll counts as kept, so a crash loses at most the cycle being written (and a
 * torn last line is dropped on open: that poll was never acknowledged). Replayed cycles are
 * removed from the file in batches; one replayed twice after a crash is refused by the
 * database, so removal need not be atomic with the replay.
 */
export class CycleJournal {
  private lines: string[] = [];
  private readingCounts: number[] = [];
  private readings = 0;
  readonly limit: number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: JournalOptions) {
    this.limit = options.limit ?? DEFAULT_JOURNAL_LIMIT;
    this.log = options.log ?? ((line) => console.log(line));
    mkdirSync(dirname(options.path), { recursive: true });
    if (!existsSync(options.path)) return;
    const text = readFileSync(options.path, 'utf8');
    const lines = text.split('\n').filter((line) => line !== '');
    let valid = 0;
    for (const line of lines) {
      const count = devicesIn(line);
      if (count === null) continue;
      this.push(line, count);
      valid += 1;
    }
    if (valid !== lines.length || (text !== '' && !text.endsWith('\n'))) {
      // A line torn by a crash mid-write: that poll was never acknowledged, so dropping it
      // loses nothing (the next poll measures from the one before).
      this.log(
        `Journal ${options.path}: dropped ${lines.length - valid} unreadable line(s) left by an interrupted write.`,
      );
      this.rewrite();
    }
  }

  get path(): string {
    return this.options.path;
  }

  /** Cycles waiting. */
  get length(): number {
    return this.lines.length;
  }

  get readingCount(): number {
    return this.readings;
  }

  /** Appends and flushes one cycle; makes room first when the limit would be passed. */
  append(cycle: PendingCycle): void {
    const line = encode(cycle);
    if (this.readings + cycle.devices.length > this.limit && this.lines.length > 1) this.thin();
    const fd = openSync(this.options.path, 'a');
    try {
      writeSync(fd, `${line}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.push(line, cycle.devices.length);
  }

  first(): PendingCycle | undefined {
    const line = this.lines[0];
    return line === undefined ? undefined : decode(line);
  }

  /** Forgets the oldest cycle in memory; `flush` makes the file agree. */
  dropFirst(): void {
    this.lines.shift();
    this.readings -= this.readingCounts.shift() ?? 0;
  }

  /** Writes the remaining cycles back (atomically: a crash leaves the old or the new file). */
  flush(): void {
    this.rewrite();
  }

  private push(line: string, count: number): void {
    this.lines.push(line);
    this.readingCounts.push(count);
    this.readings += count;
  }

  /**
   * Drops every second waiting cycle (never the newest). The next kept cycle is measured from
   * the one before the dropped one, so totals stay exact; what is lost is the detail of the
   * dropped polls (their snapshots and legacy log rows) and traffic before a reboot among them.
   */
  private thin(): void {
    const before = this.lines.length;
    const keep = (_: unknown, index: number) => index % 2 === 1 || index === before - 1;
    this.lines = this.lines.filter(keep);
    this.readingCounts = this.readingCounts.filter(keep);
    this.readings = this.readingCounts.reduce((a, b) => a + b, 0);
    this.rewrite();
    this.log(
      `⚠️ JOURNAL FULL: ${this.options.path} reached its limit of ${this.limit.toLocaleString('en-US')} device readings. ` +
        `Dropped ${before - this.lines.length} of ${before} waiting cycles (every second one). Totals stay exact, ` +
        'but those polls lose their snapshots and log rows, and traffic just before a reboot among them is not counted. ' +
        'Bring the database back, or raise the limit (--journal-limit).',
    );
  }

  private rewrite(): void {
    const temporary = `${this.options.path}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      if (this.lines.length > 0) writeSync(fd, `${this.lines.join('\n')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.options.path);
  }
}
