// Domain types shared by the main process (core) and the renderer.

/** What a source tells us about a router, apart from its counters. */
export interface RouterIdentity {
  /** Upper case with colons: `AA:BB:CC:DD:EE:01`. */
  mac: string;
  name: string;
  ip: string | null;
  brand: string | null;
  location: string | null;
  /** The hardware model, when the source knows it (`U6-Pro`). */
  model?: string | null;
}

/** Cumulative byte counters as read from a device; they restart from zero when it reboots. */
export interface CounterReading {
  rxBytes: bigint;
  txBytes: bigint;
  /** Seconds since the device booted, when the source knows it. */
  uptime: number | null;
}

/** The design's legacy throughput log: instantaneous figures, not counters. */
export interface LegacyThroughput {
  downloadMbps: number | null;
  uploadMbps: number | null;
  latencyMs: number | null;
}

/** One device of one poll. `counters` is null when they failed validation: the router is still upserted. */
export interface DeviceReading {
  identity: RouterIdentity;
  counters: CounterReading | null;
  throughput: LegacyThroughput;
  /** Live rates the source measured itself (UniFi's `rx_bytes-r`), used by the live view. */
  rates?: { rxBytesPerSecond: number; txBytesPerSecond: number } | null;
}

/** Why a reset was detected: counters went down, uptime went down, or uptime is shorter than the gap. */
export type ResetReason = 'counters' | 'uptime' | 'rebooted-in-gap';

/** The tracker's verdict on one observation. */
export type CounterDelta =
  | { kind: 'baseline'; rxDiff: 0n; txDiff: 0n }
  | { kind: 'delta'; rxDiff: bigint; txDiff: bigint }
  | { kind: 'reset'; rxDiff: 0n; txDiff: 0n; reason: ResetReason }
  /** Counters grew faster than any link can carry: not counted, the new counters are the baseline. */
  | { kind: 'glitch'; rxDiff: 0n; txDiff: 0n; jumpRx: bigint; jumpTx: bigint; seconds: number };
