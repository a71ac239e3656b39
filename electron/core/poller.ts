import { randomUUID } from 'node:crypto';
import type { DeviceReading, RouterIdentity } from '../../shared/types';
import { ClockStepWatch } from './clock-step';
import { clockStamp, cycleSummary, describeCycle, printable } from './console-report';
import {
  CycleAlreadyRecorded,
  type CycleRecorder,
  type PreparedCycle,
  type RecordedCycle,
  WriterLockBroken,
  WriterLockLost,
} from './cycle-recorder';
import type { WriterRole } from './db/writer-lock';
import { isUnfixableWriteError } from './dead-letter';
import type { CycleJournal, PendingCycle, PollOrigin } from './journal';
import { OutageLog } from './outage';
import type { ParsedPayload, UnansweredPart } from './payload';
import { type DeviceSource, SourceError } from './sources/device-source';
import { MAX_RETRY_AFTER_MS } from './sources/retry-after';
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
  | { kind: 'reader' }
  /**
   * Refused by the database for a reason retrying cannot fix: moved aside to the dead-letter
   * file (`movedTo`), or, without a journal, not kept. The next cycle counts its traffic.
   */
  | { kind: 'refused'; error: unknown; movedTo: string | null };

/** Whether cycles are being committed (or kept to be): what the status must never hide. */
export interface RecordingHealth {
  /** Since when cycles are neither committed nor kept; null while they are. */
  notRecordingSince: Date | null;
  reason: string | null;
  /** Cycles moved aside to the dead-letter file since this copy started, and where. */
  movedAside: number;
  deadLetterPath: string | null;
  /** MAC collisions of the last poll: devices left uncounted. */
  collisions: string[];
  /** Sources (or sites) that did not answer the last poll while others did, one sentence each. */
  partsDown?: string[];
}

/** The part of the writer lock the poller needs. */
export interface WriterCheck {
  check(): Promise<{ role: WriterRole; gained: boolean; error: unknown; reconnected?: boolean }>;
  /** A commit found the lock gone: this copy reads until it can claim it again. */
  demote?(): void;
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
  /** The wall clock: when readings happened, for snapshots, rollups and log lines. */
  now?: () => Date;
  /**
   * A clock that never steps (milliseconds, default `performance.now()`): every wait and
   * deadline, and the time between two polls of this copy, are measured on it.
   */
  monotonic?: () => number;
  /** This copy's identity in the stored order of readings (default: a new random id). */
  copyId?: string;
  /** What the counters come from, stored with them (default: the source's description). */
  sourceIdentity?: string;
  /** Receives one entry at a time; a cycle's device lines come as one entry joined by `\n`. */
  log?: (line: string) => void;
  /** Log only each cycle's summary line, not one line per device. */
  quiet?: boolean;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Called after every cycle, whatever its outcome: the tray and the UI hang off this. */
  onCycle?: (outcome: CycleOutcome) => void;
  /**
   * Awaited after a cycle is committed, before the next poll, with what the source answered:
   * quota and offline checks read the committed rollups here.
   */
  afterCommit?: (
    cycle: RecordedCycle,
    devices: readonly DeviceReading[],
    unanswered: readonly UnansweredPart[],
  ) => Promise<void>;
}

function monotonicOf(origin: PollOrigin | undefined) {
  return origin === undefined ? null : { copy: origin.copy, ms: origin.monotonicMs };
}

/** A poll fetched and validated, waiting to be written; or a poll that ended there. */
type Fetched = { lines: string[] } & (
  | { outcome: CycleOutcome }
  | {
      role: WriterRole;
      id: string;
      at: Date;
      origin: PollOrigin;
      payload: ParsedPayload;
      /** Tracked ahead, while the cycle before it was being committed (see `prepareAhead`). */
      prepared?: PreparedCycle | null;
    }
);

/** A cycle written (or kept), with its held lines and, when committed now, what comes next. */
interface Committed {
  outcome: CycleOutcome;
  lines: string[];
  recorded?: {
    cycle: RecordedCycle;
    devices: readonly DeviceReading[];
    unanswered: readonly UnansweredPart[];
  };
}

