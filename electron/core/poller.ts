import { randomUUID } from 'node:crypto';
import type { RouterIdentity } from '../../shared/types';
import { clockStamp, cycleSummary, describeCycle, printable } from './console-report';
import { CycleAlreadyRecorded, type CycleRecorder, type RecordedCycle } from './cycle-recorder';
import type { WriterRole } from './db/writer-lock';
import type { CycleJournal, PendingCycle } from './journal';
import { OutageLog } from './outage';
import { type DeviceSource, SourceError } from './sources/device-source';
import { BandwidthTracker, DEFAULT_LIMITS, type TrackerLimits } from './tracker';

export type CycleOutcome =
  /** Written to the database (with every cycle that was waiting before it). */
  | { kind: 'recorded'; cycle: RecordedCycle }
  /** Kept in the journal; `error` is why it was not written, `waiting` how many cycles are. */
  | { kind: 'journaled'; cycle: RecordedCycle; error: unknown; waiting: number }
  | { kind: 'source-failed'; error: SourceError }
  /** Not written and no journal: the next cycle that saves counts its traffic. */
  | { kind: 'database-failed'; error: unknown }
  /** Another copy holds the writer lock: this one polled nothing. */
  | { kind: 'reader' };

/** The part of the writer lock the poller needs. */
export interface WriterCheck {
  check(): Promise<{ role: WriterRole; gained: boolean; error: unknown }>;
}

/** First retry after a failed fetch; doubled each time, capped at the poll interval. */
export const FIRST_RETRY_MS = 1_000;

export interface PollerOptions {
  source: DeviceSource;
  recorder: CycleRecorder;
  intervalMs: number;
  /** Turns a write error into a sentence (MySQL's errors need the target to be helpful). */
  describeDatabaseError: (error: unknown) => string;
  /** Cycles the database could not take wait here, on disk, and are replayed in order. */
  journal?: CycleJournal;
  /** Only the copy holding the lock polls and writes. */
  writerLock?: WriterCheck;
  /** For the live view of a journaled cycle: the id of a router the recorder has not written. */
  routerIdOf?: (mac: string) => number | undefined;
  limits?: TrackerLimits;
  now?: () => Date;
  log?: (line: string) => void;
  /** Log only each cycle's summary line, not one line per device. */
  quiet?: boolean;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Called after every cycle, whatever its outcome: the tray and the UI hang off this. */
  onCycle?: (outcome: CycleOutcome) => void;
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Fetch → validate → track → write (or journal) → report, every interval. */
export class Poller {
  private readonly sourceOutage: OutageLog;
  private readonly databaseOutage = new OutageLog('MySQL');
  private readonly now: () => Date;
  private readonly log: (line: string) => void;
  /** Baselines of the live view, by MAC: they follow every poll, written or journaled. */
  private readonly display: BandwidthTracker<string>;
  private role: WriterRole | null = null;
  private sourceFailures = 0;
  /** Why the writer lock's connection broke, while this copy journals without it. */
  private offlineError: unknown = null;

  constructor(private readonly options: PollerOptions) {
    this.sourceOutage = new OutageLog(`The ${options.source.description}`);
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? ((line) => console.log(line));
    this.display = new BandwidthTracker<string>(options.limits ?? DEFAULT_LIMITS);
  }

  async pollOnce(): Promise<CycleOutcome> {
    const outcome = await this.attempt();
    this.options.onCycle?.(outcome);
    return outcome;
  }

