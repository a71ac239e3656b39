import type { RowDataPacket } from 'mysql2/promise';
import type { LegacyThroughput, RouterIdentity } from '../../../shared/types';
import type { PreviousReading, ReadingOrder } from '../tracker';
import { chunkByBytes, rowBytes } from './packet-size';
import type { SqlValues } from './sql';
import { SqlNumberWriter } from './sql-numbers';

/** Room for a multi-row statement's own text, when its rows are split to fit the server. */
const STATEMENT_TEXT_BYTES = 512;

/**
 * A staged row is 17 numbers, booleans or NULLs (at most 24 characters each once written, plus
 * separators) and the base copy's id (a 36-character UUID, quoted). A bound without looking at
 * the values keeps sizing off the cycle's cost.
 */
const STAGED_ROW_BYTES = 17 * 26 + 40 + 4;

function fixedWidthChunks<T>(rows: readonly T[], maxStatementBytes: number): Array<readonly T[]> {
  const perChunk = Math.max(
    1,
    Math.floor((maxStatementBytes - STATEMENT_TEXT_BYTES) / STAGED_ROW_BYTES),
  );
  if (rows.length <= perChunk) return [rows];
  const chunks: Array<readonly T[]> = [];
  for (let start = 0; start < rows.length; start += perChunk) {
    chunks.push(rows.slice(start, start + perChunk));
  }
  return chunks;
}

// A cycle's rows are uploaded once, into a per-connection temporary table, and every table
// is then written from it with one set-based statement: the work per cycle is a constant
// number of statements in one round trip, whatever the number of devices. Values always go
// in as parameters, never as SQL text.

/** A statement and its values, to be sent alone or batched with others in one round trip. */
export interface Statement {
  sql: string;
  values: SqlValues;
  /** An upper bound of its size as sent, when known without walking the values. */
  bytes?: number;
  /** The commit's writer-lock check (see `lockCheck`), redone for another lock connection. */
  checksLock?: true;
}

/** The writer lock checked at commit time (it must still be held on this connection). */
export function lockCheck(lock: CycleGuard['lock']): Statement {
  return lock === null
    ? { sql: 'SET @bt_owner = TRUE', values: [], checksLock: true }
    : {
        sql: 'SELECT IS_USED_LOCK(?) <=> ? INTO @bt_owner',
        values: [lock.name, lock.connectionId],
        checksLock: true,
      };
}

/** Joins statements into one multi-statement round trip. */
export function batch(statements: readonly Statement[]): Statement {
  return {
    sql: statements.map((s) => s.sql).join(';\n'),
    values: statements.flatMap((s) => s.values),
  };
}

/**
 * Empties (or creates) this connection's staging table and opens the transaction. A MEMORY
 * table of fixed-width numbers: filling, joining and emptying it costs next to nothing.
 */
export const BEGIN_CYCLE: Statement = {
  sql: `CREATE TEMPORARY TABLE IF NOT EXISTS bt_cycle_rows (
          router_id BIGINT NOT NULL PRIMARY KEY,
          tracked BOOLEAN NOT NULL DEFAULT TRUE,
          rx_total BIGINT UNSIGNED NULL,
          tx_total BIGINT UNSIGNED NULL,
          rx_diff BIGINT UNSIGNED NOT NULL,
          tx_diff BIGINT UNSIGNED NOT NULL,
          is_reset BOOLEAN NOT NULL DEFAULT FALSE,
          is_glitch BOOLEAN NOT NULL DEFAULT FALSE,
          uptime BIGINT UNSIGNED NULL,
          add_rx BIGINT UNSIGNED NULL,
          add_tx BIGINT UNSIGNED NULL,
          download_mbps DOUBLE NULL,
          upload_mbps DOUBLE NULL,
          latency_ms DOUBLE NULL,
          own_base BOOLEAN NOT NULL DEFAULT FALSE,
          base_copy CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
          base_sequence BIGINT UNSIGNED NULL,
          covered_seconds DECIMAL(15,3) NULL,
          is_counter_reset BOOLEAN NOT NULL DEFAULT FALSE
        ) ENGINE=MEMORY;
        DELETE FROM bt_cycle_rows;
        START TRANSACTION`,
  values: [],
};

