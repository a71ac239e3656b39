import { EventEmitter } from 'node:events';
import type { Pool } from 'mysql2/promise';
import {
  type AppState,
  type CopyRole,
  type EventName,
  type Events,
  type HistoryRequest,
  type HistoryResult,
  LIVE_EVENT_ROUTERS,
  type RecordingStatus,
  type RouterLive,
  type RouterRoleChoice,
  type ServiceStatus,
  type SetRouterRoleResult,
  type Unsubscribe,
} from '../../shared/ipc-contract';
import type { QuotaDefinition } from '../../shared/quota';
import { type DetectedReboot, RebootLedger } from '../../shared/reboot-notice';
import { RESPONSE_LIMIT_IN_SETTINGS, type RebootPolicy } from '../../shared/settings';
import { clockStamp, printable } from './console-report';
import { CycleRecorder } from './cycle-recorder';
import { describeMysqlError } from './db/connection';
import { openDatabase } from './db/open-database';
import { DEFAULT_RETENTION, pruneOldRows, type RetentionPolicy } from './db/retention';
import { backfillRollups } from './db/rollup-backfill';
import { loadRoles, markRoles, markRouterById } from './db/router-roles';
import { loadCounterSources } from './db/router-sources';
import type { MysqlSettings } from './db/settings';
import { WriterLock } from './db/writer-lock';
import { fillDemoHistory } from './demo-history';
import { queryHistory } from './history-query';
import { CycleJournal } from './journal';
import { LiveState } from './live-state';
import { abortableSleep, type CycleOutcome, Poller, type RecordingHealth } from './poller';
import { offlineEventOf, quotaEventOf } from './quotas/alert-events';
import { AlertWatch } from './quotas/alert-watch';
import { ensureDemoQuota } from './quotas/demo-quota';
import { applyStartupQuotas, QuotaCalls } from './quotas/quota-calls';
import { createSources, type SourceSettings } from './sources/create-source';
import type { DeviceSource } from './sources/device-source';
import { DEFAULT_LIMITS, type TrackerLimits } from './tracker';

export interface ServiceSettings {
  apiUrl: string;
  /** What to poll; without it, the seed API at `apiUrl`. */
  source?: SourceSettings;
  /** Several sources polled at once (two or more); when set, `source` is not used. */
  sources?: SourceSettings[];
  /** Sources asked at once when there are several (default 4). */
  parallelSources?: number;
  intervalMs: number;
  timeoutMs: number;
  mysql: MysqlSettings;
  retention?: RetentionPolicy;
  /** The most one answer of the device source may hold, as sent and decompressed (default 64 MB). */
  maxResponseBytes?: number;
  /** What a true reboot counts (Settings); overrides `limits.rebootPolicy` when set. */
  rebootPolicy?: RebootPolicy;
}

const PRUNE_EVERY_MS = 60 * 60 * 1000;
/** How often housekeeping checks whether this copy became the writer. */
const HOUSEKEEPING_CHECK_MS = 5_000;
const HOUSEKEEPING_RETRY_MS = 60_000;

/** Where announced reboots are remembered, so a restart does not announce them again. */
export interface AnnouncedRebootsStore {
  load(): readonly string[];
  save(keys: readonly string[]): void;
}

export interface ServiceOptions {
  settings: ServiceSettings;
  createSource?: (settings: ServiceSettings) => DeviceSource;
  log?: (line: string) => void;
  now?: () => Date;
  timeZone?: string;
  announcedReboots?: AnnouncedRebootsStore;
  /** Shown in the tray and pages when the data is not real (`DEMO`); empty otherwise. */
  sourceLabel?: string;
  /** Cycle summaries only, not a console line per device. */
  quiet?: boolean;
  /** Where cycles wait while the database cannot take them. Without it, they are recounted later. */
  journal?: { path: string; limit?: number };
  /** The link-speed limit for glitch detection. */
  limits?: TrackerLimits;
  /** Single writer per database through MySQL's GET_LOCK (on unless a test turns it off). */
  singleWriter?: boolean;
  /**
   * Where the user changes the database settings, for error messages: `Settings` (the
   * default, the tray app) or the collector's `--mysql-url`.
   */
  mysqlSettingsName?: string;
  /** Where the user raises the response limit, for messages (default: its field in Settings). */
  responseLimitSettingName?: string;
  /**
   * Routers to mark as the internet edge, by name or MAC (`--edge`, `BT_EDGE`): applied once
   * the database is open, or when a router of that name first appears.
   */
  edgeMarks?: readonly string[];
  /** How often the writer reads every router's roles again (default ROLES_REFRESH_MS). */
  rolesRefreshMs?: number;
  /** Quotas to set at start (`--quota`), each replacing the stored quota of its target. */
  quotas?: QuotaDefinition[];
  /** Polls a router may be missing before it is announced offline, set at start. */
  offlinePolls?: number;
}