  private async attempt(): Promise<CycleOutcome> {
    const { source, recorder, journal } = this.options;
    const role = await this.checkRole();
    if (role === 'reader') return { kind: 'reader' };

    let payload: Awaited<ReturnType<DeviceSource['fetchDevices']>>;
    try {
      payload = await source.fetchDevices();
    } catch (error) {
      const sourceError =
        error instanceof SourceError ? error : new SourceError(String(error), 'unreachable');
      const at = this.now();
      const line = this.sourceOutage.failure(sourceError.message, at);
      if (line !== null) {
        this.log(
          `${clockStamp(at)} ❌ ${line}. Retrying with backoff, at most every ${this.intervalText()}.`,
        );
      }
      return { kind: 'source-failed', error: sourceError };
    }
    const at = this.now();
    this.report(this.sourceOutage.success(at), at, '✅');
    for (const problem of payload.problems) {
      this.log(
        `${clockStamp(at)} ⚠️ Skipped ${printable(problem.device)}: ${printable(problem.reason)}`,
      );
    }
    const pending: PendingCycle = { id: randomUUID(), at, devices: payload.devices };

    let error: unknown = null;
    if (journal === undefined || (journal.length === 0 && role === 'writer')) {
      try {
        const cycle = await recorder.record(pending.devices, at, pending.id);
        this.report(this.databaseOutage.success(this.now()), at, '✅');
        this.followDisplay(cycle);
        this.logCycle(cycle);
        return { kind: 'recorded', cycle };
      } catch (caught) {
        error = caught;
        this.reportDatabaseFailure(caught, at);
        if (journal === undefined) return { kind: 'database-failed', error: caught };
      }
    }
    // Waiting cycles go first: this one joins the queue, then the queue is replayed in order.
    try {
      journal.append(pending);
    } catch (appendError) {
      this.log(
        `${clockStamp(at)} ❌ Could not keep this cycle in the journal ${journal.path} (${String(appendError)}): its traffic is counted by the next cycle that is kept.`,
      );
      return { kind: 'database-failed', error: error ?? appendError };
    }
    const cycle = this.displayCycle(pending);
    // Straight after a failed write the database is not tried again in the same cycle.
    if (role === 'writer' && error === null) error = await this.replay(journal);
    else if (role !== 'writer')
      error ??= this.offlineError ?? new Error('this copy is waiting to get the writer lock back');
    this.logCycle(cycle);
    return { kind: 'journaled', cycle, error, waiting: journal.length };
  }

  /** Writes waiting cycles in order for up to half an interval; returns the error that stopped it. */
  private async replay(journal: CycleJournal): Promise<unknown> {
    const deadline = Date.now() + Math.max(this.options.intervalMs / 2, 1_000);
    let written = 0;
    let already = 0;
    let failure: unknown = null;
    while (journal.length > 0) {
      const next = journal.first();
      if (next === undefined) break;
      try {
        await this.options.recorder.record(next.devices, next.at, next.id);
        written += 1;
      } catch (error) {
        if (!(error instanceof CycleAlreadyRecorded)) {
          failure = error;
          break;
        }
        // Written before a crash that kept it in the journal: not counted again.
        already += 1;
      }
      journal.dropFirst();
      if (Date.now() > deadline) break;
    }
    if (written + already > 0) {
      journal.flush();
      const at = this.now();
      this.report(this.databaseOutage.success(at), at, '✅');
      this.log(
        `${clockStamp(at)} ↩️ Replayed ${written} waiting cycle(s) from the journal${already > 0 ? ` (${already} already written, skipped)` : ''}; ${journal.length} still waiting.`,
      );
    }
    if (failure !== null) this.reportDatabaseFailure(failure, this.now());
    return failure;
  }

  private async checkRole(): Promise<WriterRole> {
    const lock = this.options.writerLock;
    if (lock === undefined) return 'writer';
    const { role, gained, error } = await lock.check();
    if (role === 'writer-offline' && error !== null) {
      this.offlineError = error;
      this.reportDatabaseFailure(error, this.now());
    }
    if (gained) {
      // Another copy may have written meanwhile: measure from what the database has.
      this.options.recorder.forget();
      this.log(`${clockStamp(this.now())} ✍️ This copy is now the writer for this database.`);
    } else if (role === 'reader' && this.role !== 'reader') {
      this.log(
        `${clockStamp(this.now())} 👀 Another copy is writing to this database: this one shows its figures and takes over if it stops.`,
      );
    }
    this.role = role;
    return role;
  }