export interface StoredRouter {
  id: number;
  mac: string;
  totalRxBytes: bigint;
  totalTxBytes: bigint;
  /** The last counters recorded: where tracking resumes after a restart. */
  latest: PreviousReading | null;
  /** The source the last counters came from (null before it was kept). */
  source: string | null;
}

export function selectRouters(macs: readonly string[]): Statement {
  return {
    sql: `SELECT id, mac_address, total_rx_bytes, total_tx_bytes, last_rx_bytes, last_tx_bytes,
                 last_uptime, last_bandwidth_update, last_copy, last_sequence, counter_source
            FROM routers WHERE mac_address IN (?)`,
    values: [macs],
  };
}

export function storedRouterOf(row: RowDataPacket): StoredRouter {
  return {
    id: Number(row.id),
    mac: String(row.mac_address),
    totalRxBytes: BigInt(row.total_rx_bytes),
    totalTxBytes: BigInt(row.total_tx_bytes),
    latest:
      row.last_rx_bytes === null || row.last_bandwidth_update === null
        ? null
        : {
            rxBytes: BigInt(row.last_rx_bytes),
            txBytes: BigInt(row.last_tx_bytes),
            uptime: row.last_uptime === null ? null : Number(row.last_uptime),
            at: row.last_bandwidth_update as Date,
            order:
              row.last_copy === null || row.last_sequence === null
                ? null
                : { copy: String(row.last_copy), sequence: Number(row.last_sequence) },
            source: row.counter_source === null ? null : String(row.counter_source),
          },
    source: row.counter_source === null ? null : String(row.counter_source),
  };
}

/**
 * Routers the database has never seen. A plain INSERT (not an upsert, which would burn an
 * auto-increment id per row and cycle) of MACs just checked to be missing.
 */
export function insertRouterIdentities(routers: readonly RouterIdentity[]): Statement {
  return {
    sql: 'INSERT INTO routers (mac_address, name, ip_address, brand, location, model, source_role, site) VALUES ?',
    values: [
      routers.map((r) => [
        r.mac,
        r.name,
        r.ip,
        r.brand,
        r.location,
        r.model ?? null,
        r.role ?? null,
        r.site ?? null,
      ]),
    ],
  };
}

export interface CycleRow {
  routerId: number;
  throughput: LegacyThroughput;
  /** Null for a device whose counters failed validation: only its identity and log row are written. */
  tracked: {
    rxBytes: bigint;
    txBytes: bigint;
    rxDiff: bigint;
    txDiff: bigint;
    isReset: boolean;
    isGlitch: boolean;
    uptime: number | null;
    /** What the lifetime totals grow by: the delta, or the starting counters on first sight. */
    addRxBytes: bigint;
    addTxBytes: bigint;
    /** The stored reading this one was measured from, as this copy believes it is stored. */
    base: ReadingOrder | null;
    /** Seconds the counted delta covers (since the previous reading); 0 when nothing was counted. */
    coveredSeconds?: number;
    /** The counters went back while the device stayed up (restart or 32-bit wrap): counted, flagged. */
    isCounterReset?: boolean;
  } | null;
}

/**
 * What a cycle's commit depends on, checked inside its transaction: that this copy still holds
 * the writer lock, and that no other copy wrote its routers since this copy measured from them.
 */
export interface CycleGuard {
  /** The order of this cycle's readings, stored with the counters; null when not known. */
  order: ReadingOrder | null;
  /** The source the counters came from; null keeps what is stored. */
  source: string | null;
  /** The writer lock and the connection that must hold it; null when there is no lock. */
  lock: { name: string; connectionId: number } | null;
  /** Several sources polled at once: which routers' counters came from which (instead of `source`). */
  sourceGroups?: ReadonlyArray<{ source: string; routerIds: readonly number[] }>;
}

/** Thrown by the guard's insert when the commit is refused: `@bt_owner`/`@bt_moved` say why. */
export const GUARD_REFUSED = 'ER_BAD_NULL_ERROR';

/** Why the guard refused the last cycle on this connection (session variables outlive a rollback). */
export const READ_GUARD: Statement = {
  sql: 'SELECT @bt_owner AS owner, @bt_moved AS moved',
  values: [],
};