/** How often the writer reads the roles again, for marks another copy made in its Settings. */
export const ROLES_REFRESH_MS = 60_000;

const STARTING: ServiceStatus = { state: 'starting', message: null };
const NOT_STARTED_RECORDING: RecordingStatus = {
  notRecordingSince: null,
  reason: null,
  movedAside: 0,
  deadLetterPath: null,
  collisions: [],
};
const OK: ServiceStatus = { state: 'ok', message: null };

/**
 * The whole collector as one object the shells drive: opens the database (waiting while it
 * is down), polls, keeps the live figures and emits the contract's events. Used by the tray
 * app and the headless collector alike; it knows nothing of Electron.
 */
export class BandwidthService {
  private readonly emitter = new EventEmitter();
  private readonly live: LiveState;
  private readonly ledger: RebootLedger;
  private readonly now: () => Date;
  private readonly log: (line: string) => void;
  private settings: ServiceSettings;
  private pool: Pool | null = null;
  private source: ServiceStatus = STARTING;
  private database: ServiceStatus = STARTING;
  private paused = false;
  private role: CopyRole = 'writer';
  private waitingCycles = 0;
  /** The running poller's view of whether cycles are written (see RecordingStatus). */
  private recordingHealth: (() => RecordingHealth) | null = null;
  private recording: RecordingStatus = NOT_STARTED_RECORDING;
  private running: { stop: AbortController; done: Promise<number> } | null = null;
  /** `--edge` names that matched no router yet. */
  private pendingEdgeMarks: string[];
  /** Whether the unmatched `--edge` names were reported (once, after the first cycle). */
  private pendingReported = false;
  private rolesReadAt = 0;
  private routersAtLastMarks = 0;
  /** The roles work of the last cycle; a cycle while it still runs starts none. */
  private rolesWork: Promise<void> | null = null;
  private readonly alerts: AlertWatch;
  /** Quota and alert calls of the pages, on the open database. */
  readonly quotas: QuotaCalls;

  constructor(private readonly options: ServiceOptions) {
    this.settings = options.settings;
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? ((line) => console.log(line));
    this.live = new LiveState(options.timeZone);
    this.ledger = new RebootLedger(options.announcedReboots?.load() ?? []);
    this.pendingEdgeMarks = [...new Set(options.edgeMarks ?? [])];
    this.alerts = new AlertWatch(this.log);
    this.quotas = new QuotaCalls(() => this.connectedPool(), this.alerts, this.now);
  }

  private connectedPool(): Pool {
    if (this.pool === null) {
      throw new Error(
        this.database.message ?? 'The database is not connected yet: wait a moment and try again',
      );
    }
    return this.pool;
  }

  private get mysqlSettingsName(): string {
    return this.options.mysqlSettingsName ?? 'Settings';
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): Unsubscribe {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    this.emitter.emit(event, payload);
  }

  /**
   * The whole state. `routers: false` leaves the router list empty, for a caller that reads
   * only the totals and statuses (the tray, every cycle): 10,000 views are not built for it.
   */
  getState(options: { routers?: boolean } = {}): AppState {
    const now = this.now();
    return {
      routers: options.routers === false ? [] : this.live.routerList(now),
      totals: this.live.totals(),
      lastPollAt: this.live.lastPollAt?.toISOString() ?? null,
      source: this.source,
      database: this.database,
      paused: this.paused,
      sourceLabel:
        this.options.sourceLabel ?? (this.settings.source?.kind === 'demo' ? 'DEMO' : ''),
      role: this.role,
      waitingCycles: this.waitingCycles,
      recording: this.recording,
      timeZone: this.live.timeZone,
    };
  }