  /** The live view of a cycle that only reached the journal. */
  private displayCycle(pending: PendingCycle): RecordedCycle {
    const tracked: RecordedCycle['tracked'] = [];
    const untracked: RouterIdentity[] = [];
    for (const device of pending.devices) {
      const { identity, counters, rates } = device;
      if (counters === null) {
        untracked.push(identity);
        continue;
      }
      const previous = this.display.get(identity.mac) ?? null;
      const delta = this.display.computeDelta(identity.mac, counters, pending.at);
      this.display.accept(identity.mac, { ...counters, at: pending.at });
      const routerId =
        this.options.recorder.routerIdOf(identity.mac) ?? this.options.routerIdOf?.(identity.mac);
      // A router first seen during the outage gets its id, and its live row, once replayed.
      if (routerId !== undefined) {
        tracked.push({ routerId, identity, counters, delta, previous, rates });
      }
    }
    return { at: pending.at, tracked, untracked, stale: [], roundTrips: 0 };
  }

  private followDisplay(cycle: RecordedCycle): void {
    for (const t of cycle.tracked)
      this.display.accept(t.identity.mac, { ...t.counters, at: cycle.at });
  }

  private logCycle(cycle: RecordedCycle): void {
    const lines = this.options.quiet === true ? [cycleSummary(cycle)] : describeCycle(cycle);
    for (const line of lines) this.log(line);
  }

  private reportDatabaseFailure(error: unknown, at: Date): void {
    const line = this.databaseOutage.failure(this.options.describeDatabaseError(error), at);
    if (line === null) return;
    this.log(
      this.options.journal === undefined
        ? `${clockStamp(at)} ❌ Could not save this cycle: ${line}. Nothing counted is lost: the next cycle that saves counts the traffic since the last saved one.`
        : `${clockStamp(at)} ❌ Could not save this cycle: ${line}. Cycles wait in the journal ${this.options.journal.path} and are written in order once the database is back.`,
    );
  }

  /** Polls every interval until `cycles` attempts are done or `signal` aborts; a cycle in progress finishes first. */
  async run(
    options: { cycles?: number; signal?: AbortSignal; isPaused?: () => boolean } = {},
  ): Promise<number> {
    const signal = options.signal ?? new AbortController().signal;
    const sleep = this.options.sleep ?? abortableSleep;
    let done = 0;
    while (!signal.aborted && (options.cycles === undefined || done < options.cycles)) {
      const started = Date.now();
      if (options.isPaused?.() === true) {
        await sleep(this.options.intervalMs, signal);
        continue;
      }
      const outcome = await this.pollOnce();
      done += 1;
      if (options.cycles !== undefined && done >= options.cycles) break;
      await sleep(this.nextWait(outcome, Date.now() - started), signal);
    }
    return done;
  }

  /**
   * Fixed rate: the next cycle starts one interval after this one started, never in a burst.
   * After a failed fetch, sooner: 1 s, 2 s, 4 s… up to the interval, or when a 429 says.
   */
  private nextWait(outcome: CycleOutcome, elapsed: number): number {
    const interval = this.options.intervalMs;
    if (outcome.kind !== 'source-failed') {
      this.sourceFailures = 0;
      return Math.max(0, interval - elapsed);
    }
    this.sourceFailures += 1;
    const backoff = Math.min(interval, FIRST_RETRY_MS * 2 ** (this.sourceFailures - 1));
    return Math.max(0, backoff - elapsed, outcome.error.retryAfterMs ?? 0);
  }

  private report(line: string | null, at: Date, icon: string): void {
    if (line !== null) this.log(`${clockStamp(at)} ${icon} ${line}`);
  }

  private intervalText(): string {
    return `${this.options.intervalMs / 1000} s`;
  }
}