/**
 * Name, IP, brand and location of routers whose identity changed since this copy last wrote
 * it (rare: the statement is left out when nothing changed). Ids are given, so the upsert
 * never allocates an auto-increment value.
 */
export function updateIdentities(
  changed: ReadonlyArray<{ routerId: number; identity: RouterIdentity }>,
  maxStatementBytes = Number.POSITIVE_INFINITY,
): Statement[] {
  if (changed.length === 0) return [];
  if (Number.isFinite(maxStatementBytes)) {
    const chunks = chunkByBytes(changed, maxStatementBytes - STATEMENT_TEXT_BYTES, (c) =>
      rowBytes([c.routerId, ...Object.values(c.identity)]),
    );
    if (chunks.length > 1) return chunks.flatMap((chunk) => updateIdentities(chunk));
  }
  return [
    {
      sql: `INSERT INTO routers (id, mac_address, name, ip_address, brand, location, model, source_role, site)
            VALUES ?
            ON DUPLICATE KEY UPDATE name = VALUES(name),
              ip_address = COALESCE(VALUES(ip_address), ip_address),
              brand = COALESCE(VALUES(brand), brand),
              location = COALESCE(VALUES(location), location),
              model = COALESCE(VALUES(model), model),
              source_role = COALESCE(VALUES(source_role), source_role),
              site = COALESCE(VALUES(site), site)`,
      values: [
        changed.map(({ routerId, identity: r }) => [
          routerId,
          r.mac,
          r.name,
          r.ip,
          r.brand,
          r.location,
          r.model ?? null,
          r.role ?? null,
          r.site ?? null,
        ]),
      ],
    },
  ];
}

/** Reused by every cycle: staging is synchronous, and its text is copied out. */
const stagedText = new SqlNumberWriter(1 << 20);

/**
 * What most rows of a cycle share, set once as session variables instead of written in every
 * row: measured from the same stored reading (`@bt_base_copy`, `@bt_base_sequence`) over the
 * same seconds (`@bt_covered`), counting their delta into the totals. The server parses a
 * literal per value, so 9 values a row instead of 18 halve its share of the upload.
 */
interface Shared {
  base: ReadingOrder | null;
  /** Milliseconds are enough: the column keeps three decimals. */
  covered: number;
}

function coveredOf(t: NonNullable<CycleRow['tracked']>): number {
  return Math.round((t.coveredSeconds ?? 0) * 1000) / 1000;
}

function isShared(t: NonNullable<CycleRow['tracked']>, shared: Shared): boolean {
  return (
    !t.isReset &&
    !t.isGlitch &&
    t.isCounterReset !== true &&
    t.addRxBytes === t.rxDiff &&
    t.addTxBytes === t.txDiff &&
    t.base?.copy === shared.base?.copy &&
    t.base?.sequence === shared.base?.sequence &&
    coveredOf(t) === shared.covered
  );
}

/**
 * The session variables of a cycle's staged rows: the shared values, and the base copies' ids
 * (`@bt_copy0`…) that the other rows name. Ids stay `?` values that mysql2 escapes; the rows
 * stay numbers only.
 */
function stagingVariables(rows: readonly CycleRow[]): {
  shared: Shared;
  copies: Map<string, string>;
  set: Statement;
} {
  const first = rows.find((row) => row.tracked !== null)?.tracked ?? null;
  const shared: Shared = {
    base: first?.base ?? null,
    covered: first === null ? 0 : coveredOf(first),
  };
  const copies = new Map<string, string>();
  for (const row of rows) {
    const copy = row.tracked?.base?.copy;
    if (copy !== undefined && !copies.has(copy)) copies.set(copy, `@bt_copy${copies.size}`);
  }
  const assignments = [...copies.values()].map((name) => `${name} = ?`);
  assignments.push('@bt_base_copy = ?', '@bt_base_sequence = ?', '@bt_covered = ?');
  return {
    shared,
    copies,
    set: {
      sql: `SET ${assignments.join(', ')}`,
      values: [
        ...copies.keys(),
        shared.base?.copy ?? null,
        shared.base?.sequence ?? null,
        shared.covered,
      ],
    },
  };
}