/** Skipped devices named in the log per poll; the rest are counted in one line. */
export const MAX_PROBLEM_LINES = 20;

/** Node fires a timer longer than this at once (after 1 ms), so longer waits go in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export async function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  let left = Number.isFinite(ms) ? Math.max(0, ms) : MAX_TIMER_MS;
  do {
    const step = Math.min(left, MAX_TIMER_MS);
    await sleepOnce(step, signal);
    left -= step;
  } while (left > 0 && !signal.aborted);
}

function sleepOnce(ms: number, signal: AbortSignal): Promise<void> {
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
  private readonly databaseOutage: OutageLog;
  private readonly now: () => Date;
  private readonly monotonic: () => number;
  private readonly copyId: string;
  /** Polls of this copy, in order: what orders its readings, whatever the wall clock does. */
  private sequence = 0;
  private readonly clockSteps = new ClockStepWatch();
  /** Where lines go (the console by default). */
  private readonly output: (line: string) => void;
  /** Lines of the commit in progress, said once the cycle before it has said its own. */
  private held: string[] | null = null;
  /** Baselines of the live view, by MAC: they follow every poll, written or journaled. */
  private readonly display: BandwidthTracker<string>;
  private role: WriterRole | null = null;
  private sourceFailures = 0;
  /** Why the writer lock's connection broke, while this copy journals without it. */
  private offlineError: unknown = null;
  private notRecording: { since: Date; reason: string } | null = null;
  private collisions: string[] = [];
  private partsDown: string[] = [];
  /** The writer lock was gained: the next write forgets what this copy wrote before. */
  private forgetOnWrite = false;
  /** The poll sequence of the last cycle the recorder tracked ahead of its commit. */
  private preparedThrough: number | null = null;

  constructor(private readonly options: PollerOptions) {
    this.now = options.now ?? (() => new Date());
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.sourceOutage = new OutageLog(`The ${options.source.description}`, this.monotonic);
    this.databaseOutage = new OutageLog('MySQL', this.monotonic);
    this.copyId = options.copyId ?? randomUUID();
    this.output = options.log ?? ((line) => console.log(line));
    this.display = new BandwidthTracker<string>(options.limits ?? DEFAULT_LIMITS);
  }

  /** One poll, written before it returns (no overlap with another cycle). */
  async pollOnce(): Promise<CycleOutcome> {
    const outcome = await this.finish(await this.commit(await this.fetch()));
    this.options.onCycle?.(outcome);
    return outcome;
  }

  /**
   * Tracks a fetched poll on top of the cycle being committed, while it commits: the tracking
   * is then off the path from one commit to the next. Only when that cycle was itself prepared
   * (its baselines are the ones this poll is measured from) and this poll will be recorded.
   */
  private prepareAhead(fetched: Fetched): void {
    if ('outcome' in fetched || fetched.role !== 'writer') return;
    if ((this.options.journal?.length ?? 0) > 0) return;
    if (this.preparedThrough !== fetched.origin.sequence - 1) return;
    fetched.prepared = this.options.recorder.prepare(
      fetched.payload.devices,
      fetched.at,
      fetched.id,
      { origin: fetched.origin, live: true },
    );
  }

  /** A poll tracked ahead that will not be recorded: what it took as written is forgotten. */
  private dropPrepared(fetched: Fetched): void {
    if ('outcome' in fetched) return;
    if (this.options.recorder.isCurrent(fetched.prepared ?? null))
      this.options.recorder.forgetBaselines();
    this.preparedThrough = null;
  }

  /** A line of the commit in progress is held until its turn; any other is said now. */
  private log(line: string): void {
    if (this.held === null) this.output(line);
    else this.held.push(line);
  }

  /**
   * The first half of a cycle: the writer-lock check, the fetch and the validation. Nothing
   * here touches the recorder, so it may run while the cycle before is being written; its log
   * lines are held in the result and said when the cycle is written, in poll order.
   */
  private async fetch(): Promise<Fetched> {
    const lines: string[] = [];
    const say = (line: string) => lines.push(line);
    const role = await this.checkRole(say);
    if (role === 'reader') return { outcome: { kind: 'reader' }, lines };
    let payload: ParsedPayload;
    try {
      payload = await this.options.source.fetchDevices();
    } catch (error) {
      const sourceError =
        error instanceof SourceError ? error : new SourceError(String(error), 'unreachable');
      const at = this.now();
      const line = this.sourceOutage.failure(sourceError.message);
      if (line !== null) {
        say(
          `${clockStamp(at)} ❌ ${line}. Retrying with backoff, at most every ${this.intervalText()}.`,
        );
      } else if ((sourceError.retryAfterMs ?? 0) >= MAX_RETRY_AFTER_MS) {
        // A capped Retry-After is always said, also in the middle of an outage.
        say(`${clockStamp(at)} ⏸️ ${sourceError.message}.`);
      }
      return { outcome: { kind: 'source-failed', error: sourceError }, lines };
    }
    const at = this.now();
    const origin = this.stamp(at, say);
    this.report(this.sourceOutage.success(), at, '✅', say);
    return { role, id: randomUUID(), at, origin, payload, lines };
  }

  /**
   * The second half: write the fetched cycle (or keep it in the journal). Its lines are held,
   * since the cycle before may still be saying its own (see `finish`).
   */
  private async commit(fetched: Fetched): Promise<Committed> {
    this.held = [...fetched.lines];
    try {
      const committed = await this.commitHeld(fetched);
      return { ...committed, lines: this.held };
    } finally {
      this.held = null;
    }
  }

  /**
   * The last part of a cycle, run while the next one is committed: its lines, its devices'
   * lines, the quota and offline checks. Cycles finish one at a time, in poll order.
   */
  private async finish(committed: Committed): Promise<CycleOutcome> {
    for (const line of committed.lines) this.output(line);
    if (committed.recorded !== undefined) {
      const { cycle, devices, unanswered } = committed.recorded;
      this.logCycle(cycle, this.output);
      await this.afterCommit(cycle, devices, unanswered);
    }
    return committed.outcome;
  }

  private async commitHeld(fetched: Fetched): Promise<Omit<Committed, 'lines'>> {
    if ('outcome' in fetched) return { outcome: fetched.outcome };
    const { at, origin, payload, role } = fetched;
    const { recorder, journal } = this.options;
    // The lock was lost while this poll was fetched (the cycle before found out at its
    // commit): the copy that holds it counts this traffic.
    if (this.role === 'reader') {
      this.dropPrepared(fetched);
      return { outcome: { kind: 'reader' } };
    }
    if (this.forgetOnWrite) {
      // Gained since the last write: another copy may have written meanwhile, so measure from
      // what the database has. Done here, between writes, never while one is running.
      this.forgetOnWrite = false;
      this.options.recorder.forget();
      this.preparedThrough = null;
    }
    // Named one by one up to a point: an answer of a million bad entries must not become a
    // million log lines every poll.
    for (const problem of payload.problems.slice(0, MAX_PROBLEM_LINES)) {
      this.log(
        `${clockStamp(at)} ⚠️ Skipped ${printable(problem.device)}: ${printable(problem.reason)}`,
      );
    }
    const unnamed = payload.problems.length - MAX_PROBLEM_LINES;
    if (unnamed > 0) {
      this.log(
        `${clockStamp(at)} ⚠️ Skipped ${unnamed.toLocaleString('en-US')} more device(s) this poll, not named one by one.`,
      );
    }
    this.collisions = payload.collisions ?? [];
    this.partsDown = payload.partsDown ?? [];
    // One source (or site) of several went down or came back: said once, by the source.
    for (const notice of payload.notices ?? []) this.log(`${clockStamp(at)} ${notice}`);
    const pending: PendingCycle = { id: fetched.id, at, devices: payload.devices, origin };

    let error: unknown = null;
    if (journal === undefined || (journal.length === 0 && role === 'writer')) {
      try {
        const context = { origin, live: true };
        let prepared = fetched.prepared ?? null;
        if (!recorder.isCurrent(prepared))
          prepared = recorder.prepare(pending.devices, at, pending.id, context);
        // The next poll may be tracked on top of this one while it commits (see `run`).
        this.preparedThrough = prepared === null ? null : origin.sequence;
        const cycle = await recorder.record(pending.devices, at, pending.id, context, prepared);
        this.report(this.databaseOutage.success(), at, '✅');
        this.recordingResumed(at);
        this.followDisplay(cycle, origin);
        return {
          outcome: { kind: 'recorded', cycle },
          recorded: { cycle, devices: pending.devices, unanswered: payload.unanswered ?? [] },
        };
      } catch (caught) {
        if (caught instanceof WriterLockLost) {
          this.lostLock(at);
          return { outcome: { kind: 'reader' } };
        }
        error = caught;
        if (isUnfixableWriteError(caught)) return { outcome: this.refuse(pending, caught) };
        this.reportDatabaseFailure(caught, at);
        if (journal === undefined) return { outcome: { kind: 'database-failed', error: caught } };
      }
    }
    this.dropPrepared(fetched);
    // Waiting cycles go first: this one joins the queue, then the queue is replayed in order.
    const droppedBefore = journal.droppedCycles;
    try {
      journal.append(pending);
    } catch (appendError) {
      this.log(
        `${clockStamp(at)} ❌ Could not keep this cycle in the journal ${journal.path} (${String(appendError)}): its traffic is counted by the next cycle that is kept.`,
      );
      this.notRecordingFrom(
        at,
        `the journal ${journal.path} cannot be written (${String(appendError)})`,
      );
      return { outcome: { kind: 'database-failed', error: error ?? appendError } };
    }
    if (journal.droppedCycles > droppedBefore) {
      this.notRecordingFrom(
        at,
        `the journal is full and drops waiting cycles (--journal-limit ${journal.limit.toLocaleString('en-US')})`,
      );
    }
    const cycle = this.displayCycle(pending);
    // Straight after a failed write the database is not tried again in the same cycle.
    if (role === 'writer' && error === null) error = await this.replay(journal);
    else if (role !== 'writer')
      error ??= this.offlineError ?? new Error('this copy is waiting to get the writer lock back');
    this.logCycle(cycle);
    return { outcome: { kind: 'journaled', cycle, error, waiting: journal.length } };
  }

  /** This poll's place in the copy's order, and a log line when the wall clock stepped. */
  private stamp(at: Date, say: (line: string) => void): PollOrigin {
    const monotonicMs = this.monotonic();
    const step = this.clockSteps.observe(at, monotonicMs);
    if (step !== null) say(`${clockStamp(at)} 🕰️ ${step}`);
    this.sequence += 1;
    return {
      copy: this.copyId,
      sequence: this.sequence,
      monotonicMs,
      source: this.options.sourceIdentity ?? this.options.source.description,
    };
  }

  /** The commit found the lock gone: rolled back, since the copy that holds it counts that traffic. */
  private lostLock(at: Date): void {
    this.options.writerLock?.demote?.();
    this.role = 'reader';
    this.log(
      `${clockStamp(at)} 👀 This copy lost the writer lock before it could save this cycle: rolled back, the copy that holds the lock counts that traffic.`,
    );
  }

  /** Writes waiting cycles in order for up to half an interval; returns the error that stopped it. */
  private async replay(journal: CycleJournal): Promise<unknown> {
    const deadline = this.monotonic() + Math.max(this.options.intervalMs / 2, 1_000);
    let written = 0;
    let already = 0;
    let movedAside = 0;
    let failure: unknown = null;
    while (journal.length > 0) {
      const next = journal.first();
      if (next === undefined) break;
      try {
        const replayed = await this.options.recorder.record(next.devices, next.at, next.id, {
          origin: next.origin,
        });
        this.logLeftOut(replayed);
        written += 1;
        this.recordingResumed(next.at);
      } catch (error) {
        if (error instanceof WriterLockLost) {
          // The cycles keep waiting, for when this copy writes again.
          this.lostLock(this.now());
          return error;
        }
        if (error instanceof CycleAlreadyRecorded) {
          // Written before a crash that kept it in the journal: not counted again.
          already += 1;
        } else if (isUnfixableWriteError(error)) {
          // Refused for good: set aside so the cycles behind it are written, measured from
          // the last committed one (so they count its traffic).
          try {
            this.setAside(journal, journal.firstLine() ?? '', next.at, error);
          } catch (asideError) {
            failure = asideError;
            break;
          }
          movedAside += 1;
        } else {
          failure = error;
          break;
        }
      }
      journal.dropFirst();
      if (this.monotonic() > deadline) break;
    }
    if (written + already + movedAside > 0) {
      journal.flush();
      const at = this.now();
      if (written + already > 0) this.report(this.databaseOutage.success(), at, '✅');
      this.log(
        `${clockStamp(at)} ↩️ Replayed ${written} waiting cycle(s) from the journal${already > 0 ? ` (${already} already written, skipped)` : ''}${movedAside > 0 ? ` (${movedAside} refused by the database, moved aside)` : ''}; ${journal.length} still waiting.`,
      );
    }
    if (failure !== null) this.reportDatabaseFailure(failure, this.now());
    return failure;
  }

  /** Recording health for the status: never "all is well" while cycles are lost from view. */
  recordingHealth(): RecordingHealth {
    const deadLetter = this.options.journal?.deadLetter ?? null;
    return {
      notRecordingSince: this.notRecording?.since ?? null,
      reason: this.notRecording?.reason ?? null,
      movedAside: deadLetter?.count ?? 0,
      deadLetterPath: deadLetter?.path ?? null,
      collisions: this.collisions,
      ...(this.partsDown.length > 0 ? { partsDown: this.partsDown } : {}),
    };
  }

  /** A cycle the database refused for good, straight from the poll. */
  private refuse(pending: PendingCycle, error: unknown): CycleOutcome {
    const journal = this.options.journal;
    if (journal === undefined) {
      this.notRecordingFrom(pending.at, `the database refused a cycle (${this.shortError(error)})`);
      this.reportDatabaseFailure(error, pending.at);
      return { kind: 'refused', error, movedTo: null };
    }
    try {
      this.setAside(journal, pending, pending.at, error);
    } catch (asideError) {
      // Cannot set it aside either: keep it in the journal like any failed write.
      this.reportDatabaseFailure(asideError, pending.at);
      try {
        journal.append(pending);
      } catch (appendError) {
        this.notRecordingFrom(
          pending.at,
          `neither the dead-letter file nor the journal can be written (${String(appendError)})`,
        );
        return { kind: 'database-failed', error };
      }
      return {
        kind: 'journaled',
        cycle: this.displayCycle(pending),
        error,
        waiting: journal.length,
      };
    }
    return { kind: 'refused', error, movedTo: journal.deadLetter.path };
  }

  /** Moves a cycle to the dead-letter file; loud on the first of a run of refusals. */
  private setAside(
    journal: CycleJournal,
    cycle: PendingCycle | string,
    at: Date,
    error: unknown,
  ): void {
    const reason = this.options.describeDatabaseError(error);
    journal.setAside(cycle, reason, this.now());
    const first = this.notRecording === null;
    this.notRecordingFrom(
      at,
      `the database refused a cycle (${this.shortError(error)}); it was moved aside to ${journal.deadLetter.path}`,
    );
    if (first) {
      this.log(
        `${clockStamp(this.now())} 🛑 THE DATABASE REFUSED THE CYCLE OF ${clockStamp(at).slice(1, -1)} for a reason retrying cannot fix: ${reason}. ` +
          `It was moved aside to ${journal.deadLetter.path}, with the error; recording goes on, and the next cycle that is written counts its traffic.`,
      );
    }
  }

  private notRecordingFrom(at: Date, reason: string): void {
    this.notRecording = { since: this.notRecording?.since ?? at, reason };
  }

  private recordingResumed(at: Date): void {
    if (this.notRecording === null) return;
    const since = this.notRecording.since;
    this.notRecording = null;
    this.log(
      `${clockStamp(at)} ✅ Recording again (cycles were not being written since ${clockStamp(since).slice(1, -1)}).`,
    );
  }

  private shortError(error: unknown): string {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : String(error);
    return typeof code === 'string' ? `${code}: ${message}` : message;
  }

  private async checkRole(say: (line: string) => void): Promise<WriterRole> {
    const lock = this.options.writerLock;
    if (lock === undefined) return 'writer';
    const { role, gained, error, reconnected } = await lock.check();
    if (role === 'writer-offline' && error !== null) {
      this.offlineError = error;
      this.reportDatabaseFailure(error, this.now(), say);
    }
    if (gained) {
      // Another copy may have written meanwhile: the next write measures from the database.
      this.forgetOnWrite = true;
      say(
        reconnected === true
          ? `${clockStamp(this.now())} 🔌 The connection holding this copy’s writer lock had been closed (killed or timed out) while MySQL kept answering: this copy holds the lock again on a new connection.`
          : `${clockStamp(this.now())} ✍️ This copy is now the writer for this database.`,
      );
    } else if (role === 'reader' && this.role !== 'reader') {
      say(
        `${clockStamp(this.now())} 👀 Another copy is writing to this database: this one shows its figures and takes over if it stops.`,
      );
    }
    this.role = role;
    return role;
  }

  /** The cycle is committed whatever the check does: a failing check is said, never retried as a write. */
  private async afterCommit(
    cycle: RecordedCycle,
    devices: readonly DeviceReading[],
    unanswered: readonly UnansweredPart[],
  ): Promise<void> {
    try {
      await this.options.afterCommit?.(cycle, devices, unanswered);
    } catch (error) {
      this.output(
        `${clockStamp(this.now())} ⚠️ Could not check quotas and offline routers after this cycle (${this.shortError(error)}); they are checked again after the next one.`,
      );
    }
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
      const monotonic = monotonicOf(pending.origin);
      const delta = this.display.computeDelta(identity.mac, counters, {
        at: pending.at,
        monotonic,
      });
      this.display.accept(identity.mac, { ...counters, at: pending.at, monotonic });
      const routerId =
        this.options.recorder.routerIdOf(identity.mac) ?? this.options.routerIdOf?.(identity.mac);
      // A router first seen during the outage gets its id, and its live row, once replayed.
      if (routerId !== undefined) {
        tracked.push({ routerId, identity, counters, delta, previous, rates });
      }
    }
    return { at: pending.at, tracked, untracked, stale: [], roundTrips: 0 };
  }

  private followDisplay(cycle: RecordedCycle, origin: PollOrigin): void {
    const monotonic = monotonicOf(origin);
    for (const t of cycle.tracked) {
      // The recorder's baseline holds the same counters and times: shared, not copied.
      this.display.accept(t.identity.mac, t.baseline ?? { ...t.counters, at: cycle.at, monotonic });
    }
  }

  private logCycle(cycle: RecordedCycle, say: (line: string) => void = (l) => this.log(l)): void {
    this.logLeftOut(cycle, say);
    // Quiet keeps the summary and what went wrong (reboots, counter restarts, glitches), not
    // the 📊 lines.
    const lines =
      this.options.quiet === true
        ? [
            ...describeCycle({
              ...cycle,
              tracked: cycle.tracked.filter(
                (t) => t.delta.kind !== 'delta' || t.delta.counterReset !== undefined,
              ),
            }).slice(0, -1),
            cycleSummary(cycle),
          ]
        : describeCycle(cycle);
    // One write per cycle, not one per device: 10,000 console calls cost more than the cycle.
    say(lines.join('\n'));
  }

  /** Readings not counted as deltas for a reason of their own: said also for replayed cycles. */
  private logLeftOut(cycle: RecordedCycle, say: (line: string) => void = (l) => this.log(l)): void {
    if (cycle.stale.length > 0) {
      say(
        `${clockStamp(cycle.at)} ↩️ Left out ${cycle.stale.length} replayed reading(s) older than the ones stored since (${cycle.stale.map((r) => printable(r.name)).join(', ')}): the stored readings' deltas cover that traffic.`,
      );
    }
    for (const change of cycle.newSource ?? []) {
      say(
        `${clockStamp(cycle.at)} 🔀 ${printable(change.identity.name)} (${change.identity.mac}): its counters now come from the ${printable(change.source)}, not the ${printable(change.storedSource)} that stored the last ones; new baseline, nothing counted for this poll.`,
      );
    }
  }

  private reportDatabaseFailure(
    error: unknown,
    at: Date,
    say: (line: string) => void = (l) => this.log(l),
  ): void {
    const line = this.databaseOutage.failure(
      this.options.describeDatabaseError(error),
      // MySQL did not go away: only the connection that held this copy's lock did.
      error instanceof WriterLockBroken
        ? 'This copy holds the writer lock again (its lock connection had been closed, while MySQL answered) and saves cycles again'
        : undefined,
    );
    if (line === null) return;
    say(
      this.options.journal === undefined
        ? `${clockStamp(at)} ❌ Could not save this cycle: ${line}. Nothing counted is lost: the next cycle that saves counts the traffic since the last saved one.`
        : `${clockStamp(at)} ❌ Could not save this cycle: ${line}. Cycles wait in the journal ${this.options.journal.path} and are written in order once the database is back.`,
    );
  }

  /**
   * Polls every interval until `cycles` attempts are done or `signal` aborts; the cycles in
   * progress finish first. A poll is fetched while the cycle before it is still being
   * written (the database's time no longer delays the next poll); writes stay one at a time,
   * in poll order, and at most one fetched poll waits for its turn.
   */
  async run(
    options: { cycles?: number; signal?: AbortSignal; isPaused?: () => boolean } = {},
  ): Promise<number> {
    const signal = options.signal ?? new AbortController().signal;
    const sleep = this.options.sleep ?? abortableSleep;
    let done = 0;
    // Commits run one at a time in poll order, and so do the finishing parts; a cycle's
    // finishing part runs while the next one commits.
    let committing: Promise<unknown> = Promise.resolve();
    let finishing: Promise<void> = Promise.resolve();
    try {
      while (!signal.aborted && (options.cycles === undefined || done < options.cycles)) {
        // Monotonic: a wall-clock step during the cycle must not stretch or skip the wait.
        const started = this.monotonic();
        if (options.isPaused?.() === true) {
          await sleep(this.options.intervalMs, signal);
          continue;
        }
        const fetched = await this.fetch();
        this.prepareAhead(fetched);
        const committed = committing.then(() => this.commit(fetched));
        const finishedBefore = finishing;
        finishing = Promise.all([finishedBefore, committed]).then(async ([, cycle]) => {
          this.options.onCycle?.(await this.finish(cycle));
        });
        committing = committed;
        // Awaited below or in `finally`; marked handled so a failure is not a crash in between.
        committed.catch(() => {});
        finishing.catch(() => {});
        done += 1;
        if (options.cycles !== undefined && done >= options.cycles) break;
        const outcome = 'outcome' in fetched ? fetched.outcome : null;
        await sleep(this.nextWait(outcome, this.monotonic() - started), signal);
        // The next fetch may overlap this cycle's commit, not the cycle before it.
        await finishedBefore;
      }
    } finally {
      await committing.catch(() => {});
      await finishing;
    }
    return done;
  }

  /**
   * Fixed rate: the next cycle starts one interval after this one started, never in a burst.
   * After a failed fetch, sooner: 1 s, 2 s, 4 s… up to the interval, or when a 429 says.
   */
  private nextWait(outcome: CycleOutcome | null, elapsed: number): number {
    const interval = this.options.intervalMs;
    if (outcome?.kind !== 'source-failed') {
      this.sourceFailures = 0;
      return Math.max(0, interval - elapsed);
    }
    this.sourceFailures += 1;
    const backoff = Math.min(interval, FIRST_RETRY_MS * 2 ** (this.sourceFailures - 1));
    return Math.max(0, backoff - elapsed, outcome.error.retryAfterMs ?? 0);
  }

  private report(
    line: string | null,
    at: Date,
    icon: string,
    say: (line: string) => void = (l) => this.log(l),
  ): void {
    if (line !== null) say(`${clockStamp(at)} ${icon} ${line}`);
  }

  private intervalText(): string {
    return `${this.options.intervalMs / 1000} s`;
  }
}
