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
import { normalizeMac } from '../../shared/mac';
import type { DeviceReading } from '../../shared/types';
import { DeadLetterFile, deadLetterPathFor } from './dead-letter';
import { MAX_COUNTER } from './payload';

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
  /** 1 when the counters are 32-bit (a wrap is counted modulo 2^32 on replay too); else 0 or absent. */
  wraps32?: 1 | 0,
  /** The controller site, when the source has sites. */
  site?: string | null,
  /** The source of this reading, when several are polled at once. */
  source?: string | null,
];

function encode(cycle: PendingCycle): string {
  const devices = cycle.devices.map(({ identity: i, counters: c, throughput: t, source }) => [
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
    // Site and source only when known, so a one-source journal keeps its short lines.
    ...(i.site != null || source !== undefined
      ? [c?.wraps32 === true ? 1 : 0, i.site ?? null, source ?? null]
      : c?.wraps32 === true
        ? [1]
        : []),
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
      ([
        mac,
        name,
        ip,
        brand,
        location,
        rx,
        tx,
        uptime,
        down,
        up,
        lat,
        model,
        wraps32,
        site,
        source,
      ]) => ({
        ...(typeof source === 'string' ? { source } : {}),
        identity: {
          mac,
          name,
          ip,
          brand,
          location,
          model: model ?? null,
          ...(typeof site === 'string' ? { site } : {}),
        },
        counters:
          rx === null || tx === null
            ? null
            : {
                rxBytes: BigInt(rx),
                txBytes: BigInt(tx),
                uptime,
                ...(wraps32 === 1 ? { wraps32: true } : {}),
              },
        throughput: { downloadMbps: down, uploadMbps: up, latencyMs: lat },
      }),
    ),
  };
}

/** Column widths of `routers`, in characters. */
const TEXT_WIDTHS = {
  name: 255,
  ip: 45,
  brand: 100,
  location: 255,
  model: 100,
  site: 255,
  source: 255,
} as const;
const COUNTER = /^\d{1,19}$/;

function textProblem(value: unknown, field: keyof typeof TEXT_WIDTHS, required: boolean) {
  if (value === null || value === undefined) return required ? `${field} is missing` : null;
  if (typeof value !== 'string') return `${field} is not text`;
  return [...value].length > TEXT_WIDTHS[field] ? `${field} is too long` : null;
}

function numberProblem(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' && Number.isFinite(value) ? null : `${field} is not a number`;
}

/** Why a device of a journal line cannot be written, or null. */
function deviceProblem(device: unknown): string | null {
  if (!Array.isArray(device)) return 'a device is not a list';
  const [mac, name, ip, brand, location, rx, tx, uptime, down, up, latency, model, , site, source] =
    device;
  if (typeof mac !== 'string' || normalizeMac(mac) !== mac) return `MAC ${JSON.stringify(mac)}`;
  for (const [value, field] of [
    [rx, 'rx'],
    [tx, 'tx'],
  ] as const) {
    if (value === null) continue;
    if (typeof value !== 'string' || !COUNTER.test(value) || BigInt(value) > MAX_COUNTER) {
      return `${mac}: ${field} counter ${JSON.stringify(value)} is not a counter`;
    }
  }
  if ((rx === null) !== (tx === null)) return `${mac}: only one counter`;
  if (uptime !== null && (!Number.isSafeInteger(uptime) || (uptime as number) < 0)) {
    return `${mac}: uptime ${JSON.stringify(uptime)} is out of range`;
  }
  const problem =
    textProblem(name, 'name', true) ??
    textProblem(ip, 'ip', false) ??
    textProblem(brand, 'brand', false) ??
    textProblem(location, 'location', false) ??
    textProblem(model, 'model', false) ??
    textProblem(site, 'site', false) ??
    textProblem(source, 'source', false) ??
    numberProblem(down, 'xput_down') ??
    numberProblem(up, 'xput_up') ??
    numberProblem(latency, 'latency');
  return problem === null ? null : `${mac}: ${problem}`;
}

/**
 * A journal line checked before it is trusted: a damaged or tampered line (a bad date, a null
 * MAC, a value no column holds) must not block every cycle queued behind it.
 */
/** How far ahead of this machine's clock a journaled cycle may be dated. */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

