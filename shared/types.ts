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
  /** What the source says the router is: the internet edge (a gateway's WAN) or inside; null when it cannot tell. */
  role?: RouterRole | null;
  /** The controller site the router belongs to (`default`); null for sources without sites. */
  site?: string | null;
}

/**
 * `edge`: its counters are the network's internet traffic (a gateway's WAN). `inside`: a
 * switch, an AP or any hop behind the edge, whose bytes the edge has already counted.
 */
export type RouterRole = 'edge' | 'inside';

/** Cumulative byte counters as read from a device; they restart from zero when it reboots. */
export interface CounterReading {
  rxBytes: bigint;
  txBytes: bigint;
  /** Seconds since the device booted, when the source knows it. */
  uptime: number | null;
  /** 32-bit counters (some UniFi uplink ports): a decrease with uptime growing may be a wrap. */
  wraps32?: boolean;
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
  /**
   * The source this reading came from, when several are polled at once (stored as the
   * router's `counter_source`); without it, the poll's own source.
   */
  source?: string;
  /** False when the source lists the device but reports it offline (UniFi `state` 0). */
  online?: boolean;
}

/** Why a reset was detected: counters went down, uptime went down, or uptime is shorter than the gap. */
export type ResetReason = 'counters' | 'uptime' | 'rebooted-in-gap';

/** The tracker's verdict on one observation. */
export type CounterDelta =
  | { kind: 'baseline'; rxDiff: 0n; txDiff: 0n }
  | {
      kind: 'delta';
      rxDiff: bigint;
      txDiff: bigint;
      /**
       * The counters went back while the device stayed up (uptime kept growing): `restart`, the
       * counters restarted from zero after the previous poll (a controller restart for an AP's
       * accumulators), their values counted; `wrap`, a 32-bit counter wrapped, counted modulo 2^32.
       */
      counterReset?: 'restart' | 'wrap';
    }
  /** A reboot. Nothing counted, unless the reboot policy counts the traffic since the reboot. */
  | { kind: 'reset'; rxDiff: bigint; txDiff: bigint; reason: ResetReason }
  /** Counters grew faster than any link can carry: not counted, the new counters are the baseline. */
  | { kind: 'glitch'; rxDiff: 0n; txDiff: 0n; jumpRx: bigint; jumpTx: bigint; seconds: number };
