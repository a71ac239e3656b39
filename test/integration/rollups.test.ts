import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CycleAlreadyRecorded, CycleRecorder } from '../../electron/core/cycle-recorder';
import { migrate } from '../../electron/core/db/migrate';
import { MIGRATIONS } from '../../electron/core/db/migrations';
import { pruneOldRows } from '../../electron/core/db/retention';
import { backfillRollups } from '../../electron/core/db/rollup-backfill';
import { queryHistory } from '../../electron/core/history-query';
import { parseDevicePayload } from '../../electron/core/payload';
import { historyWindow } from '../../shared/history-range';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.drop();
});

const devices = (rx: number[], resetAt = -1) =>
  parseDevicePayload(
    rx.map((value, i) => ({
      name: `R${i}`,
      mac: `AA:00:00:00:00:0${i}`,
      rx_bytes: i === resetAt ? 1 : value,
      tx_bytes: value * 2,
    })),
  ).devices;

/** Rollup rows next to the same figures computed from the raw snapshots. */
async function rollupsAgainstSnapshots() {
  const hourly = await db.rows(
    `SELECT router_id, hour_start AS bucket, rx_bytes AS rx, tx_bytes AS tx, resets, samples FROM bandwidth_hourly ORDER BY 1, 2`,
  );
  const hourlyFromRaw = await db.rows(
    `SELECT router_id, CAST(DATE_FORMAT(timestamp, '%Y-%m-%d %H:00:00') AS DATETIME) AS bucket, SUM(rx_bytes_diff) AS rx,
            SUM(tx_bytes_diff) AS tx, SUM(is_reset) AS resets, COUNT(*) AS samples
       FROM bandwidth_snapshots GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  // The daily table plus the hours not folded into it yet.
  const daily = await db.rows(
    `SELECT router_id, bucket, SUM(rx) AS rx, SUM(resets) AS resets FROM (
       SELECT router_id, day AS bucket, rx_bytes AS rx, resets FROM bandwidth_daily
       UNION ALL
       SELECT router_id, DATE(hour_start), rx_bytes, resets FROM bandwidth_hourly
        WHERE hour_start >= (SELECT daily_through FROM rollup_state WHERE id = 1)) AS d
      GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const dailyFromRaw = await db.rows(
    `SELECT router_id, DATE(timestamp) AS bucket, SUM(rx_bytes_diff) AS rx, SUM(is_reset) AS resets
       FROM bandwidth_snapshots GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const normalise = (rows: unknown[]) =>
    JSON.parse(JSON.stringify(rows, (_, v) => (typeof v === 'number' ? String(v) : v)));
  return {
    hourly: normalise(hourly),
    hourlyFromRaw: normalise(hourlyFromRaw),
    daily: normalise(daily),
    dailyFromRaw: normalise(dailyFromRaw),
  };
}

describe('rollups', () => {
  it('follow the snapshots in the same transaction, across hours and UTC days', async () => {
    await migrate(db.pool);
    const recorder = new CycleRecorder(db.pool);
    const times = [
      '2026-03-01T22:50:00Z',
      '2026-03-01T23:10:00Z',
      '2026-03-01T23:59:00Z',
      '2026-03-02T00:01:00Z',
      '2026-03-02T05:00:00Z',
    ];
    for (const [i, time] of times.entries()) {
      await recorder.record(
        devices([1000 * (i + 1) ** 2, 500 * (i + 1)], i === 3 ? 0 : -1),
        new Date(time),
      );
    }
    const { hourly, hourlyFromRaw, daily, dailyFromRaw } = await rollupsAgainstSnapshots();
    expect(hourly).toHaveLength(8);
    expect(hourly).toEqual(hourlyFromRaw);
    expect(daily).toEqual(dailyFromRaw);
    expect(daily.some((row: { resets: string }) => row.resets === '1')).toBe(true);
  });

  it('give a router that first reports in the middle of an hour its own hourly row', async () => {
    await migrate(db.pool);
    const recorder = new CycleRecorder(db.pool);
    // Same hour throughout: the second and third cycles update R0's row; R1 is new at the second.
    await recorder.record(devices([1000]), new Date('2026-03-01T10:05:00Z'));
    await recorder.record(devices([3000, 700]), new Date('2026-03-01T10:06:00Z'));
    await recorder.record(devices([6000, 1700]), new Date('2026-03-01T10:07:00Z'));
    await recorder.record(devices([6500, 1900]), new Date('2026-03-01T10:08:00Z'));
    const { hourly, hourlyFromRaw } = await rollupsAgainstSnapshots();
    expect(hourly).toEqual(hourlyFromRaw);
    expect(hourly.map((row: { samples: string; rx: string }) => [row.samples, row.rx])).toEqual([
      ['4', '5500'],
      ['3', '1200'],
    ]);
  });

  it('fold each finished hour into the daily table once, and send a late cycle there directly', async () => {
    await migrate(db.pool);
    const foldedThrough = async () => {
      const [row] = await db.rows<{ daily_through: Date }>(
        'SELECT daily_through FROM rollup_state',
      );
      if (row === undefined) throw new Error('rollup_state has no row');
      return row.daily_through.getTime();
    };
    const start = await foldedThrough();
    const recorder = new CycleRecorder(db.pool);
    const hours = [0.1, 0.5, 1.2, 1.7, 2.4, 26.3];
    for (const [i, h] of hours.entries()) {
      await recorder.record(devices([1000 * (i + 1) ** 2]), new Date(start + h * 3_600_000));
    }
    // A cycle for an hour folded long ago: R0's reading is older than the one stored (left
    // out), R1 is new (its first sight goes to the folded day directly).
    const late = await recorder.record(devices([99_000, 7_000]), new Date(start - 5 * 3_600_000));
    expect(late.stale.map((r) => r.mac)).toEqual(['AA:00:00:00:00:00']);
    expect(late.tracked.map((t) => t.identity.mac)).toEqual(['AA:00:00:00:00:01']);
    expect(await foldedThrough()).toBe(start + 26 * 3_600_000);
    const folded = await db.rows<{ n: string }>('SELECT SUM(samples) AS n FROM bandwidth_daily');
    // Hours 0, 1, 2 (5 samples) folded, hour 26 not yet; the late cycle went in directly.
    expect(folded[0]?.n).toBe('6');
    const { daily, dailyFromRaw } = await rollupsAgainstSnapshots();
    expect(daily).toEqual(dailyFromRaw);
  });

  it('never count a replayed cycle twice', async () => {
    await migrate(db.pool);
    const recorder = new CycleRecorder(db.pool);
    await recorder.record(devices([100]), new Date('2026-03-01T10:00:00Z'), 'cycle-1');
    await recorder.record(devices([300]), new Date('2026-03-01T10:01:00Z'), 'cycle-2');
    const again = new CycleRecorder(db.pool);
    await expect(
      again.record(devices([300]), new Date('2026-03-01T10:01:00Z'), 'cycle-2'),
    ).rejects.toThrow(CycleAlreadyRecorded);
    const [router] = await db.rows<{ total_rx_bytes: string }>(
      'SELECT total_rx_bytes FROM routers',
    );
    expect(router?.total_rx_bytes).toBe('300');
    const [hour] = await db.rows<{ rx_bytes: string; samples: string }>(
      'SELECT rx_bytes, samples FROM bandwidth_hourly',
    );
    expect(hour).toEqual({ rx_bytes: '200', samples: 2 });
    const [snapshots] = await db.rows<{ n: string }>(
      'SELECT COUNT(*) AS n FROM bandwidth_snapshots',
    );
    expect(snapshots?.n).toBe('2');
  });

  it('are built once from the snapshots of a database older than them, resumably and with progress', async () => {
    await migrate(db.pool, () => {}, MIGRATIONS.slice(0, 3));
    await db.pool.query(
      "INSERT INTO routers (id, name, mac_address, total_rx_bytes) VALUES (1, 'Old AP', 'AA:00:00:00:00:00', 0)",
    );
    const rows = Array.from({ length: 7 }, (_, i) => [
      1,
      1000 + i * 100,
      0,
      i === 0 ? 0 : 100,
      0,
      0,
      new Date(Date.UTC(2026, 0, 1, 20 + i, 30)),
    ]);
    await db.pool.query(
      'INSERT INTO bandwidth_snapshots (router_id, rx_bytes_total, tx_bytes_total, rx_bytes_diff, tx_bytes_diff, is_reset, timestamp) VALUES ?',
      [rows],
    );
    await migrate(db.pool);
    const [router] = await db.rows<Record<string, unknown>>(
      'SELECT last_rx_bytes, last_bandwidth_update FROM routers',
    );
    expect(router).toEqual({
      last_rx_bytes: '1600',
      last_bandwidth_update: new Date(Date.UTC(2026, 0, 2, 2, 30)),
    });

    const progress: string[] = [];
    expect(
      await backfillRollups(
        db.pool,
        (line) => progress.push(line),
        new AbortController().signal,
        3,
      ),
    ).toBe(7);
    expect(progress[0]).toBe('🗄️  Building history rollups from 7 existing snapshot id(s)…');
    expect(progress.slice(1)).toEqual([
      '🗄️  Rollups: 3 / 7 snapshot ids (43 %)',
      '🗄️  Rollups: 6 / 7 snapshot ids (86 %)',
      '🗄️  Rollups: 7 / 7 snapshot ids (100 %)',
    ]);
    const { hourly, hourlyFromRaw, daily, dailyFromRaw } = await rollupsAgainstSnapshots();
    expect(hourly).toEqual(hourlyFromRaw);
    expect(daily).toEqual(dailyFromRaw);
    // A second run has nothing left to fold: no snapshot is ever counted twice.
    expect(await backfillRollups(db.pool, () => {}, new AbortController().signal, 3)).toBe(0);
    expect((await rollupsAgainstSnapshots()).hourly).toEqual(hourlyFromRaw);
  });
});

describe('retention', () => {
  it('prunes old rows in batches and keeps what tracking resumes from', async () => {
    await migrate(db.pool);
    const recorder = new CycleRecorder(db.pool);
    const now = new Date('2026-06-01T12:00:00Z');
    const day = 86_400_000;
    for (const [i, age] of [100, 60, 40, 20, 1].entries()) {
      await recorder.record(devices([1000 * (i + 1)]), new Date(now.getTime() - age * day));
    }
    const deleted = await pruneOldRows(
      db.pool,
      { rawDays: 30, hourlyDays: 50, dailyDays: 0 },
      now,
      { batchSize: 2, pauseMs: 0 },
    );
    expect(deleted).toEqual({
      bandwidth_snapshots: 3,
      bandwidth_logs: 3,
      poll_cycles: 3,
      bandwidth_hourly: 2,
    });
    const [daily] = await db.rows<{ n: string }>('SELECT COUNT(*) AS n FROM bandwidth_daily');
    expect(daily?.n).toBe('5');
    // The baseline lives on the router row: the next cycle still measures from it.
    const restarted = new CycleRecorder(db.pool);
    const cycle = await restarted.record(devices([5500]), now);
    expect(cycle.tracked[0]?.delta).toEqual({ kind: 'delta', rxDiff: 500n, txDiff: 1000n });
  });
});

describe('history from the rollups', () => {
  const zones = ['UTC', 'Europe/Paris', 'Asia/Kolkata', 'America/Los_Angeles'];
  // "folding": cycles arrive live, so finished hours are folded into days and months as they
  // go and the last ones are still hourly; "late": every hour was folded before the cycles came.
  it.each(
    zones.flatMap((zone) => [
      [zone, 'folding'],
      [zone, 'late'],
    ]),
  )('gives exact local hours, days and months in %s (%s)', async (timeZone, mode) => {
    await migrate(db.pool);
    if (mode === 'folding') {
      await db.pool.query("UPDATE rollup_state SET daily_through = '2026-03-24 00:00:00'");
    }
    const recorder = new CycleRecorder(db.pool);
    const start = Date.parse('2026-03-25T00:00:00Z');
    let rx = 0;
    const deltas: Array<{ at: Date; rx: number }> = [];
    for (let i = 0; i < 90; i += 1) {
      const at = new Date(start + i * 2.5 * 3_600_000);
      const step = 1000 + i * 37;
      rx += step;
      await recorder.record(devices([rx]), at);
      // The first poll is a baseline: its bucket is monitored with zero bytes (not a gap).
      deltas.push({ at, rx: i > 0 ? step : 0 });
    }
    const now = new Date('2026-04-03T12:00:00Z');
    for (const range of ['month', 'year', 'week', 'day'] as const) {
      const request = { range, routerIds: [], timeZone };
      const result = await queryHistory(db.pool, request, now);
      const window = historyWindow(request, now);
      const expected = new Map<string, number>();
      for (const { at, rx: bytes } of deltas) {
        // Rollups keep the UTC hour, so a delta belongs to the local bucket holding its hour.
        const hour = Math.floor(at.getTime() / 3_600_000) * 3_600_000;
        if (hour < window.from.getTime() || hour >= window.to.getTime()) continue;
        const index = window.bucketStarts.findLastIndex((b) => b.getTime() <= hour);
        const key = window.bucketStarts[index]?.toISOString() ?? 'outside';
        expected.set(key, (expected.get(key) ?? 0) + bytes);
      }
      if (range !== 'day') expect(expected.size).toBeGreaterThan(1);
      const got = new Map(result.buckets.map((b) => [b.start, Number(b.rxBytes)]));
      expect(got).toEqual(expected);
    }
  });
});