/**
 * Multi-row inserts of staged rows, written by the numbers-only writer (mysql2's generic
 * escaping walked an array per row and was a fifth of the cycle's garbage): a value that is
 * not a number is refused, never written. Rows that share the cycle's values go in one
 * insert of 9 columns, the others (untracked, reset, first seen, measured from elsewhere)
 * in one of every column.
 */
function stageRows(rows: readonly CycleRow[], maxStatementBytes: number): Statement[] {
  const { shared, copies, set } = stagingVariables(rows);
  const common: CycleRow[] = [];
  const full: CycleRow[] = [];
  for (const row of rows) {
    if (row.tracked !== null && isShared(row.tracked, shared)) common.push(row);
    else full.push(row);
  }
  return [
    set,
    ...(common.length === 0 ? [] : fixedWidthChunks(common, maxStatementBytes).map(stageShared)),
    ...(full.length === 0
      ? []
      : fixedWidthChunks(full, maxStatementBytes).map((chunk) => stageFull(chunk, copies))),
  ];
}

function stageShared(chunk: readonly CycleRow[]): Statement {
  const w = stagedText.reset();
  w.raw(`INSERT INTO bt_cycle_rows (router_id, rx_total, tx_total, rx_diff, tx_diff, uptime,
              download_mbps, upload_mbps, latency_ms) VALUES `);
  for (let i = 0; i < chunk.length; i += 1) {
    const { routerId, throughput: l, tracked } = chunk[i] as CycleRow;
    const t = tracked as NonNullable<CycleRow['tracked']>;
    w.raw(i === 0 ? '(' : ',(')
      .number(routerId)
      .raw(',');
    w.number(t.rxBytes).raw(',').number(t.txBytes).raw(',');
    w.number(t.rxDiff).raw(',').number(t.txDiff).raw(',').numberOrNull(t.uptime).raw(',');
    w.numberOrNull(l.downloadMbps).raw(',').numberOrNull(l.uploadMbps).raw(',');
    w.numberOrNull(l.latencyMs).raw(')');
  }
  return stagedStatement(w, chunk.length);
}

function stageFull(chunk: readonly CycleRow[], copies: ReadonlyMap<string, string>): Statement {
  const w = stagedText.reset();
  w.raw(`INSERT INTO bt_cycle_rows (router_id, tracked, rx_total, tx_total, rx_diff, tx_diff, is_reset, is_glitch, uptime,
              add_rx, add_tx, download_mbps, upload_mbps, latency_ms, own_base, base_copy, base_sequence, covered_seconds,
              is_counter_reset) VALUES `);
  for (let i = 0; i < chunk.length; i += 1) {
    const { routerId, throughput: l, tracked: t } = chunk[i] as CycleRow;
    w.raw(i === 0 ? '(' : ',(').number(routerId);
    if (t === null) {
      w.raw(',0,NULL,NULL,0,0,0,0,NULL,0,0,');
      w.numberOrNull(l.downloadMbps).raw(',').numberOrNull(l.uploadMbps).raw(',');
      w.numberOrNull(l.latencyMs).raw(',1,NULL,NULL,0,0)');
      continue;
    }
    w.raw(',1,').number(t.rxBytes).raw(',').number(t.txBytes).raw(',');
    w.number(t.rxDiff).raw(',').number(t.txDiff).raw(',').flag(t.isReset).raw(',');
    w.flag(t.isGlitch).raw(',').numberOrNull(t.uptime).raw(',').number(t.addRxBytes).raw(',');
    w.number(t.addTxBytes).raw(',').numberOrNull(l.downloadMbps).raw(',');
    w.numberOrNull(l.uploadMbps).raw(',').numberOrNull(l.latencyMs).raw(',1,');
    if (t.base === null) w.raw('NULL,NULL,');
    else
      w.raw(copies.get(t.base.copy) ?? 'NULL')
        .raw(',')
        .number(t.base.sequence)
        .raw(',');
    w.number(coveredOf(t)).raw(',').flag(t.isCounterReset).raw(')');
  }
  return stagedStatement(w, chunk.length);
}

function stagedStatement(w: SqlNumberWriter, rows: number): Statement {
  return { sql: w.text(), values: [], bytes: STATEMENT_TEXT_BYTES + rows * STAGED_ROW_BYTES };
}

