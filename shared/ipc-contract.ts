// The one contract between the main process (or the headless collector's HTTP server) and the
// renderer. A channel is declared here once; main, preload and renderer are typed from it.
import type { EdgeRule } from './router-role';
import type { SettingsInput, SettingsView } from './settings';
import type { RouterRole } from './types';

/** Byte counts cross the boundary as decimal strings: exact past 2^53 and JSON-safe. */
export type ByteCount = string;

export type ServiceState = 'starting' | 'ok' | 'down';

export interface ServiceStatus {
  state: ServiceState;
  /** What failed and what to do, when state is `down`. */
  message: string | null;
}

export type RouterFreshness = 'fresh' | 'stale' | 'rebooted';

export interface RouterLive {
  id: number;
  mac: string;
  name: string;
  ip: string | null;
  location: string | null;
  /** Rate from the last two counter readings, in Mbps (decimal). */
  rxMbps: number;
  txMbps: number;
  todayRxBytes: ByteCount;
  todayTxBytes: ByteCount;
  lifetimeRxBytes: ByteCount;
  lifetimeTxBytes: ByteCount;
  /** ISO time of the last reading, null if never seen by this copy. */
  lastSeenAt: string | null;
  lastRebootAt: string | null;
  freshness: RouterFreshness;
  /** True until this copy has two readings to measure a rate from (the rates are not known yet). */
  measuring?: boolean;
  /** This local month's traffic so far. */
  monthRxBytes?: ByteCount;
  monthTxBytes?: ByteCount;
  /** Last hour's rate (RX + TX, Mbps), oldest first, one value per SPARKLINE_SLOT_MS; null where not polled. */
  sparkline?: Array<number | null>;
  /** What the source says the router is (null: it cannot tell, as the UniFi API server). */
  sourceRole?: RouterRole | null;
  /** The admin's mark (Settings or `--edge`), shared by every copy through MySQL; null: automatic. */
  markedRole?: RouterRole | null;
  /** Whether its traffic counts in the headline (the internet usage); else it is a breakdown. */
  edge?: boolean;
  /** The controller site it belongs to (`default`); null for sources without sites. */
  site?: string | null;
  /** Where its counters come from (`UniFi controller at https://…`), when known. */
  source?: string | null;
}

/** The sparkline's slot: 30 slots of two minutes cover the last hour. */
export const SPARKLINE_SLOT_MS = 120_000;
export const SPARKLINE_SLOTS = 30;

export interface LiveTotals {
  rxMbps: number;
  txMbps: number;
  todayRxBytes: ByteCount;
  todayTxBytes: ByteCount;
  monthRxBytes?: ByteCount;
  monthTxBytes?: ByteCount;
  /** Last hour's total rate of the headline's routers, as in RouterLive. */
  sparkline?: Array<number | null>;
  /**
   * Which routers these totals add up (shared/router-role.ts): the edge routers (`marked`,
   * `source`), or every router (`all`) when none is the edge, which the pages say.
   */
  edgeRule?: EdgeRule;
}

export interface AppState {
  routers: RouterLive[];
  totals: LiveTotals;
  lastPollAt: string | null;
  source: ServiceStatus;
  database: ServiceStatus;
  paused: boolean;
  /** Label shown everywhere when the data is simulated. */
  sourceLabel: string;
  /** `writer`: this copy polls and writes; `reader`: another copy on the same database does. */
  role: CopyRole;
  /** Cycles kept in the local journal until the database takes them. */
  waitingCycles: number;
  /** Whether polls reach the database: shown so the status never hides cycles that do not. */
  recording?: RecordingStatus;
  /** IANA zone of the copy that counts "today" and "this month" (its local midnight starts them). */
  timeZone?: string;
}

export interface RecordingStatus {
  /** ISO time since which cycles are neither committed nor kept (refused, moved aside, journal full). */
  notRecordingSince: string | null;
  reason: string | null;
  /** Cycles the database refused for good, moved aside (with the error) since this copy started. */
  movedAside: number;
  deadLetterPath: string | null;
  /** MACs claimed by two different devices in the last poll: those devices are not counted. */
  collisions: string[];
  /**
   * Sources (or sites of a controller) that did not answer the last poll while the others
   * did, one sentence each: their routers are not counted until they answer again.
   */
  sourcesDown?: string[];
}

export type CopyRole = 'writer' | 'reader';

export type HistoryRange = 'day' | 'week' | 'month' | 'year' | 'custom';
export type BucketSize = 'hour' | 'day' | 'month';

export interface HistoryRequest {
  range: HistoryRange;
  /** Empty means all routers. */
  routerIds: number[];
  /** IANA zone of the viewer, e.g. `Europe/Paris`: buckets are the viewer's local hours, days, months. */
  timeZone: string;
  /** Local dates `YYYY-MM-DD`, both included, for `custom`. */
  from?: string;
  to?: string;
  /**
   * `sums`: the answer carries per-bucket sums (`HistoryResult.sums`) instead of each router's
   * buckets (`buckets` is then empty). What the chart and tables draw; a day of 10,000 routers
   * is 240,000 buckets (34 MB), which only the CSV needs. `buckets` (the default): every
   * requested router's buckets.
   */
  detail?: 'buckets' | 'sums';
}

