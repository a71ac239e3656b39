// What the quota and offline checks add to a cycle at 10,000 routers, against a throwaway
// database: `npx tsx test/bench/quota-checks.ts` (without quotas), `QUOTA=1 npx tsx …` (with
// one internet quota over every router, 3 days of hourly rows each).
import type { RowDataPacket } from 'mysql2/promise';
import { migrate } from '../../electron/core/db/migrate';
import { AlertWatch } from '../../electron/core/quotas/alert-watch';
import { setQuota } from '../../electron/core/quotas/quota-store';
import type { DeviceReading } from '../../shared/types';
import { createTestDatabase } from '../support/test-database';

const ROUTERS = 10_000;
const CYCLES = 30;

const db = await createTestDatabase();
try {
  await migrate(db.pool);
  const routers = Array.from({ length: ROUTERS }, (_, i) => {
    const mac = `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
    return [mac.toUpperCase(), `Router ${i}`] as const;
  });
  await db.pool.query('INSERT INTO routers (mac_address, name) VALUES ?', [routers]);
  const [[first]] = await db.pool.query<RowDataPacket[]>('SELECT MIN(id) AS id FROM routers');
  const firstId = Number(first?.id);
  for (let hour = 0; hour < 72; hour += 1) {
    await db.pool.query(
      `INSERT INTO bandwidth_hourly (hour_start, router_id, rx_bytes, tx_bytes, samples, covered_seconds)
       SELECT ?, id, 1000, 1000, 60, 3600 FROM routers`,
      [new Date(Date.UTC(2026, 10, 25) + hour * 3_600_000)],
    );
  }
  if (process.env.QUOTA === '1') {
    await setQuota(db.pool, {
      target: 'wan',
      sizeBytes: 10n ** 12n,
      period: { kind: 'month', billingDay: 1 },
      direction: 'both',
      timeZone: 'UTC',
      thresholds: [80, 90, 100],
    });
  }
  const devices: DeviceReading[] = routers.map(([mac, name]) => ({
    identity: { mac, name, ip: null, brand: null, location: null },
    counters: { rxBytes: 0n, txBytes: 0n, uptime: null },
    throughput: { downloadMbps: null, uploadMbps: null, latencyMs: null },
  }));
  const tracked = devices.map((device, i) => ({
    routerId: firstId + i,
    identity: device.identity,
  }));
  const watch = new AlertWatch(() => {});
  const times: number[] = [];
  for (let cycle = 0; cycle < CYCLES; cycle += 1) {
    const at = new Date(Date.UTC(2026, 10, 27, 23, 10 + cycle));
    const started = performance.now();
    await watch.afterCommit(
      db.pool,
      { at, tracked: tracked as Parameters<AlertWatch['afterCommit']>[1]['tracked'] },
      devices,
    );
    times.push(performance.now() - started);
  }
  const steady = times.slice(10).sort((a, b) => a - b);
  console.log(
    `${ROUTERS.toLocaleString('en-US')} routers, ${process.env.QUOTA === '1' ? 'one internet quota' : 'no quota'}: first check ${times[0]?.toFixed(0)} ms, then median ${steady[Math.floor(steady.length / 2)]?.toFixed(0)} ms, worst ${steady.at(-1)?.toFixed(0)} ms`,
  );
} finally {
  await db.drop();
}