export function checkJournalLine(
  line: string,
  now: Date = new Date(),
): { ok: true; devices: number } | { ok: false; reason: string; parsed: boolean } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'the line is not JSON', parsed: false };
  }
  const cycle = raw as { id?: unknown; at?: unknown; devices?: unknown };
  if (typeof raw !== 'object' || raw === null) {
    return { ok: false, reason: 'the line is not a cycle', parsed: true };
  }
  if (typeof cycle.id !== 'string' || cycle.id === '' || cycle.id.length > 36) {
    return { ok: false, reason: 'the cycle id is missing or too long', parsed: true };
  }
  const at = typeof cycle.at === 'string' ? new Date(cycle.at) : null;
  const year = at?.getUTCFullYear() ?? Number.NaN;
  if (at === null || !(year >= 1970 && year <= 9999)) {
    return {
      ok: false,
      reason: `the date ${JSON.stringify(cycle.at)} is not usable`,
      parsed: true,
    };
  }
  // This machine wrote the line, so it cannot be from its future (a day of slack for a clock
  // corrected since): a reading stamped years ahead would outrank every later real one.
  if (at.getTime() > now.getTime() + FUTURE_SLACK_MS) {
    return { ok: false, reason: `the date ${cycle.at} is in the future`, parsed: true };
  }
  if (!Array.isArray(cycle.devices)) {
    return { ok: false, reason: 'the device list is missing', parsed: true };
  }
  const macs = new Set<unknown>();
  for (const device of cycle.devices) {
    const problem = deviceProblem(device);
    if (problem !== null) return { ok: false, reason: `bad device (${problem})`, parsed: true };
    // The parser folds duplicates before a cycle is journaled: a repeated MAC is tampering.
    const mac = (device as unknown[])[0];
    if (macs.has(mac)) return { ok: false, reason: `the MAC ${mac} appears twice`, parsed: true };
    macs.add(mac);
  }
  return { ok: true, devices: cycle.devices.length };
}

export interface JournalOptions {
  path: string;
  /** Where unwritable cycles are moved aside; beside the journal by default. */
  deadLetterPath?: string;
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
  /** Where cycles the database refuses for good are kept, with the error. */
  readonly deadLetter: DeadLetterFile;
  /** Cycles dropped because the journal was full, since this copy started. */
  droppedCycles = 0;

  constructor(private readonly options: JournalOptions) {
    this.limit = options.limit ?? DEFAULT_JOURNAL_LIMIT;
    this.log = options.log ?? ((line) => console.log(line));
    this.deadLetter = new DeadLetterFile(options.deadLetterPath ?? deadLetterPathFor(options.path));
    mkdirSync(dirname(options.path), { recursive: true });
    if (!existsSync(options.path)) return;
    const text = readFileSync(options.path, 'utf8');
    const lines = text.split('\n').filter((line) => line !== '');
    let torn = 0;
    const refused: string[] = [];
    lines.forEach((line, index) => {
      const checked = checkJournalLine(line);
      if (checked.ok) {
        this.push(line, checked.devices);
      } else if (!checked.parsed && index === lines.length - 1) {
        // A line torn by a crash mid-write: that poll was never acknowledged, so dropping it
        // loses nothing (the next poll measures from the one before).
        torn += 1;
      } else {
        this.deadLetter.add(line, `unusable journal line: ${checked.reason}`, new Date());
        refused.push(checked.reason);
      }
    });
    if (torn > 0) {
      this.log(
        `Journal ${options.path}: dropped ${torn} unreadable line(s) left by an interrupted write.`,
      );
    }
    if (refused.length > 0) {
      this.log(
        `🛑 Journal ${options.path}: ${refused.length} damaged line(s) cannot be written (${refused[0]}${refused.length > 1 ? ', …' : ''}). ` +
          `They were moved aside to ${this.deadLetter.path}; the other cycles are written as usual.`,
      );
    }
    if (torn > 0 || refused.length > 0 || (text !== '' && !text.endsWith('\n'))) this.rewrite();
  }

  /** Keeps a cycle the database refused for good in the dead-letter file (throws if that fails). */
  setAside(cycle: PendingCycle | string, reason: string, at: Date): void {
    this.deadLetter.add(typeof cycle === 'string' ? cycle : encode(cycle), reason, at);
  }

  /** The oldest waiting cycle as stored, for `setAside`. */
  firstLine(): string | undefined {
    return this.lines[0];
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
    this.droppedCycles += before - this.lines.length;
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