  /** The live figures of these routers, for a page that shows them (unknown ids are left out). */
  routerViews(ids: readonly number[]): RouterLive[] {
    return this.live.viewsOf(ids, this.now());
  }

  get currentSettings(): ServiceSettings {
    return this.settings;
  }

  setPaused(paused: boolean): AppState {
    if (this.paused !== paused) {
      this.paused = paused;
      this.log(paused ? 'Polling paused.' : 'Polling resumed.');
      this.emit('statusChanged', this.getState());
    }
    return this.getState();
  }

  async history(request: HistoryRequest): Promise<HistoryResult> {
    if (this.pool === null) {
      throw new Error(
        this.database.message ?? 'The database is not connected yet: wait a moment and try again',
      );
    }
    return queryHistory(this.pool, request, this.now());
  }

  /** The admin's mark for one router (Settings), stored in MySQL so every copy agrees. */
  async setRouterRole(choice: RouterRoleChoice): Promise<SetRouterRoleResult> {
    const pool = this.pool;
    if (pool === null) {
      return {
        ok: false,
        message: `The database is not connected, so the mark cannot be saved: ${this.database.message ?? 'wait a moment and try again'}`,
      };
    }
    try {
      if (!(await markRouterById(pool, choice.routerId, choice.role))) {
        return {
          ok: false,
          message: 'That router is no longer in the database: reopen Settings to see the list.',
        };
      }
      await this.refreshRoles(pool);
    } catch (error) {
      return {
        ok: false,
        message: `The mark was not saved: ${describeMysqlError(error, this.settings.mysql, this.mysqlSettingsName)}`,
      };
    }
    return { ok: true, state: this.getState() };
  }

  /**
   * Reads every router's roles again (one query) and, when the headline's routers changed,
   * sends the pages the whole state (each router's mark and whether it counts).
   */
  private async refreshRoles(pool: Pool): Promise<void> {
    const before = this.live.edgeVersion;
    this.rolesReadAt = this.now().getTime();
    this.live.applyRoles(await loadRoles(pool));
    if (this.live.edgeVersion !== before) this.emit('statusChanged', this.getState());
  }

  /**
   * The `--edge` names not matched yet, tried again when new routers have appeared; a name
   * still unmatched after the first cycle is said once.
   */
  private async applyEdgeMarks(pool: Pool, afterCycle: boolean): Promise<void> {
    if (this.pendingEdgeMarks.length > 0 && this.live.routerCount !== this.routersAtLastMarks) {
      this.routersAtLastMarks = this.live.routerCount;
      const before = this.pendingEdgeMarks.length;
      this.pendingEdgeMarks = await markRoles(
        pool,
        this.pendingEdgeMarks.map((router) => ({ router, role: 'edge' as const })),
      );
      if (this.pendingEdgeMarks.length !== before) await this.refreshRoles(pool);
    }
    if (afterCycle && !this.pendingReported && this.pendingEdgeMarks.length > 0) {
      this.pendingReported = true;
      const names = this.pendingEdgeMarks.map((name) => `"${printable(name)}"`).join(', ');
      this.log(
        `${clockStamp(this.now())} ⚠️ The internet edge ${names} matches no router's name or MAC yet: it is marked when such a router appears (check the spelling against the popover's list).`,
      );
    }
  }

