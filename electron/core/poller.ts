import { clockStamp, cycleSummary, describeCycle } from './console-report';
import type { CycleRecorder, RecordedCycle } from './cycle-recorder';
import { OutageLog } from './outage';
import { type DeviceSource, SourceError } from './sources/device-source';

export type CycleOutcome =
  | { kind: 'recorded'; cycle: RecordedCycle }
  | { kind: 'source-failed'; error: SourceError }
  | { kind: 'database-failed'; error: unknown };

export interface PollerOptions {
  source: DeviceSource;
  recorder: CycleRecorder;
  intervalMs: number;
  /** Turns a write error into a sentence (MySQL's errors need the target to be helpful). */
  describeDatabaseError: (error: unknown) => string;
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

/** Fetch → validate → track → write → report, every interval. */
export class Poller {
  private readonly sourceOutage: OutageLog;
  private readonly databaseOutage = new OutageLog('MySQL');
  private readonly now: () => Date;
  private readonly log: (line: string) => void;

  constructor(private readonly options: PollerOptions) {
    this.sourceOutage = new OutageLog(`The ${options.source.description}`);
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? ((line) => console.log(line));
  }

  async pollOnce(): Promise<CycleOutcome> {
    const outcome = await this.attempt();
    this.options.onCycle?.(outcome);
    return outcome;
  }

  private async attempt(): Promise<CycleOutcome> {
    const { source, recorder } = this.options;
    let payload: Awaited<ReturnType<DeviceSource['fetchDevices']>>;
    try {
      payload = await source.fetchDevices();
    } catch (error) {
      const sourceError =
        error instanceof SourceError ? error : new SourceError(String(error), 'unreachable');
      const at = this.now();
      const line = this.sourceOutage.failure(sourceError.message, at);
      if (line !== null) {
        this.log(`${clockStamp(at)} ❌ ${line}. Polling goes on every ${this.intervalText()}.`);
      }
      return { kind: 'source-failed', error: sourceError };
    }
    const at = this.now();
    this.report(this.sourceOutage.success(at), at, '✅');
    for (const problem of payload.problems) {
      this.log(`${clockStamp(at)} ⚠️ Skipped ${problem.device}: ${problem.reason}`);
    }

    try {
      const cycle = await recorder.record(payload.devices, at);
      this.report(this.databaseOutage.success(this.now()), at, '✅');
      const lines = this.options.quiet === true ? [cycleSummary(cycle)] : describeCycle(cycle);
      for (const line of lines) this.log(line);
      return { kind: 'recorded', cycle };
    } catch (error) {
      const message = this.options.describeDatabaseError(error);
      const line = this.databaseOutage.failure(message, at);
      if (line !== null) {
        this.log(
          `${clockStamp(at)} ❌ Could not save this cycle: ${line}. Nothing counted is lost: the next cycle that saves counts the traffic since the last saved one.`,
        );
      }
      return { kind: 'database-failed', error };
    }
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
      await this.pollOnce();
      done += 1;
      if (options.cycles !== undefined && done >= options.cycles) break;
      // Fixed rate: the next cycle starts one interval after this one started, never in a burst.
      const wait = Math.max(0, this.options.intervalMs - (Date.now() - started));
      await sleep(wait, signal);
    }
    return done;
  }

  private report(line: string | null, at: Date, icon: string): void {
    if (line !== null) this.log(`${clockStamp(at)} ${icon} ${line}`);
  }

  private intervalText(): string {
    return `${this.options.intervalMs / 1000} s`;
  }
}