export interface HistoryBucket {
  /** ISO instant where the local bucket starts. */
  start: string;
  routerId: number;
  rxBytes: ByteCount;
  txBytes: ByteCount;
  resets: number;
  /**
   * Seconds covered by the polls that counted this traffic (the average rate is bytes ÷ this).
   * 0 for rollups written before it was recorded; above the bucket's length when traffic was
   * counted after a long gap (an average over the gap).
   */
  coveredSeconds: number;
}

export interface HistorySummaryRow {
  routerId: number;
  name: string;
  rxBytes: ByteCount;
  txBytes: ByteCount;
  /** The router's counter totals: they start at its counters when first tracked (the design's rule). */
  lifetimeRxBytes: ByteCount;
  lifetimeTxBytes: ByteCount;
  /** Only what was counted since the router was first seen (the sum of its monthly rollups). */
  trackedRxBytes?: ByteCount;
  trackedTxBytes?: ByteCount;
  /** ISO time the router was first seen: where the tracked total starts. */
  firstSeenAt?: string;
  reboots: number;
}

/**
 * Per-bucket sums over a set of routers, one entry per `bucketStarts` entry: what the chart and
 * the bucket table draw (`historySeries` reads them as it reads the buckets).
 */
export interface HistoryBucketSums {
  rxBytes: ByteCount[];
  txBytes: ByteCount[];
  resets: number[];
  /** Whether any of the routers was polled in the bucket; an unmonitored one is a gap, not zero. */
  monitored: boolean[];
  /** Each router's bytes × 8 ÷ the seconds its polls covered, summed over routers; null: not measured. */
  bitsPerSecond: Array<number | null>;
  /** Traffic counted after a gap longer than the bucket (an average over that gap). */
  gapAverage: boolean[];
  /** Whether any router's bucket was measured by a counting poll (covered seconds above 0). */
  measured: boolean;
}

export interface RebootMarker {
  routerId: number;
  at: string;
}

export interface HistoryResult {
  bucket: BucketSize;
  from: string;
  to: string;
  /** Every bucket start in the range, in order, so empty buckets still show. */
  bucketStarts: string[];
  buckets: HistoryBucket[];
  summary: HistorySummaryRow[];
  reboots: RebootMarker[];
  routers: Array<{ id: number; name: string; mac: string }>;
  /** The routers whose traffic is the internet usage ("Internet (edge routers)"), and why. */
  edge?: { rule: EdgeRule; routerIds: number[] };
  /**
   * With `detail: 'sums'` (and `buckets` empty): the sums over every requested router, and over
   * the requested routers that are edge routers (the headline).
   */
  sums?: { all: HistoryBucketSums; edge: HistoryBucketSums };
}

/** A router's role as the admin chose it in Settings: null goes back to what the source says. */
export interface RouterRoleChoice {
  routerId: number;
  role: RouterRole | null;
}

export type SetRouterRoleResult = { ok: true; state: AppState } | { ok: false; message: string };

export type TestConnectionResult = { ok: true; message: string } | { ok: false; message: string };

/** What a controller's certificate is: its SHA-256 fingerprint and whether this computer trusts it. */
export type CertificateCheck =
  | { ok: true; fingerprint: string; trusted: boolean }
  | { ok: false; message: string };

export type SaveSettingsResult =
  | { ok: true; settings: SettingsView }
  | { ok: false; errors: Partial<Record<string, string>>; message?: string };

export type WindowName = 'history' | 'settings';

/** Request/response calls, `name: [arguments, result]`. The IPC channel is `bt:<name>`. */
export interface Calls {
  getState: [[], AppState];
  getHistory: [[HistoryRequest], HistoryResult];
  getSettings: [[], SettingsView];
  saveSettings: [[SettingsInput], SaveSettingsResult];
  testDatabase: [[SettingsInput], TestConnectionResult];
  /** The certificate a controller URL presents, so Settings can offer to trust it. */
  checkCertificate: [[string], CertificateCheck];
  setPaused: [[boolean], AppState];
  openWindow: [[WindowName, { routerId?: number }], null];
  /** Marks a router as the internet edge or an inside device, in MySQL for every copy. */
  setRouterRole: [[RouterRoleChoice], SetRouterRoleResult];
  /** Every quota with its usage and forecast, and the offline alert setting. */
  getQuotas: [[], QuotaState];
  /** Sets the quota of its target (replacing one there): field errors, or the new state. */
  saveQuota: [[QuotaInput], SaveQuotaResult];
  deleteQuota: [[number], QuotaState];
  setOfflinePolls: [[number], SaveQuotaResult];
  /** The live figures of these routers (at most LIVE_EVENT_ROUTERS): what a page shows, after an event that left them out. */
  getRouters: [[number[]], RouterLive[]];
}