/** Every write of a cycle, from one upload of its rows, ending with COMMIT. */
export function writeCycle(
  cycleId: string,
  rows: readonly CycleRow[],
  identities: readonly Statement[],
  at: Date,
  /** The server's limit for one statement: a larger upload is split into several inserts. */
  maxStatementBytes = Number.POSITIVE_INFINITY,
  guard: CycleGuard = { order: null, source: null, lock: null },
): Statement[] {
  const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
  const day = at.toISOString().slice(0, 10);
  const month = `${at.toISOString().slice(0, 7)}-01`;
  /** Adds the cycle to a longer rollup, only when its hour was already folded (a late cycle). */
  const addIfLate = (table: string, column: string, bucket: string): Statement => ({
    sql: `INSERT INTO ${table} (${column}, router_id, rx_bytes, tx_bytes, resets, samples, covered_seconds)
          SELECT ?, router_id, rx_diff, tx_diff, is_reset, 1, COALESCE(covered_seconds, @bt_covered) FROM bt_cycle_rows
           WHERE tracked AND ? < @bt_daily_through
          ON DUPLICATE KEY UPDATE rx_bytes = ${table}.rx_bytes + VALUES(rx_bytes),
            tx_bytes = ${table}.tx_bytes + VALUES(tx_bytes), resets = ${table}.resets + VALUES(resets),
            samples = ${table}.samples + VALUES(samples),
            covered_seconds = ${table}.covered_seconds + VALUES(covered_seconds)`,
    values: [bucket, hour],
  });
  // The daily and monthly tables are fed from the hourly one once an hour has ended (a fold
  // an hour instead of two more upserts every cycle). A cycle recorded late, for an hour
  // already folded, goes to them directly.
  const fold = (table: string, column: string, unit: string): Statement => ({
    sql: `INSERT INTO ${table} (${column}, router_id, rx_bytes, tx_bytes, resets, samples, covered_seconds)
          SELECT ${unit} AS unit_start, router_id, SUM(rx_bytes), SUM(tx_bytes), SUM(resets), SUM(samples),
                 SUM(covered_seconds)
            FROM bandwidth_hourly WHERE hour_start >= @bt_daily_through AND hour_start < ?
           GROUP BY unit_start, router_id
          ON DUPLICATE KEY UPDATE rx_bytes = ${table}.rx_bytes + VALUES(rx_bytes),
            tx_bytes = ${table}.tx_bytes + VALUES(tx_bytes), resets = ${table}.resets + VALUES(resets),
            samples = ${table}.samples + VALUES(samples),
            covered_seconds = ${table}.covered_seconds + VALUES(covered_seconds)`,
    values: [hour],
  });
  const longerRollups: Statement[] = [
    {
      sql: 'SELECT daily_through INTO @bt_daily_through FROM rollup_state WHERE id = 1 FOR UPDATE',
      values: [],
    },
    fold('bandwidth_daily', 'day', 'DATE(hour_start)'),
    fold('bandwidth_monthly', 'month', "DATE_FORMAT(hour_start, '%Y-%m-01')"),
    addIfLate('bandwidth_daily', 'day', day),
    addIfLate('bandwidth_monthly', 'month', month),
    {
      sql: 'UPDATE rollup_state SET daily_through = GREATEST(daily_through, ?) WHERE id = 1',
      values: [hour],
    },
  ];
  return [
    // Every reading of a replayed cycle may be older than the database's (nothing to stage).
    ...(rows.length === 0 ? [] : stageRows(rows, maxStatementBytes)),
    // Another copy wrote one of these routers since this copy measured from it? A locking read
    // (it sees the latest commit, and holds the rows until ours): the deltas are then measured
    // again from what is stored, see the guard at the end.
    {
      sql: `SELECT COUNT(*) INTO @bt_moved FROM routers r JOIN bt_cycle_rows c ON r.id = c.router_id
             WHERE c.tracked AND NOT IF(c.own_base,
                 r.last_copy <=> c.base_copy AND r.last_sequence <=> c.base_sequence,
                 r.last_copy <=> CONVERT(@bt_base_copy USING ascii) AND r.last_sequence <=> @bt_base_sequence)
               FOR UPDATE`,
      values: [],
    },
    ...identities,
    // Totals only ever grow by what the cycle counted.
    {
      sql: `UPDATE routers r JOIN bt_cycle_rows c ON r.id = c.router_id
               SET r.total_rx_bytes = r.total_rx_bytes + COALESCE(c.add_rx, c.rx_diff),
                   r.total_tx_bytes = r.total_tx_bytes + COALESCE(c.add_tx, c.tx_diff),
                   r.last_rx_bytes = IF(c.tracked, c.rx_total, r.last_rx_bytes),
                   r.last_tx_bytes = IF(c.tracked, c.tx_total, r.last_tx_bytes),
                   r.last_uptime = IF(c.tracked, c.uptime, r.last_uptime),
                   r.last_bandwidth_update = IF(c.tracked, ?, r.last_bandwidth_update),
                   r.last_copy = IF(c.tracked, ?, r.last_copy),
                   r.last_sequence = IF(c.tracked, ?, r.last_sequence),
                   r.counter_source = IF(c.tracked, COALESCE(?, r.counter_source), r.counter_source)`,
      values: [at, guard.order?.copy ?? null, guard.order?.sequence ?? null, guard.source],
    },
    // One statement per source (a handful), whatever the number of routers.
    ...(guard.sourceGroups ?? []).map(
      (group): Statement => ({
        sql: 'UPDATE routers SET counter_source = ? WHERE id IN (?)',
        values: [group.source, group.routerIds],
      }),
    ),
    {
      sql: `INSERT INTO bandwidth_snapshots
              (router_id, rx_bytes_total, tx_bytes_total, rx_bytes_diff, tx_bytes_diff, is_reset, is_glitch, is_counter_reset, uptime, timestamp)
            SELECT router_id, rx_total, tx_total, rx_diff, tx_diff, is_reset, is_glitch, is_counter_reset, uptime, ? FROM bt_cycle_rows WHERE tracked`,
      values: [at],
    },
    // After the first cycle of an hour its rows exist: a join update is half the cost of an
    // upsert. Every updated row changes (samples grows), so ROW_COUNT() tells whether any
    // router is new in this hour; when none is, the insert is a constant-false no-op instead
    // of one index probe per router.
    {
      sql: `UPDATE bandwidth_hourly h JOIN bt_cycle_rows c ON h.hour_start = ? AND h.router_id = c.router_id
               SET h.rx_bytes = h.rx_bytes + c.rx_diff, h.tx_bytes = h.tx_bytes + c.tx_diff,
                   h.resets = h.resets + c.is_reset, h.samples = h.samples + 1,
                   h.covered_seconds = h.covered_seconds + COALESCE(c.covered_seconds, @bt_covered)
             WHERE c.tracked`,
      values: [hour],
    },
    { sql: 'SET @bt_hourly_updated = ROW_COUNT()', values: [] },
    {
      sql: `INSERT INTO bandwidth_hourly (hour_start, router_id, rx_bytes, tx_bytes, resets, samples, covered_seconds)
            SELECT ?, c.router_id, c.rx_diff, c.tx_diff, c.is_reset, 1, COALESCE(c.covered_seconds, @bt_covered)
              FROM bt_cycle_rows c
             WHERE @bt_hourly_updated < ? AND c.tracked
               AND NOT EXISTS (SELECT 1 FROM bandwidth_hourly h WHERE h.hour_start = ? AND h.router_id = c.router_id)`,
      values: [hour, rows.filter((r) => r.tracked !== null).length, hour],
    },
    ...longerRollups,
    {
      sql: `INSERT INTO bandwidth_logs (router_id, download_mbps, upload_mbps, latency_ms, timestamp)
            SELECT router_id, download_mbps, upload_mbps, latency_ms, ? FROM bt_cycle_rows`,
      values: [at],
    },
    // The lock is checked here, at commit time: a copy that lost it (its lock connection was
    // killed, another copy took over) must not commit what that copy counts too.
    lockCheck(guard.lock),
    // The cycle's identity, last: recording the same cycle twice fails on the primary key, and
    // a refused guard fails on the NULL time; either way the client rolls everything back.
    {
      sql: 'INSERT INTO poll_cycles (id, recorded_at) VALUES (?, IF(@bt_owner AND @bt_moved = 0, ?, NULL))',
      values: [cycleId, at],
    },
    { sql: 'COMMIT', values: [] },
  ];
}