  /** After a recorded cycle: new routers may match `--edge`; other copies' marks every minute. */
  private followRoles(): void {
    const pool = this.pool;
    if (pool === null) return;
    const since = this.now().getTime() - this.rolesReadAt;
    // A wall clock set back would otherwise hold the next read off by as long as the step.
    const due = since < 0 || since >= (this.options.rolesRefreshMs ?? ROLES_REFRESH_MS);
    // One at a time: while a slow database still answers the last one, cycles start none.
    if (this.rolesWork !== null) return;
    this.rolesWork = (async () => {
      await this.applyEdgeMarks(pool, true);
      if (due) await this.refreshRoles(pool);
    })()
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.log(`Could not read the routers' roles (retrying next cycle): ${message}`);
      })
      .finally(() => {
        this.rolesWork = null;
      });
  }

  /** Runs until `cycles` polls are done or `signal` aborts; resolves with the number of polls. */
  async run(options: { cycles?: number; signal: AbortSignal }): Promise<number> {
    const settings = this.settings;
    const pool = await openDatabase(settings.mysql, {
      retryMs: Math.min(settings.intervalMs, 5_000),
      signal: options.signal,
      log: this.log,
      onFailure: (message) => this.setStatus('database', { state: 'down', message }),
      settingsName: this.mysqlSettingsName,
    });
    if (pool === null) return 0;
    this.pool = pool;
    const journalOptions = this.options.journal;
    const journal =
      journalOptions === undefined
        ? undefined
        : new CycleJournal({ ...journalOptions, log: this.log });
    if (journal !== undefined && journal.length > 0) {
      this.log(
        `${journal.length} cycle(s) wait in the journal ${journal.path}: writing them first.`,
      );
    }
    const lock =
      this.options.singleWriter === false
        ? undefined
        : new WriterLock(settings.mysql, { hasPendingCycles: () => (journal?.length ?? 0) > 0 });
    // Retention and the rollup backfill run beside the polls, on the copy that writes only,
    // and end with them (also after `cycles` polls, when the signal never aborts).
    const housekeepingStop = new AbortController();
    const stopHousekeeping = () => housekeepingStop.abort();
    options.signal.addEventListener('abort', stopHousekeeping, { once: true });
    const housekeeping = this.housekeeping(
      pool,
      settings,
      housekeepingStop.signal,
      () => lock === undefined || lock.current === 'writer',
    );
    try {
      // An empty demo database gets 13 months of history first, so every chart has something.
      if (settings.source?.kind === 'demo') {
        await fillDemoHistory(pool, {
          now: this.now(),
          log: this.log,
          signal: options.signal,
          retention: settings.retention,
          limits: this.options.limits,
        });
        await ensureDemoQuota(pool, this.now(), this.log);
      }
      await this.live.load(pool, this.now());
      this.rolesReadAt = this.now().getTime();
      this.routersAtLastMarks = -1;
      await this.applyEdgeMarks(pool, false);
      // Views computed on the database before a restart (another one, perhaps) are not these.
      this.alerts.forgetViews();
      await applyStartupQuotas(pool, this.options, this.log);
      this.setStatus('database', OK);
      const source =
        this.options.createSource?.(settings) ??
        createSources(
          settings.sources ?? [settings.source ?? { kind: 'seed', apiUrl: settings.apiUrl }],
          settings.timeoutMs,
          this.now,
          settings.maxResponseBytes,
          this.options.responseLimitSettingName ?? RESPONSE_LIMIT_IN_SETTINGS,
          { parallel: settings.parallelSources, storedOwners: () => loadCounterSources(pool) },
        );
      const limits: TrackerLimits = {
        ...(this.options.limits ?? DEFAULT_LIMITS),
        rebootPolicy: settings.rebootPolicy ?? this.options.limits?.rebootPolicy,
      };
      const poller = new Poller({
        source,
        recorder: new CycleRecorder(pool, limits, {
          lockHolder: lock === undefined ? undefined : () => lock.holder(),
        }),
        journal,
        writerLock: lock,
        routerIdOf: (mac) => this.live.routerIdOf(mac),
        limits,
        intervalMs: settings.intervalMs,
        describeDatabaseError: (error) =>
          describeMysqlError(error, settings.mysql, this.mysqlSettingsName),
        log: this.log,
        quiet: this.options.quiet,
        now: this.now,
        onCycle: (outcome) => this.afterCycle(outcome),
        afterCommit: (cycle, devices, unanswered) =>
          this.checkAlerts(pool, cycle, devices, unanswered),
      });
      this.recordingHealth = () => poller.recordingHealth();
      return await poller.run({
        cycles: options.cycles,
        signal: options.signal,
        isPaused: () => this.paused,
      });
    } finally {
      this.pool = null;
      await this.rolesWork;
      stopHousekeeping();
      options.signal.removeEventListener('abort', stopHousekeeping);
      await housekeeping;
      await lock?.release();
      await pool.end().catch(() => {});
    }
  }

  /**
   * The one-time rollup backfill, then pruning by the retention policy every hour, off the poll
   * path. Waits until this copy holds the writer lock: a reader must not delete what the writer
   * keeps. Backfill runs before pruning, so no old snapshot is deleted before it is folded.
   */
  private async housekeeping(
    pool: Pool,
    settings: ServiceSettings,
    signal: AbortSignal,
    isWriter: () => boolean,
  ): Promise<void> {
    let backfilled = false;
    while (!signal.aborted) {
      if (!isWriter()) {
        await abortableSleep(Math.min(settings.intervalMs, HOUSEKEEPING_CHECK_MS), signal);
        continue;
      }
      let pause = PRUNE_EVERY_MS;
      try {
        if (!backfilled) {
          await backfillRollups(pool, this.log, signal);
          // Pruning before the fold is complete would delete snapshots not yet counted.
          if (signal.aborted) return;
          backfilled = true;
        }
        const deleted = await pruneOldRows(
          pool,
          settings.retention ?? DEFAULT_RETENTION,
          this.now(),
          { signal },
        );
        const pruned = Object.entries(deleted).filter(([, count]) => count > 0);
        if (pruned.length > 0) {
          const parts = pruned.map(([table, count]) => `${count.toLocaleString('en-US')} ${table}`);
          this.log(`🧹 Pruned rows past their retention: ${parts.join(', ')}`);
        }
      } catch (error) {
        if (signal.aborted) return;
        // Polling goes on regardless; housekeeping tries again shortly (the database may be down).
        const message = error instanceof Error ? error.message : String(error);
        this.log(`Housekeeping (retention, rollups) failed, retrying in a minute: ${message}`);
        pause = HOUSEKEEPING_RETRY_MS;
      }
      await abortableSleep(pause, signal);
    }
  }

  /** Starts polling in the background (the tray app); `stop` or `restart` ends it. */
  start(): void {
    if (this.running !== null) return;
    const stop = new AbortController();
    const done = this.run({ signal: stop.signal }).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      this.log(`Polling stopped: ${message}`);
      this.setStatus('database', { state: 'down', message });
      return 0;
    });
    this.running = { stop, done };
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (running === null) return;
    running.stop.abort();
    await running.done;
  }

  /** New settings take effect: the cycle in progress finishes, then polling starts again. */
  async restart(settings: ServiceSettings): Promise<void> {
    await this.stop();
    this.settings = settings;
    this.source = STARTING;
    this.database = STARTING;
    this.emit('statusChanged', this.getState());
    this.start();
  }

  private afterCycle(outcome: CycleOutcome): void {
    this.setRole(outcome.kind === 'reader' ? 'reader' : 'writer');
    this.updateRecording();
    switch (outcome.kind) {
      case 'refused':
        // The database answers but refused this cycle: `recording` says so (tray, popover).
        this.setStatus('source', OK);
        return;
      case 'reader':
        void this.followWriter();
        return;
      case 'source-failed':
        this.setStatus('source', { state: 'down', message: outcome.error.message });
        return;
      case 'database-failed':
        this.setStatus('source', OK);
        this.setStatus('database', {
          state: 'down',
          message: describeMysqlError(outcome.error, this.settings.mysql, this.mysqlSettingsName),
        });
        return;
      case 'recorded':
      case 'journaled': {
        this.setStatus('source', OK);
        const waiting = outcome.kind === 'journaled' ? outcome.waiting : 0;
        const failure = outcome.kind === 'journaled' ? outcome.error : null;
        this.waitingCycles = waiting;
        this.setStatus(
          'database',
          failure === null
            ? OK
            : {
                state: 'down',
                message: `Database unreachable, ${waiting} cycle(s) waiting: ${describeMysqlError(failure, this.settings.mysql, this.mysqlSettingsName)}`,
              },
        );
        const { cycle } = outcome;
        const edgeBefore = this.live.edgeVersion;
        this.live.apply(cycle);
        // The pages' views of 10,000 routers are built only when a page (or shell) listens.
        if (this.emitter.listenerCount('cycleCompleted') > 0) {
          // Bounded: past LIVE_EVENT_ROUTERS the pages ask for the rows they show.
          const changed = this.live.changedCount;
          this.emit('cycleCompleted', {
            at: cycle.at.toISOString(),
            routers: changed > LIVE_EVENT_ROUTERS ? [] : this.live.changedViews(),
            totals: this.live.totals(),
            ...(changed > LIVE_EVENT_ROUTERS ? { omittedRouters: changed } : {}),
          });
        }
        // A new router can change which routers count: every page needs every router's flag.
        if (this.live.edgeVersion !== edgeBefore) this.emit('statusChanged', this.getState());
        this.followRoles();
        const reboots: DetectedReboot[] = cycle.tracked
          .filter((t) => t.delta.kind === 'reset')
          .map((t) => ({
            routerId: t.routerId,
            name: t.identity.name,
            detectedAt: cycle.at,
            lastSeenUpAt: t.previous?.at ?? null,
            uptimeSeconds: t.counters.uptime,
          }));
        const fresh = this.ledger.fresh(reboots);
        if (fresh.length > 0) {
          this.options.announcedReboots?.save(this.ledger.keys);
          this.emit('routerRebooted', {
            reboots: fresh.map((r) => ({
              routerId: r.routerId,
              name: r.name,
              detectedAt: r.detectedAt.toISOString(),
              lastSeenUpAt: r.lastSeenUpAt?.toISOString() ?? null,
              uptimeSeconds: r.uptimeSeconds,
            })),
          });
        }
      }
    }
  }

  /** Quotas and offline routers after a committed cycle: console lines, then events. */
  private async checkAlerts(
    pool: Pool,
    cycle: Parameters<AlertWatch['afterCommit']>[1],
    devices: Parameters<AlertWatch['afterCommit']>[2],
    unanswered: Parameters<AlertWatch['afterCommit']>[3],
  ): Promise<void> {
    const result = await this.alerts.afterCommit(pool, cycle, devices, unanswered);
    if (result.crossings.length > 0) this.emit('quotaCrossed', quotaEventOf(result.crossings));
    if (result.offline.length > 0) this.emit('routerOffline', offlineEventOf(result.offline));
  }

  private updateRecording(): void {
    const health = this.recordingHealth?.();
    if (health === undefined) return;
    const next: RecordingStatus = {
      notRecordingSince: health.notRecordingSince?.toISOString() ?? null,
      reason: health.reason,
      movedAside: health.movedAside,
      deadLetterPath: health.deadLetterPath,
      collisions: health.collisions,
      ...(health.partsDown === undefined ? {} : { sourcesDown: health.partsDown }),
    };
    if (JSON.stringify(next) === JSON.stringify(this.recording)) return;
    this.recording = next;
    this.emit('statusChanged', this.getState());
  }

  private setRole(role: CopyRole): void {
    if (this.role === role) return;
    this.role = role;
    this.emit('statusChanged', this.getState());
  }

  /** A reader shows what the writer stored: the figures are read again every interval. */
  private async followWriter(): Promise<void> {
    const pool = this.pool;
    if (pool === null) return;
    try {
      const edgeBefore = this.live.edgeVersion;
      await this.live.load(pool, this.now());
      this.setStatus('database', OK);
      if (this.live.edgeVersion !== edgeBefore) this.emit('statusChanged', this.getState());
      if (this.emitter.listenerCount('cycleCompleted') > 0) {
        // Every router was read again: bounded like a cycle's event (see afterCycle).
        const count = this.live.routerCount;
        this.emit('cycleCompleted', {
          at: this.now().toISOString(),
          routers: count > LIVE_EVENT_ROUTERS ? [] : this.live.routerList(this.now()),
          totals: this.live.totals(),
          ...(count > LIVE_EVENT_ROUTERS ? { omittedRouters: count } : {}),
        });
      }
    } catch (error) {
      this.setStatus('database', {
        state: 'down',
        message: describeMysqlError(error, this.settings.mysql, this.mysqlSettingsName),
      });
    }
  }

  private setStatus(which: 'source' | 'database', status: ServiceStatus): void {
    const current = this[which];
    if (current.state === status.state && current.message === status.message) return;
    this[which] = status;
    this.emit('statusChanged', this.getState());
  }
}