/** One quota as the popover, Settings and the history show it. */
export interface QuotaView {
  id: number;
  target: string;
  /** `Internet`, `Internet (SITE)` or the router's name. */
  label: string;
  /** False when no stored router matches the target (yet). */
  found: boolean;
  sizeBytes: ByteCount;
  usedBytes: ByteCount;
  forecastBytes: ByteCount | null;
  period: 'month' | 'week' | 'day';
  billingDay: number;
  direction: 'down' | 'up' | 'both';
  timeZone: string;
  thresholds: number[];
  periodStart: string;
  periodEnd: string;
  /** `1 Nov` and `30 Nov`: the period's first and last day. */
  since: string;
  by: string;
  daysLeft: number;
  /** How the forecast is made, said beside it. */
  method: string;
}

export interface QuotaState {
  quotas: QuotaView[];
  /** Polls a router may be missing before it is announced offline. */
  offlinePolls: number;
}

/** What the Settings form sends: texts as typed, checked by the core. */
export interface QuotaInput {
  target: string;
  size: string;
  period: 'month' | 'week' | 'day';
  billingDay: number;
  direction: 'down' | 'up' | 'both';
  thresholds: string;
  /** Empty: the workstation's own zone. */
  timeZone: string;
}

export type SaveQuotaResult =
  | { ok: true; state: QuotaState }
  | { ok: false; errors: Partial<Record<string, string>> };

export interface QuotaEvent {
  crossings: Array<{
    quotaId: number;
    kind: 'threshold' | 'forecast';
    /** The console line's text, without the clock. */
    line: string;
    title: string;
    body: string;
  }>;
}

export interface OfflineEvent {
  changes: Array<{
    routerId: number;
    name: string;
    change: 'offline' | 'back';
    since: string;
    at: string;
  }>;
}

/**
 * The most routers a cycle event lists. Past it the event carries the totals only, and a page
 * asks for the rows it shows (`getRouters`): an update stays bounded however many routers
 * there are (10,000 routers' rows were 5.9 MB a cycle, past what a browser view may fall behind).
 */
export const LIVE_EVENT_ROUTERS = 500;

export interface CycleEvent {
  at: string;
  /** Routers seen this cycle, with their new figures; others keep theirs. */
  routers: RouterLive[];
  totals: LiveTotals;
  /**
   * Routers this cycle changed that are not listed, since they were more than
   * LIVE_EVENT_ROUTERS (then `routers` is empty): a page fetches the ones it shows.
   */
  omittedRouters?: number;
}

export interface RebootEvent {
  /** Reboots first seen in one cycle (never one already announced). */
  reboots: Array<{
    routerId: number;
    name: string;
    detectedAt: string;
    lastSeenUpAt: string | null;
    uptimeSeconds: number | null;
  }>;
}

/** Events pushed to the pages, `name: payload`. The subscriber is `on<Name>`; the IPC channel `bt:event:<name>`. */
export interface Events {
  cycleCompleted: CycleEvent;
  routerRebooted: RebootEvent;
  /** Quota thresholds or forecasts announced this cycle (once per period, across copies). */
  quotaCrossed: QuotaEvent;
  /** Routers announced offline, or back, this cycle. */
  routerOffline: OfflineEvent;
  statusChanged: AppState;
  /** Show this router (a notification was clicked). */
  historyFocus: { routerId: number };
}

export type CallName = keyof Calls;
export type CallArgs<K extends CallName> = Calls[K][0];
export type CallResult<K extends CallName> = Calls[K][1];
export type EventName = keyof Events;
export type SubscriberName<E extends EventName> = `on${Capitalize<E>}`;

// Runtime lists of the names, checked against the interfaces both ways.
const CALLS: { [K in CallName]: true } = {
  getState: true,
  getHistory: true,
  getSettings: true,
  saveSettings: true,
  testDatabase: true,
  checkCertificate: true,
  setPaused: true,
  openWindow: true,
  setRouterRole: true,
  getQuotas: true,
  saveQuota: true,
  deleteQuota: true,
  setOfflinePolls: true,
  getRouters: true,
};
const EVENTS: { [E in EventName]: true } = {
  cycleCompleted: true,
  routerRebooted: true,
  quotaCrossed: true,
  routerOffline: true,
  statusChanged: true,
  historyFocus: true,
};
export const CALL_NAMES = Object.keys(CALLS) as CallName[];
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

export const callChannel = (name: CallName): string => `bt:${name}`;
export const eventChannel = (name: EventName): string => `bt:event:${name}`;
export function subscriberName<E extends EventName>(event: E): SubscriberName<E> {
  return `on${event[0]?.toUpperCase() ?? ''}${event.slice(1)}` as SubscriberName<E>;
}

export type Unsubscribe = () => void;

/** Handlers behind every call, shared by the Electron IPC and the collector's HTTP UI. */
export type CallHandlers = {
  [K in CallName]: (...args: CallArgs<K>) => Promise<CallResult<K>>;
};

/** What the preload exposes as `window.bandwidth`: one function per call, one subscriber per event. */
export type BandwidthApi = CallHandlers & {
  [E in EventName as SubscriberName<E>]: (listener: (payload: Events[E]) => void) => Unsubscribe;
};

export function isCallName(value: unknown): value is CallName {
  return typeof value === 'string' && Object.hasOwn(CALLS, value);
}
